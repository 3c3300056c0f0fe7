/**
 * The process's connections to Postgres: the statement pool (config.poolSize) with its LISTEN connection,
 * and the migrations. Through a transaction-mode pooler nothing is prepared by name, and LISTEN and the
 * migrations go to DATABASE_DIRECT_URL when it is set (docs/deploy.md).
 */
import type { Config } from '../config/index.ts';
import { connect, migrate, type Sql } from '../store/index.ts';
import type { Logger } from '../shared/index.ts';

export function openPool(config: Readonly<Config>, url: string, logger: Logger): Sql {
  if (!config.databasePooled) return connect(url, { max: config.poolSize, logger });
  if (config.databaseDirectUrl === null) {
    logger.warn({ pollMs: config.pollMs }, 'DATABASE_URL is pooled and DATABASE_DIRECT_URL is not set: nothing LISTENs, workers find new jobs by polling');
  }
  return connect(url, { max: config.poolSize, prepare: false, listenUrl: config.databaseDirectUrl, logger });
}

/** Migrations over the direct connection when there is one (DDL and the lock need no pooler), else the pool. */
export async function migrateSchema(config: Readonly<Config>, sql: Sql, logger: Logger): Promise<void> {
  const direct = config.databaseDirectUrl ? connect(config.databaseDirectUrl, { max: 1 }) : null;
  try {
    const { applied } = await migrate(direct ?? sql);
    if (applied.length > 0) logger.info({ applied }, 'applied migrations');
  } finally {
    await direct?.end({ timeout: 5 });
  }
}
