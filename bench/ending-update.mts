/**
 * What each index of `nightshift.executions` costs the step that ends an execution: the batched
 * ending update the engine sends (`saveStepStates`: status, snapshot, output, event_count,
 * stopped_at, updated_at from a JSON parameter), on `--running` RUNNING executions among
 * `--stopped` older stopped ones, in batches of `--batch`, one statement each, on one connection.
 * Each variant drops some indexes from a fresh copy of the filled table, so every variant updates the
 * same rows. Reported per ended execution: server time, WAL bytes and records
 * (`EXPLAIN (ANALYZE, WAL, BUFFERS)` of every batch, summed), and how many updates were HOT.
 *
 *   node --import tsx bench/ending-update.mts [--running=20000] [--stopped=50000] [--batch=100] [--rounds=3]
 */
import { parseArgs } from 'node:util';
import { connect, migrate, type Sql } from './durable-modules.mts';
import { createDatabase, dropDatabase, median } from './durable-support.mts';

const { values } = parseArgs({
  options: {
    running: { type: 'string', default: '20000' },
    stopped: { type: 'string', default: '50000' },
    batch: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '3' },
    variants: { type: 'string' },
  },
});
const running = Number(values.running);
const stopped = Number(values.stopped);
const batch = Number(values.batch);
const rounds = Number(values.rounds);

/** Indexes dropped by each variant (none: the schema as migrated). */
const allVariants: Record<string, string[]> = {
  'as migrated': [],
  'without the input/output GIN indexes': ['executions_input_idx', 'executions_output_idx'],
  'without executions_output_idx': ['executions_output_idx'],
  'without the status indexes': ['executions_status_started_at_idx', 'executions_workflow_name_status_started_at_idx'],
  'without executions_stopped_at_idx': ['executions_stopped_at_idx'],
  'without status, stopped_at and output indexes (HOT possible)': [
    'executions_status_started_at_idx', 'executions_workflow_name_status_started_at_idx', 'executions_stopped_at_idx', 'executions_output_idx',
  ],
};
const variants = values.variants ? Object.fromEntries(values.variants.split(',').map((n) => [Object.keys(allVariants)[Number(n)], allVariants[Object.keys(allVariants)[Number(n)]]])) : allVariants;

const snapshot = {
  seq: 1, vars: {}, status: 'RUNNING', attempt: 0, entries: [{ name: 'Noop', enteredAt: 1795257505209, input: { i: 1 } }],
  pending: { invocationId: 'i1' }, enteredAt: 1795257505209, machineId: '', outerVars: {}, stateName: 'Noop', stateInput: { i: 1 },
  retryCounts: [], transitions: 1, redriveCount: 0, executionTimer: null,
};

const database = 'bench_ending_update';
const url = await createDatabase(database);
const sql: Sql = connect(url, { max: 1, applicationName: 'nightshift-bench-ending-update' });

/** The filled table, kept aside: each variant starts from a copy of it. */
async function fill(): Promise<void> {
  await migrate(sql);
  await sql.unsafe(`insert into nightshift.workflows (name) values ('bench-noop')`);
  await sql.unsafe(`insert into nightshift.workflow_versions (id, workflow_name, definition) values ('v1', 'bench-noop', '{}')`);
  await sql.unsafe(`update nightshift.workflows set current_version_id = 'v1'`);
  const insert = (count: number, status: string, offsetMinutes: number) => sql.unsafe(
    `insert into nightshift.executions (id, workflow_name, version_id, name, status, input, output, root_id, snapshot, event_count, started_at, updated_at, stopped_at)
     select x.id, 'bench-noop', 'v1', x.id::text, $1, jsonb_build_object('i', x.g, 'user', jsonb_build_object('email', 'u' || x.g || '@example.com')),
            case when $1 = 'RUNNING' then null else jsonb_build_object('i', x.g) end, x.id, $2::jsonb, 3,
            now() - make_interval(mins => $4), now(), case when $1 = 'RUNNING' then null else now() - make_interval(mins => $4) end
     from (select g, (lpad(to_hex((extract(epoch from clock_timestamp()) * 1000)::bigint - $4 * 60000), 12, '0') || '7' || lpad(to_hex(g), 7, '0')
             || substr(md5(random()::text), 1, 12))::uuid as id
           from generate_series(1, $3::int) g) x`,
    [status, sql.json(snapshot as never), count, offsetMinutes] as never);
  await insert(stopped, 'SUCCEEDED', 60);
  await insert(running, 'RUNNING', 0);
  await sql.unsafe(`create table nightshift.executions_filled as select * from nightshift.executions`);
  await sql.unsafe('vacuum analyze nightshift.executions');
}

async function reset(dropped: readonly string[]): Promise<void> {
  await sql.unsafe(`truncate nightshift.executions cascade`);
  await sql.unsafe(`insert into nightshift.executions select * from nightshift.executions_filled`);
  for (const index of dropped) await sql.unsafe(`drop index if exists nightshift.${index}`);
  await sql.unsafe('vacuum analyze nightshift.executions');
  await sql.unsafe('checkpoint');
}

let indexDefinitions: string[] = [];

/** Restores every index the migrations made (a variant dropped some). */
async function restoreIndexes(): Promise<void> {
  if (indexDefinitions.length === 0) {
    const defs = await sql.unsafe<{ indexdef: string }[]>(`select indexdef from pg_indexes where schemaname = 'nightshift' and tablename = 'executions'`);
    indexDefinitions = defs.map((d) => d.indexdef.replace(/INDEX (\w+)/, 'INDEX IF NOT EXISTS $1'));
  }
  for (const definition of indexDefinitions) await sql.unsafe(definition);
}

const update = `
  explain (analyze, wal, buffers, format json)
  update nightshift.executions e
  set status = u.status, snapshot = u.snapshot, output = u.output, error = u.error, cause = u.cause,
      event_count = u.event_count, stopped_at = u.stopped_at, updated_at = u.updated_at
  from jsonb_to_recordset($1::jsonb) as u(id uuid, status text, snapshot jsonb, output jsonb, error text, cause text,
    event_count int, stopped_at timestamptz, updated_at timestamptz)
  where e.id = any($2::uuid[]) and e.id = u.id`;

interface Cost { us: number; walBytes: number; walRecords: number; hot: number }

async function endAll(): Promise<Cost> {
  const ids = (await sql.unsafe<{ id: string }[]>(`select id from nightshift.executions where kind = 'execution' and status = 'RUNNING' order by id`)).map((r) => r.id);
  const ended = { ...snapshot, status: 'SUCCEEDED', pending: null };
  const hotBefore = await hotUpdates();
  let ms = 0;
  let walBytes = 0;
  let walRecords = 0;
  for (let i = 0; i < ids.length; i += batch) {
    const chunk = ids.slice(i, i + batch);
    const now = new Date().toISOString();
    const rows = chunk.map((id, k) => ({ id, status: 'SUCCEEDED', snapshot: { ...ended, output: { i: i + k } }, output: { i: i + k }, error: null, cause: null, event_count: 7, stopped_at: now, updated_at: now }));
    const [{ 'QUERY PLAN': [plan] }] = await sql.unsafe<Array<{ 'QUERY PLAN': Array<{ 'Execution Time': number; Plan: { 'WAL Bytes': number; 'WAL Records': number } }> }>>(update, [sql.json(rows as never), chunk] as never);
    ms += plan['Execution Time'];
    walBytes += plan.Plan['WAL Bytes'];
    walRecords += plan.Plan['WAL Records'];
  }
  const hot = (await hotUpdates()) - hotBefore;
  return { us: (ms * 1000) / ids.length, walBytes: walBytes / ids.length, walRecords: walRecords / ids.length, hot: hot / ids.length };
}

async function hotUpdates(): Promise<number> {
  await sql.unsafe('select pg_stat_force_next_flush()');
  const [row] = await sql.unsafe<{ n: string }[]>(`select n_tup_hot_upd as n from pg_stat_user_tables where relid = 'nightshift.executions'::regclass`);
  return Number(row.n);
}

try {
  await fill();
  const results = new Map<string, Cost[]>(Object.keys(variants).map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, dropped] of Object.entries(variants)) {
      await restoreIndexes();
      await reset(dropped);
      const cost = await endAll();
      results.get(name)!.push(cost);
      console.error(`round ${round + 1}: ${name}: ${cost.us.toFixed(1)} µs, ${Math.round(cost.walBytes)} B WAL, ${cost.walRecords.toFixed(1)} records, ${(cost.hot * 100).toFixed(0)}% HOT`);
    }
  }
  console.log(`\n# The ending update of ${running} executions among ${stopped} stopped, ${batch} per statement (medians of ${rounds})\n`);
  console.log('| indexes of executions | µs per execution | WAL bytes | WAL records | HOT |');
  console.log('|---|--:|--:|--:|--:|');
  for (const [name, costs] of results) {
    const m = (f: (c: Cost) => number) => median(costs.map(f));
    console.log(`| ${name} | ${m((c) => c.us).toFixed(1)} | ${Math.round(m((c) => c.walBytes))} | ${m((c) => c.walRecords).toFixed(1)} | ${(m((c) => c.hot) * 100).toFixed(0)}% |`);
  }
} finally {
  await sql.end();
  await dropDatabase(database);
}
