/**
 * Debian's PgBouncer in transaction pooling mode in front of a Postgres server, for tests that prove
 * Nightshift works through a pooler. PgBouncer 1.18 (Debian 12) keeps no prepared statements across
 * transactions, as Supavisor and older PgBouncers; `max_prepared_statements = 0` makes a newer one the same.
 * `.ci/run` installs the package; `pgbouncerBin()` says where it is.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accepts, freePort } from './ports.ts';

const candidates = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'];

export function pgbouncerBin(): string | null {
  return candidates.find((path) => existsSync(path)) ?? null;
}

export interface Pgbouncer {
  /** `url` with the host and port of the pooler instead of the server's. */
  pooled(url: string): string;
  stop(): Promise<void>;
}

/** Starts PgBouncer (transaction mode, trust auth, `poolSize` server connections per database) before `serverUrl`'s server. */
export async function startPgbouncer(bin: string, serverUrl: string, poolSize = 10): Promise<Pgbouncer> {
  const server = new URL(serverUrl);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'nightshift-pgbouncer-'));
  chmodSync(dir, 0o777);
  const user = decodeURIComponent(server.username || 'postgres');
  writeFileSync(join(dir, 'users.txt'), `"${user}" ""\n`);
  writeFileSync(join(dir, 'pgbouncer.ini'), [
    '[databases]',
    `* = host=${server.hostname} port=${server.port || 5432}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    'unix_socket_dir =',
    'auth_type = trust',
    `auth_file = ${join(dir, 'users.txt')}`,
    'pool_mode = transaction',
    `default_pool_size = ${poolSize}`,
    'max_client_conn = 500',
    'server_reset_query =',
    `logfile = ${join(dir, 'pgbouncer.log')}`,
    '',
  ].join('\n'));
  // PgBouncer refuses to run as root: as root it runs as the postgres user.
  const asRoot = process.getuid?.() === 0;
  const args = [join(dir, 'pgbouncer.ini'), ...(asRoot ? ['-u', 'postgres'] : [])];
  const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  for (let i = 0; i < 100 && !(await accepts(port)); i++) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited with ${child.exitCode}: ${errors}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    pooled(url) {
      const pooledUrl = new URL(url);
      pooledUrl.hostname = '127.0.0.1';
      pooledUrl.port = String(port);
      return pooledUrl.toString();
    },
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
