/** `nightshift dev | serve | worker | migrate`: the long-running commands and the schema. */
import { watch } from 'node:fs';
import type { Command } from 'commander';
import { createEngine, createLogger, type Engine } from '../boot/index.ts';
import { loadConfig } from '../config/index.ts';
import { ensureLocalAdminKey, formatProblems, hasApiKeys, type DeployReport } from '../service/index.ts';
import { EngineError } from '../shared/index.ts';
import type { CommandContext } from './output.ts';

function printDeploy(context: CommandContext, report: DeployReport): void {
  for (const d of report.deployed) context.io.stdout(`${d.changed ? 'deployed' : 'unchanged'} ${d.name} (${d.file})\n`);
  for (const i of report.invalid) context.io.stderr(`not deployed: ${i.file}\n${formatProblems(i.problems)}\n`);
}

/** Runs until SIGINT/SIGTERM, then shuts down gracefully (in-flight work finishes or is released). */
function untilSignal(engine: Engine, context: CommandContext): Promise<void> {
  return new Promise((resolve) => {
    const shutdown = () => {
      process.off('SIGINT', shutdown);
      process.off('SIGTERM', shutdown);
      context.io.stderr('nightshift: shutting down…\n');
      void engine.stop().then(resolve, resolve);
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
}

export function registerServer(program: Command, context: CommandContext): void {
  program
    .command('dev')
    .description('embedded Postgres (unless DATABASE_URL), workflows from <dir>/workflows reloaded on change, API and workers')
    .argument('[dir]', 'the project folder', '.')
    .option('--port <port>', 'HTTP port', (v) => Number(v))
    .action(async (dir: string, options: { port?: number }) => {
      const config = loadConfig({ projectDir: dir });
      // On a terminal, dev logs are one coloured line each; piped, JSON as serve and worker write.
      const logger = await createLogger(config.logLevel, { pretty: process.stderr.isTTY === true });
      const engine = await createEngine({ config, logger, workers: true, localDevelopment: true });
      printDeploy(context, await engine.deployWorkflows());
      // The first dev run of a project makes an admin key and prints it; it is never shown again.
      const local = config.auth === 'disabled' ? null : await ensureLocalAdminKey(engine.deps);
      const url = await engine.serve({ port: options.port });
      if (local) {
        // The key rides in the fragment, which browsers never send: it reaches no server log.
        context.io.stdout(`Admin API key for local use (acts as role ${local.role}), shown only now:\n  ${local.key}\n`);
        context.io.stdout(`Dashboard, signed in with it: ${url}/dashboard/#key=${local.key}\n`);
      }
      context.io.stdout(`Nightshift is running at ${url}  (API under /v1, OpenAPI at /openapi.json, dashboard at /dashboard/)\n`);
      let timer: NodeJS.Timeout | null = null;
      const watcher = watch(config.workflowsDir, () => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => void engine.deployWorkflows().then((r) => printDeploy(context, r)), 150);
      });
      await untilSignal(engine, context);
      watcher.close();
    });

  program
    .command('serve')
    .description('the HTTP API and workers, for production (DATABASE_URL, or the embedded Postgres)')
    .argument('[dir]', 'the project folder', '.')
    .option('--port <port>', 'HTTP port', (v) => Number(v))
    .action(async (dir: string, options: { port?: number }) => {
      const config = loadConfig({ projectDir: dir });
      const engine = await createEngine({ config, logger: await createLogger(config.logLevel), workers: true });
      if (config.auth !== 'disabled' && !(await hasApiKeys(engine.deps))) {
        await engine.stop();
        throw new EngineError('CONFIG_INVALID', 'No API key exists, so nobody could use this server: create one with '
          + '`nightshift keys create --role <role> --scopes admin`, or set NIGHTSHIFT_AUTH=disabled for a local experiment');
      }
      printDeploy(context, await engine.deployWorkflows());
      const url = await engine.serve({ port: options.port });
      context.io.stdout(`Nightshift is serving at ${url}  (dashboard at ${url}/dashboard/, sign in with an admin key)\n`);
      await untilSignal(engine, context);
    });

  program
    .command('worker')
    .description('workers only: claim and run jobs until stopped')
    .argument('[dir]', 'the project folder', '.')
    .action(async (dir: string) => {
      const config = loadConfig({ projectDir: dir });
      const engine = await createEngine({ config, logger: await createLogger(config.logLevel), workers: true });
      // Off unless NIGHTSHIFT_WORKER_PORT is set: several workers on one host would fight over a default port.
      const health = config.workerPort === null ? null : await engine.serveOps({ port: config.workerPort });
      context.io.stdout(`Nightshift worker running${health ? ` (health and metrics at ${health})` : ''}\n`);
      await untilSignal(engine, context);
    });

  program
    .command('migrate')
    .description('apply the database migrations (also done automatically at start)')
    .argument('[dir]', 'the project folder', '.')
    .action(async (dir: string) => {
      const config = loadConfig({ projectDir: dir });
      const engine = await createEngine({ config, workers: false });
      context.io.stdout('the nightshift schema is up to date\n');
      await engine.stop();
    });
}
