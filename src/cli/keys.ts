/** `nightshift keys create | ls | revoke`: API keys, straight against the database (no server needed). */
import { InvalidArgumentError, type Command } from 'commander';
import { createApiKey, listApiKeys, revokeApiKey } from './verbs.ts';
import type { ApiKeyView } from '../service/index.ts';
import { jsonViewHelp, printJson, printView, printTable, type CommandContext } from './output.ts';
import { dirHelp } from './dir.ts';
import { segment, viaEngineOrApi as call } from './engine.ts';


function rate(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`--rate must be a whole number of starts a minute, got ${JSON.stringify(value)}`);
  return n;
}

function row(key: ApiKeyView): string[] {
  const state = key.revokedAt ? `revoked ${key.revokedAt}` : `last used ${key.lastUsedAt ?? 'never'}`;
  return [key.id, `ns_${key.prefix}_…`, key.role, key.scopes.join(','), state, key.rateLimitPerMinute === null ? '-' : `${key.rateLimitPerMinute}/min`, key.name ?? ''];
}

export function registerKeys(program: Command, context: CommandContext): void {
  const { io } = context;
  const keys = program.command('keys').description('API keys: create (shown once), list, revoke');
  keys
    .command('create')
    .description('create an API key and print it (the only time it is shown)')
    .requiredOption('--role <role>', 'the Postgres role executions started with the key act as')
    .requiredOption('--scopes <list>', 'comma-separated: admin, read, tasks, start:<workflow>, start:*')
    .option('--name <name>', 'a label for people')
    .option('--rate <n>', 'most executions the key may start a minute (across every process)', rate)
    .option('--allow-privileged-role', 'admin keys only: may act as a superuser or BYPASSRLS role, or one not in roles: (its SQL bypasses row-level security)')
    .option('--json', 'print JSON')
    .option('--dir <dir>', dirHelp)
    .action(async (options: { role: string; scopes: string; name?: string; rate?: number; allowPrivilegedRole?: boolean; json?: boolean; dir?: string }) => {
      const scopes = options.scopes.split(',').map((s) => s.trim()).filter((s) => s !== '');
      const request = { name: options.name, role: options.role, scopes, rateLimitPerMinute: options.rate, allowPrivilegedRole: options.allowPrivilegedRole ?? false };
      const { key, view } = await call(options.dir, (deps) => createApiKey(deps, request), {
        method: 'POST', path: '/v1/keys', body: request,
        answer: (body) => {
          const { key: secret, ...rest } = body as ApiKeyView & { key: string };
          return { key: secret, view: rest as ApiKeyView };
        },
      });
      if (options.json) return printJson(io, { ...view, key });
      io.stdout(`${key}\n`);
      io.stderr(`created key ${view.id} (role ${view.role}, scopes ${view.scopes.join(',')}); it is shown only this once, store it now\n`);
    });
  keys
    .command('ls')
    .description('list the keys (never their secrets)')
    .option('--json', 'print JSON')
    .option('--dir <dir>', dirHelp)
    .action(async (options: { json?: boolean; dir?: string }) => {
      const items = await call(options.dir, (deps) => listApiKeys(deps), { method: 'GET', path: '/v1/keys', answer: (body) => (body as { items: ApiKeyView[] }).items });
      if (options.json) printJson(io, { items });
      else printTable(io, ['ID', 'KEY', 'ROLE', 'SCOPES', 'STATE', 'RATE', 'NAME'], items.map(row));
    });
  keys
    .command('revoke')
    .description('revoke a key: every later request with it is refused')
    .argument('<id>', 'the key id, as listed')
    .option('--json', jsonViewHelp)
    .option('--dir <dir>', dirHelp)
    .action(async (id: string, options: { dir?: string; json?: boolean }) => {
      printView(io, await call(options.dir, (deps) => revokeApiKey(deps, id), { method: 'DELETE', path: `/v1/keys/${segment(id)}` }), options.json);
    });
}
