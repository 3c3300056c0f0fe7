/** `nightshift start` and `nightshift executions ls|show|history|stop|redrive`: the service verbs, from a shell. */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { describeExecution, executionHistory, listExecutions, redriveExecution, startExecution, stopExecution, waitForExecution, engineError } from './verbs.ts';
import type { ExecutionView } from '../service/index.ts';
import type { Json } from '../shared/index.ts';
import { jsonViewHelp, printJson, printTable, printView, type CommandContext } from './output.ts';
import { dirHelp } from './dir.ts';
import { segment, viaEngineOrApi as call } from './engine.ts';


async function inputOf(options: { input?: string; inputFile?: string }): Promise<Json> {
  const text = options.inputFile !== undefined ? await readFile(options.inputFile, 'utf8') : (options.input ?? '{}');
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw engineError('INPUT_INVALID', `The input is not valid JSON: ${(e as Error).message}`);
  }
}

function row(view: ExecutionView): string[] {
  const what = view.waitingReason ? `held: ${view.waitingReason}` : view.name === view.executionId ? '' : view.name;
  return [view.executionId, view.workflow, view.status, view.startedAt, what];
}

export function registerExecutions(program: Command, context: CommandContext): void {
  const { io } = context;
  program
    .command('start')
    .description('start an execution of a deployed workflow')
    .argument('<workflow>', 'workflow name')
    .option('--input <json>', 'the input, as JSON')
    .option('--input-file <file>', 'read the input from a JSON file')
    .option('--name <name>', 'execution name (unique per workflow)')
    .option('--idempotency-key <key>', 'a second start with the same key returns the first execution')
    .option('--wait <seconds>', 'wait up to this long for the end', (v) => Number(v))
    .option('--json', 'print JSON (the default when stdout is not a terminal)')
    .option('--dir <dir>', dirHelp)
    .action(async (workflow: string, options: { input?: string; inputFile?: string; name?: string; idempotencyKey?: string; wait?: number; json?: boolean; dir?: string }) => {
      const input = await inputOf(options);
      const view = await call(options.dir, async (deps) => {
        const started = await startExecution(deps, { workflow, input, name: options.name, idempotencyKey: options.idempotencyKey });
        return options.wait ? await waitForExecution(deps, started.executionId, options.wait * 1000) : started;
      }, {
        method: 'POST', path: `/v1/workflows/${segment(workflow)}/executions`, query: { name: options.name, wait: options.wait }, body: input,
        headers: { 'Idempotency-Key': options.idempotencyKey },
        // Without --wait the local path says whether this start made the execution; the API says it with 201.
        answer: (body, status) => (options.wait ? body : { created: status === 201, ...(body as object) }) as ExecutionView,
      });
      printView(io, view, options.json);
    });

  const executions = program.command('executions').description('list, inspect, stop and redrive executions');
  executions
    .command('ls')
    .option('--workflow <name>')
    .option('--status <status>', 'RUNNING, SUCCEEDED, FAILED, TIMED_OUT or ABORTED')
    .option('--held', 'only starts that flow control holds (they show why)')
    .option('--limit <n>', 'how many', (v) => Number(v), 20)
    .option('--json', 'print JSON')
    .option('--dir <dir>', dirHelp)
    .action(async (options: { workflow?: string; status?: string; held?: boolean; limit: number; json?: boolean; dir?: string }) => {
      const page = await call(options.dir, (deps) => listExecutions(deps, options), {
        method: 'GET', path: '/v1/executions', query: { workflow: options.workflow, status: options.status, held: options.held ? 'true' : undefined, limit: options.limit },
      });
      if (options.json) printJson(io, page);
      else printTable(io, ['EXECUTION', 'WORKFLOW', 'STATUS', 'STARTED', 'NAME / WHY HELD'], page.items.map(row));
    });
  executions
    .command('show')
    .argument('<id>')
    .option('--json', 'print JSON (the default when stdout is not a terminal)')
    .option('--dir <dir>', dirHelp)
    .action(async (id: string, options: { json?: boolean; dir?: string }) => {
      printView(io, await call(options.dir, (deps) => describeExecution(deps, id), { method: 'GET', path: `/v1/executions/${segment(id)}` }), options.json);
    });
  executions
    .command('history')
    .argument('<id>')
    .option('--json', 'print JSON')
    .option('--dir <dir>', dirHelp)
    .action(async (id: string, options: { json?: boolean; dir?: string }) => {
      const events = await call(options.dir, (deps) => executionHistory(deps, id), {
        method: 'GET', path: `/v1/executions/${segment(id)}/history`, answer: (body) => (body as { items: Awaited<ReturnType<typeof executionHistory>> }).items,
      });
      if (options.json) printJson(io, events);
      else printTable(io, ['TIME', 'EVENT', 'STATE'], events.map((e) => [e.timestamp, e.type, `${e.stateName ?? ''}${e.branchId ? `  (branch ${e.branchId})` : ''}`]));
    });
  executions
    .command('stop')
    .description('stop an execution (or a start flow control holds) with what it started and scheduled')
    .argument('<id>')
    .option('--cause <text>', 'why')
    .option('--json', jsonViewHelp)
    .option('--dir <dir>', dirHelp)
    .action(async (id: string, options: { cause?: string; dir?: string; json?: boolean }) => {
      printView(io, await call(options.dir, (deps) => stopExecution(deps, id, { cause: options.cause }), {
        method: 'POST', path: `/v1/executions/${segment(id)}/stop`, body: options.cause === undefined ? {} : { cause: options.cause },
      }), options.json);
    });
  executions
    .command('redrive')
    .argument('<id>')
    .option('--json', jsonViewHelp)
    .option('--dir <dir>', dirHelp)
    .action(async (id: string, options: { dir?: string; json?: boolean }) => {
      printView(io, await call(options.dir, (deps) => redriveExecution(deps, id), { method: 'POST', path: `/v1/executions/${segment(id)}/redrive` }), options.json);
    });
}
