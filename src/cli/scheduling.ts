/**
 * `nightshift schedule` (one run, or one run per item of a list) and `nightshift scheduled
 * ls|show|cancel|run-now|batch`: the scheduler, from a shell.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { cancelScheduled, cancelScheduledBy, describeScheduledRun, getBatch, listScheduled, runNow, scheduledItemKinds, scheduleList, scheduleRun, engineError } from './verbs.ts';
import type { ScheduledItem, ScheduledItemKind } from '../service/index.ts';
import type { Json, JsonObject } from '../shared/index.ts';
import { jsonViewHelp, printJson, printTable, printView, type CommandContext } from './output.ts';
import { dirHelp } from './dir.ts';
import { segment, viaEngineOrApi as call } from './engine.ts';


function parseJson(text: string, what: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    throw engineError('INPUT_INVALID', `${what} is not valid JSON: ${(e as Error).message}`);
  }
}

async function jsonOf(inline: string | undefined, file: string | undefined, what: string, fallback: Json): Promise<Json> {
  if (file !== undefined) return parseJson(await readFile(file, 'utf8'), `${what} (${file})`);
  return inline === undefined ? fallback : parseJson(inline, what);
}

function seconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw engineError('INPUT_INVALID', `${JSON.stringify(value)} is not a number of seconds`);
  return n;
}

/** `--where user_id=42 --where plan="pro"`: input fields, each value as JSON when it parses, else as text. */
function whereOf(pairs: string[]): JsonObject | undefined {
  if (pairs.length === 0) return undefined;
  const out: JsonObject = {};
  for (const pair of pairs) {
    const split = pair.indexOf('=');
    if (split <= 0) throw engineError('INPUT_INVALID', `--where takes field=value, not ${JSON.stringify(pair)}`);
    const raw = pair.slice(split + 1);
    let value: Json;
    try {
      value = JSON.parse(raw) as Json;
    } catch {
      value = raw;
    }
    out[pair.slice(0, split)] = value;
  }
  return out;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** ` (item 1 of Emails)`: which Map item or Parallel branch waits. */
const branchText = (item: ScheduledItem) => (item.branch ? ` (${item.branch.type === 'Map' ? 'item' : 'branch'} ${item.branch.index} of ${item.branch.stateName})` : '');

function row(item: ScheduledItem): string[] {
  const where = item.reason ? `held: ${item.reason}`
    : item.executionId ? `execution ${item.executionId}${item.stateName ? ` in ${item.stateName}` : ''}${branchText(item)}` : item.batchId ? `batch ${item.batchId} #${item.itemIndex}` : '';
  const due = item.dueAt ?? (item.kind === 'held' ? 'when a slot frees' : 'never');
  return [due, item.kind, item.workflow, item.id, where];
}

interface ScheduleOptions {
  input?: string; inputFile?: string; at?: string; in?: string; itemsFile?: string; interval?: string; startAt?: string;
  sequential?: boolean; onComplete?: string; idempotencyKey?: string; json?: boolean; dir?: string;
}

interface ListOptions {
  workflow?: string; batch?: string; kind?: string; before?: string; after?: string; where: string[]; limit: number; cursor?: string; json?: boolean; dir?: string;
}

interface CancelOptions { batch?: string; workflow?: string; before?: string; after?: string; where: string[]; all?: boolean; json?: boolean; dir?: string }

export function registerScheduling(program: Command, context: CommandContext): void {
  const { io } = context;
  program
    .command('schedule')
    .description('schedule a run of a workflow at a time or after a delay, or one run per item of a JSON list')
    .argument('<workflow>', 'workflow name')
    .option('--input <json>', 'the input, as JSON')
    .option('--input-file <file>', 'read the input from a JSON file')
    .option('--at <time>', 'when to start, RFC 3339 (2030-01-31T09:00:00Z)')
    .option('--in <seconds>', 'start this many seconds from now')
    .option('--items-file <file>', 'a JSON array: one run per item, the item being its input')
    .option('--interval <seconds>', 'with --items-file: seconds between items (default 0)')
    .option('--start-at <time>', 'with --items-file: when the first item is due (default now)')
    .option('--sequential', 'with --items-file: start item n+1 only when item n has ended')
    .option('--on-complete <workflow>', 'with --items-file: start this workflow once every item has ended')
    .option('--idempotency-key <key>', 'scheduling again with the same key returns the first run or list')
    .option('--json', 'print JSON (the default when stdout is not a terminal)')
    .option('--dir <dir>', dirHelp)
    .action(async (workflow: string, options: ScheduleOptions) => {
      if (options.itemsFile !== undefined) {
        const items = await jsonOf(undefined, options.itemsFile, 'The items', []);
        if (!Array.isArray(items)) throw engineError('INPUT_INVALID', `${options.itemsFile} must hold a JSON array`);
        const list = {
          items, intervalSeconds: options.interval === undefined ? 0 : seconds(options.interval), startAt: options.startAt,
          ordering: options.sequential ? 'sequential' as const : 'parallel' as const,
          ...(options.onComplete !== undefined ? { onComplete: { workflow: options.onComplete } } : {}),
        };
        const { created: _, ...batch } = await call(options.dir, (deps) => scheduleList(deps, { workflow, idempotencyKey: options.idempotencyKey, ...list }), {
          method: 'POST', path: `/v1/workflows/${segment(workflow)}/schedule`, body: list, headers: { 'Idempotency-Key': options.idempotencyKey },
        });
        printView(io, batch, options.json);
        return;
      }
      const input = await jsonOf(options.input, options.inputFile, 'The input', {});
      const one = { input, at: options.at, delaySeconds: options.in === undefined ? undefined : seconds(options.in) };
      const { created: _, ...run } = await call(options.dir, (deps) => scheduleRun(deps, { workflow, idempotencyKey: options.idempotencyKey, ...one }), {
        method: 'POST', path: `/v1/workflows/${segment(workflow)}/schedule`, body: one, headers: { 'Idempotency-Key': options.idempotencyKey },
      });
      printView(io, run, options.json);
    });

  const scheduled = program.command('scheduled').description('the Scheduler: list, inspect, cancel and run now what is due later');
  scheduled
    .command('ls')
    .description('scheduled runs, Waits, task-token waits and cron fires, in due order')
    .option('--workflow <name>', 'only this workflow')
    .option('--batch <id>', 'only the runs of this batch')
    .option('--kind <kinds>', `only these kinds, comma-separated: ${scheduledItemKinds.join(', ')}`)
    .option('--before <time>', 'only what is due before this time')
    .option('--after <time>', 'only what is due at or after this time')
    .option('--where <field=value>', 'only inputs with this field (repeatable)', collect, [])
    .option('--limit <n>', 'how many', (v) => Number(v), 50)
    .option('--cursor <cursor>', 'the nextCursor of the previous page (with --json)')
    .option('--json', 'print JSON')
    .option('--dir <dir>', dirHelp)
    .action(async (options: ListOptions) => {
      const filter = { workflow: options.workflow, batchId: options.batch, before: options.before, after: options.after, limit: options.limit, cursor: options.cursor };
      const where = whereOf(options.where);
      const page = await call(options.dir, (deps) => listScheduled(deps, { ...filter, inputContains: where, kinds: options.kind?.split(',') as ScheduledItemKind[] | undefined }), {
        method: 'GET', path: '/v1/scheduled',
        query: { ...filter, kind: options.kind, ...Object.fromEntries(Object.entries(where ?? {}).map(([field, value]) => [`input.${field}`, JSON.stringify(value)])) },
      });
      if (options.json) printJson(io, page);
      else printTable(io, ['DUE', 'KIND', 'WORKFLOW', 'ID', 'WHERE'], page.items.map(row));
    });
  scheduled
    .command('show')
    .description('a scheduled run: due time, status, the execution it started')
    .argument('<id>')
    .option('--json', jsonViewHelp)
    .option('--dir <dir>', dirHelp)
    .action(async (id: string, options: { dir?: string; json?: boolean }) => {
      printView(io, await call(options.dir, (deps) => describeScheduledRun(deps, id), { method: 'GET', path: `/v1/scheduled/${segment(id)}` }), options.json);
    });
  scheduled
    .command('cancel')
    .description('cancel one scheduled run, or those a filter selects, or --all')
    .argument('[id]', 'a scheduled run id')
    .option('--batch <id>', 'the runs of this batch')
    .option('--workflow <name>', 'the runs of this workflow')
    .option('--before <time>', 'runs due before this time')
    .option('--after <time>', 'runs due at or after this time')
    .option('--where <field=value>', 'runs whose input has this field (repeatable)', collect, [])
    .option('--all', 'every scheduled run')
    .option('--json', jsonViewHelp)
    .option('--dir <dir>', dirHelp)
    .action(async (id: string | undefined, options: CancelOptions) => {
      const filtered = [options.batch, options.workflow, options.before, options.after].some((v) => v !== undefined) || options.where.length > 0;
      if (id !== undefined && (filtered || options.all)) throw engineError('INPUT_INVALID', 'give a scheduled run id or a filter, not both');
      if (id !== undefined) {
        printView(io, await call(options.dir, (deps) => cancelScheduled(deps, id), { method: 'DELETE', path: `/v1/scheduled/${segment(id)}` }), options.json);
        return;
      }
      const filter = { batchId: options.batch, workflow: options.workflow, before: options.before, after: options.after, all: options.all };
      const where = whereOf(options.where);
      printView(io, await call(options.dir, (deps) => cancelScheduledBy(deps, { ...filter, inputContains: where }), {
        method: 'POST', path: '/v1/scheduled/cancel', body: { ...filter, input: where },
      }), options.json);
    });
  scheduled
    .command('run-now')
    .description('start a scheduled run now, or wake an execution sleeping in a Wait')
    .argument('<id>', 'a scheduled run id or an execution id')
    .option('--json', jsonViewHelp)
    .option('--dir <dir>', dirHelp)
    .action(async (id: string, options: { dir?: string; json?: boolean }) => {
      printView(io, await call(options.dir, (deps) => runNow(deps, id), { method: 'POST', path: `/v1/scheduled/${segment(id)}/run-now` }), options.json);
    });
  scheduled
    .command('batch')
    .description('a scheduled list with its counters')
    .argument('<id>', 'the batch id')
    .option('--json', jsonViewHelp)
    .option('--dir <dir>', dirHelp)
    .action(async (id: string, options: { dir?: string; json?: boolean }) => {
      printView(io, await call(options.dir, (deps) => getBatch(deps, id), { method: 'GET', path: `/v1/batches/${segment(id)}` }), options.json);
    });
}
