/**
 * The database's own ceiling on this machine: pgbench committing one single-row INSERT per
 * transaction, with 1, 4 and 16 clients. A job queue that commits once per job cannot go faster than
 * this; the engines' rates read against it.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connect } from './durable-modules.mts';
import { createDatabase, dropDatabase } from './durable-support.mts';

const run = promisify(execFile);

export const pgbenchDatabase = 'bench_pgbench';

/** pgbench from PATH, else from the Debian server package's own folder. */
export function findPgbench(): string | null {
  const candidates = [
    ...(process.env.PATH ?? '').split(':').filter((dir) => dir !== '').map((dir) => join(dir, 'pgbench')),
    ...['17', '16', '15', '14'].map((major) => `/usr/lib/postgresql/${major}/bin/pgbench`),
  ];
  return candidates.find((path) => existsSync(path)) ?? null;
}

export interface PgbenchResult {
  clients: number;
  commitsPerSecond: number;
  latencyMs: number;
}

/** Creates the table once; `measure` runs one pgbench for `seconds` with `clients`. */
export class Pgbench {
  private readonly folder = mkdtempSync(join(tmpdir(), 'nightshift-pgbench-'));
  private readonly script = join(this.folder, 'insert.sql');

  private constructor(
    private readonly binary: string,
    private readonly url: URL,
  ) {
    writeFileSync(this.script, 'insert into bench_rows (payload) values (\'{}\');\n');
  }

  static async open(binary: string): Promise<Pgbench> {
    const url = await createDatabase(pgbenchDatabase);
    const sql = connect(url, { max: 1 });
    try {
      await sql.unsafe('create table bench_rows (id bigserial primary key, payload jsonb not null, created_at timestamptz not null default now())');
    } finally {
      await sql.end();
    }
    return new Pgbench(binary, new URL(url));
  }

  async measure(clients: number, seconds: number): Promise<PgbenchResult> {
    const threads = Math.max(1, Math.min(clients, cpus().length));
    const { url } = this;
    const args = [
      '-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres'),
      '-n', '-f', this.script, '-c', String(clients), '-j', String(threads), '-T', String(seconds),
      url.pathname.slice(1),
    ];
    const { stdout } = await run(this.binary, args, { env: { ...process.env, PGPASSWORD: decodeURIComponent(url.password) } });
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout);
    const latency = /latency average = ([\d.]+) ms/.exec(stdout);
    if (!tps || !latency) throw new Error(`pgbench printed no tps:\n${stdout}`);
    return { clients, commitsPerSecond: Number(tps[1]), latencyMs: Number(latency[1]) };
  }

  async close(): Promise<void> {
    rmSync(this.folder, { recursive: true, force: true });
    await dropDatabase(pgbenchDatabase);
  }
}
