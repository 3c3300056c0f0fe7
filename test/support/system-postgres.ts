/**
 * A private Postgres cluster from the machine's own server programs (Debian's postgresql package), for
 * a test that must stop and start a server where the embedded one cannot run: as root in a checkout the
 * postgres user cannot enter (see embedded.ts). The cluster lives in `dataDir` (made by the caller,
 * handed to the postgres user when run as root), trusts local connections and listens on 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './ports.ts';

const root = '/usr/lib/postgresql';

/** The newest installed server's programs, or null when there is none. */
export function systemPostgresBin(): string | null {
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl'))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  return newest ? join(root, newest, 'bin') : null;
}

function run(bin: string, program: string, args: string[]): void {
  const asRoot = process.getuid?.() === 0;
  const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, program), ...args]] : [join(bin, program), args];
  execFileSync(command, argv as string[], { stdio: 'ignore' });
}

export interface SystemPostgres {
  url: string;
  stop(): Promise<void>;
}

/** Starts the cluster in `dataDir` (initialised on first use) on `port`, or a free one. */
export async function startSystemPostgres(bin: string, dataDir: string, port?: number): Promise<SystemPostgres> {
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    chownSync(dataDir, uid, uid);
  }
  if (!existsSync(join(dataDir, 'PG_VERSION'))) run(bin, 'initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8']);
  const listenPort = port ?? (await freePort());
  run(bin, 'pg_ctl', ['-D', dataDir, '-w', '-l', join(dataDir, 'server.log'), '-o', `-p ${listenPort} -k ${dataDir} -c listen_addresses=127.0.0.1`, 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${listenPort}/postgres`,
    stop: async () => run(bin, 'pg_ctl', ['-D', dataDir, '-w', '-m', 'fast', 'stop']),
  };
}
