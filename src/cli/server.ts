/** `nightshift dev | serve | worker | migrate`: the long-running commands and the schema. */
import { watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { createEngine, createLogger, loadConfig, ensureLocalAdminKey, formatProblems, hasApiKeys, projectDirFor, registerHandlersModule, engineError } from './verbs.ts';
import type { Engine, FolderDeploy } from '../boot/index.ts';
import { reportError, type CommandContext } from './output.ts';
import { chosenDir, dirHelp } from './dir.ts';

function printDeploy(context: CommandContext, report: FolderDeploy): void {
  for (const d of report.deployed) context.io.stdout(`${d.changed ? 'deployed' : 'unchanged'} ${d.name} (${d.file})\n`);
  for (const r of report.removed) context.io.stdout(`removed ${r.name} (its file is gone: archived, its executions stay; add the file back to deploy it again)\n`);
  for (const i of report.invalid) context.io.stderr(`not deployed: ${i.file}\n${formatProblems(i.problems)}\n`);
}

/** The exit code after a shutdown that had to hand running tasks back, or was cut short by a second signal (EX_TEMPFAIL). */
export const forcedShutdownExitCode = 75;

/**
 * Runs until SIGINT/SIGTERM, then shuts down: open requests and running tasks get the grace
 * (config.shutdownGraceMs), what still runs then is handed back to other workers. Exit code 0 after a
 * clean drain, `forcedShutdownExitCode` otherwise. A second signal exits at once. (run.ts then ends the
 * process even if something a handler module opened would keep it alive.)
 */
function untilSignal(engine: Engine, context: CommandContext, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const exitNow = (why: string) => {
      context.io.stderr(`nightshift: ${why}; exiting now (tasks still running are taken over by another worker once their leases run out)\n`);
      process.exit(forcedShutdownExitCode);
    };
    const shutdown = (signal: NodeJS.Signals) => {
      if (stopping) return exitNow(`${signal} again during the shutdown`);
      stopping = true;
      context.io.stderr(`nightshift: shutting down… (running tasks get ${graceMs / 1000} s; ${signal} again to exit at once)\n`);
      // The stop itself is bounded by the grace; this only guards against a stop that hangs anyway.
      setTimeout(() => exitNow(`the shutdown took longer than the grace and 10 s more`), graceMs + 10_000).unref();
      void engine.stop({ graceMs }).then(
        ({ clean }) => {
          if (!clean) context.io.stderr('nightshift: the grace ran out; tasks still running were handed back to other workers\n');
          context.exit(clean ? 0 : forcedShutdownExitCode);
        },
        () => context.exit(forcedShutdownExitCode),
      ).finally(resolve);
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
}

/** Runs `work` with the engine; if it fails, stops the engine (nothing stays running) before the error is reported. */
async function orStop<T>(engine: Engine, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    await engine.stop({ graceMs: 0 });
    throw e;
  }
}

/** dev: the handlers module imported anew when its file changes (its names replace the module's previous ones, a removed name is no longer served), then the workflows redeployed. */
function watchHandlers(engine: Engine, context: CommandContext, file: string): { close(): void } {
  let timer: NodeJS.Timeout | null = null;
  return watch(dirname(file), (_event, name) => {
    if (name !== basename(file)) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void registerHandlersModule(engine.registry, file, { fresh: true })
      .then(({ names, removed }) => context.io.stdout(`reloaded handlers ${basename(file)} (${names.join(', ')})${removed.length > 0 ? `; no longer served: ${removed.join(', ')}` : ''}\n`))
      .then(() => engine.deployWorkflows())
      .then((r) => printDeploy(context, r), (e: unknown) => reportError(context.io, e)), 150);
  });
}

export function registerServer(program: Command, context: CommandContext): void {
  program
    .command('dev')
    .description('embedded Postgres (unless DATABASE_URL), workflows from <dir>/workflows reloaded on change, API and workers')
    .argument('[dir]', dirHelp)
    .option('--dir <dir>', 'the same as [dir]')
    .option('--port <port>', 'HTTP port', (v) => Number(v))
    .action(async (dir: string | undefined, options: { port?: number; dir?: string }) => {
      const config = loadConfig({ projectDir: projectDirFor(chosenDir(dir, options.dir)) });
      // On a terminal, dev logs are one coloured line each; piped, JSON as serve and worker write.
      const logger = await createLogger(config.logLevel, { pretty: process.stderr.isTTY === true });
      const engine = await createEngine({ config, logger, workers: true, localDevelopment: true, waitForDatabase: true, listen: { port: options.port } });
      const url = engine.url as string;
      const local = await orStop(engine, async () => {
        printDeploy(context, await engine.deployWorkflows());
        // The first dev run of a project makes an admin key and prints it; it is never shown again.
        return config.auth === 'disabled' ? null : await ensureLocalAdminKey(engine.deps);
      });
      if (local) {
        // The key rides in the fragment, which browsers never send: it reaches no server log.
        context.io.stdout(`Admin API key for local use (acts as role ${local.role}), shown only now:\n  ${local.key}\n`);
        context.io.stdout(`Dashboard, signed in with it: ${url}/dashboard/#key=${local.key}\n`);
      }
      context.io.stdout(`Nightshift is running at ${url}  (API under /v1, OpenAPI at /openapi.json, dashboard at /dashboard/)\n`);
      let timer: NodeJS.Timeout | null = null;
      const watcher = watch(config.workflowsDir, () => {
        if (timer) clearTimeout(timer);
        // A failed redeploy (the database out of reach) is said; the next change tries again.
        timer = setTimeout(() => void engine.deployWorkflows(undefined, { archiveRemoved: true }).then((r) => printDeploy(context, r), (e: unknown) => reportError(context.io, e)), 150);
      });
      const handlersWatcher = config.handlersModule === null ? null : watchHandlers(engine, context, config.handlersModule);
      await untilSignal(engine, context, config.shutdownGraceMs);
      watcher.close();
      handlersWatcher?.close();
    });

  program
    .command('serve')
    .description('the HTTP API and workers, for production (DATABASE_URL, or the embedded Postgres)')
    .argument('[dir]', dirHelp)
    .option('--dir <dir>', 'the same as [dir]')
    .option('--port <port>', 'HTTP port', (v) => Number(v))
    .action(async (dir: string | undefined, options: { port?: number; dir?: string }) => {
      const config = loadConfig({ projectDir: projectDirFor(chosenDir(dir, options.dir)) });
      // The port is bound before any worker starts: a port in use stops the start with nothing running.
      const engine = await createEngine({ config, logger: await createLogger(config.logLevel), workers: true, waitForDatabase: true, listen: { port: options.port } });
      await orStop(engine, async () => {
        if (config.auth !== 'disabled' && !(await hasApiKeys(engine.deps))) {
          throw engineError('CONFIG_INVALID', 'No API key exists, so nobody could use this server: create one with '
            + '`nightshift keys create --role <role> --scopes admin`, or set NIGHTSHIFT_AUTH=disabled for a local experiment');
        }
        printDeploy(context, await engine.deployWorkflows());
      });
      const url = engine.url as string;
      context.io.stdout(`Nightshift is serving at ${url}  (dashboard at ${url}/dashboard/, sign in with an admin key)\n`);
      await untilSignal(engine, context, config.shutdownGraceMs);
    });

  program
    .command('worker')
    .description('workers only: claim and run jobs until stopped')
    .argument('[dir]', dirHelp)
    .option('--dir <dir>', 'the same as [dir]')
    .action(async (dir: string | undefined, options: { dir?: string }) => {
      const config = loadConfig({ projectDir: projectDirFor(chosenDir(dir, options.dir)) });
      const engine = await createEngine({ config, logger: await createLogger(config.logLevel), workers: true, waitForDatabase: true });
      // Off unless NIGHTSHIFT_WORKER_PORT is set: several workers on one host would fight over a default port.
      const health = config.workerPort === null ? null : await orStop(engine, () => engine.serveOps({ port: config.workerPort as number }));
      context.io.stdout(`Nightshift worker running${health ? ` (health and metrics at ${health})` : ''}\n`);
      await untilSignal(engine, context, config.shutdownGraceMs);
    });

  program
    .command('migrate')
    .description('apply the database migrations (also done automatically at start)')
    .argument('[dir]', dirHelp)
    .option('--dir <dir>', 'the same as [dir]')
    .action(async (dir: string | undefined, options: { dir?: string }) => {
      const config = loadConfig({ projectDir: projectDirFor(chosenDir(dir, options.dir)) });
      const engine = await createEngine({ config, workers: false });
      context.io.stdout('the nightshift schema is up to date\n');
      await engine.stop();
    });
}
