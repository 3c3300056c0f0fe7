/**
 * The floor under the durable benchmark: what the rows a durable one-Task execution must write cost
 * Postgres on this machine when no engine is involved, against graphile-worker's batched no-op jobs
 * in the same run.
 *
 * The data model fixes the rows (docs/performance.md, "Where the time goes"): the Task's job
 * is claimed (leased) and deleted, the execution row is updated to SUCCEEDED with its output, and
 * one history row holds the step's four events (TaskStarted, TaskSucceeded, TaskStateExited,
 * ExecutionSucceeded) as one `history batch` (0016_history_batches.sql). Here those writes are made by hand-written SQL on Nightshift's own schema
 * (migrated as the engine migrates it), in the cheapest shape there is: `--connections` loops, each
 * claiming `--batch` jobs in one statement and completing them in one more (a single statement, no
 * transaction block), constant values, no interpreter, no JSON from the client. No engine can write
 * the same rows for less, so if even this floor is below graphile-worker, the target "Nightshift ≥
 * graphile-worker batched" is out of reach for this data model, whatever the engine does.
 *
 * Three floors, each adding one kind of row, say where the time goes:
 *   jobs          claim + delete of the job only (what a job queue does)
 *   jobs + row    and the execution row updated to SUCCEEDED
 *   full          and the step's history row: everything the issue requires
 *
 *   node --import tsx bench/durable-floor.mts [--rounds=3] [--items=20000] [--scale=1] [--batch=250] [--connections=2]
 *
 * About a minute on 2 cores.
 */
import { parseArgs } from 'node:util';
import { GraphileBench, graphileThroughput } from './durable-graphile.mts';
import { connect, migrate, type Sql } from './durable-modules.mts';
import { createDatabase, dropDatabase, median, serverUrl, serverVersion } from './durable-support.mts';

const { values } = parseArgs({
  strict: false,
  options: {
    rounds: { type: 'string', default: '3' },
    items: { type: 'string', default: '20000' },
    batch: { type: 'string', default: '250' },
    connections: { type: 'string', default: '2' },
    scale: { type: 'string', default: '1' },
  },
});
const rounds = Number(values.rounds);
const items = Math.max(1000, Math.round(Number(values.items) * Number(values.scale)));
const batch = Number(values.batch);
const connections = Number(values.connections);

const floorDatabase = 'bench_floor';

type Floor = 'jobs' | 'jobs + row' | 'full';
const floors: Floor[] = ['jobs', 'jobs + row', 'full'];

/** A snapshot of the size the engine writes for the benchmark workflow (~400 bytes). */
const snapshot = {
  seq: 1, vars: {}, output: { i: 1 }, status: 'SUCCEEDED', attempt: 0, entries: [{ name: 'Noop', enteredAt: 1795257505209, input: { i: 1 } }],
  pending: null, enteredAt: 1795257505209, machineId: '', outerVars: {}, stateName: 'Noop', stateInput: { i: 1 }, retryCounts: [],
  transitions: 1, redriveCount: 0, executionTimer: null,
};

// $1 batch size, $2 worker id. As the engine's claim: due unleased jobs in order, locked as the
// LIMIT pulls them, updated by tuple id (without the engine's priority levels and expired leases).
const claim = `
  with due as (
    select ctid from nightshift.jobs
    where lease_owner is null and priority = 0 and run_at <= now()
    order by run_at, id
    limit $1::int
    for update skip locked
  )
  update nightshift.jobs j set lease_owner = $2::text, lease_expires_at = now() + interval '30 seconds', attempts = j.attempts + 1
  where j.ctid = any(array(select ctid from due))
  returning j.id`;

// $1 job ids, $2 worker id, $3 output, $4 snapshot. One statement, committed on its own.
const complete: Record<Floor, string> = {
  jobs: `delete from nightshift.jobs where id = any($1::bigint[]) and lease_owner = $2::text`,
  'jobs + row': `
    with done as (delete from nightshift.jobs where id = any($1::bigint[]) and lease_owner = $2::text returning execution_id)
    update nightshift.executions e
    set status = 'SUCCEEDED', output = $3::jsonb, snapshot = $4::jsonb, event_count = 7, stopped_at = now(), updated_at = now()
    where e.id = any(array(select execution_id from done))`,
  full: `
    with done as (delete from nightshift.jobs where id = any($1::bigint[]) and lease_owner = $2::text returning execution_id),
    saved as (
      update nightshift.executions e
      set status = 'SUCCEEDED', output = $3::jsonb, snapshot = $4::jsonb, event_count = 7, stopped_at = now(), updated_at = now()
      where e.id = any(array(select execution_id from done))
      returning e.id
    )
    insert into nightshift.history (execution_id, first_seq, batch)
    select s.id, 3, $5::jsonb from saved s`,
};

const startEvents: Array<[string, string | null]> = [['ExecutionStarted', null], ['TaskStateEntered', 'Noop'], ['TaskScheduled', 'Noop']];
const endEvents: Array<[string, string | null]> = [['TaskStarted', 'Noop'], ['TaskSucceeded', 'Noop'], ['TaskStateExited', 'Noop'], ['ExecutionSucceeded', null]];

/** One step's history row as the engine stores it (store/history.ts, format 1). */
function historyBatch(events: Array<[string, string | null]>, details: object): object {
  return { format: 1, events: events.map(([type, state]) => ({ type, state_name: state, details: { format: 1, ...details } })) };
}

class FloorBench {
  private constructor(private readonly sql: Sql, private readonly versionId: string) {}

  static async open(): Promise<FloorBench> {
    const url = await createDatabase(floorDatabase);
    const sql = connect(url, { max: connections + 1, applicationName: 'nightshift-bench-floor' });
    await migrate(sql);
    await sql.unsafe(`insert into nightshift.workflows (name) values ('bench-noop')`);
    await sql.unsafe(`insert into nightshift.workflow_versions (id, workflow_name, definition) values ('v1', 'bench-noop', '{}')`);
    await sql.unsafe(`update nightshift.workflows set current_version_id = 'v1'`);
    return new FloorBench(sql, 'v1');
  }

  /**
   * `count` executions as the engine's starts leave them: RUNNING with a snapshot, three history
   * events and one due job each; ids ordered by creation time as the engine's (UUID version 7).
   */
  async enqueue(count: number): Promise<void> {
    const running = { ...snapshot, status: 'RUNNING', output: undefined, pending: { invocationId: 'i1' } };
    await this.sql.unsafe(
      `with made as (
         insert into nightshift.executions (id, workflow_name, version_id, name, input, root_id, snapshot, event_count, started_at, updated_at)
         select x.id, 'bench-noop', $1, x.id::text, '{"i":1}', x.id, $2::jsonb, 3, now(), now()
         from (select (lpad(to_hex((extract(epoch from clock_timestamp()) * 1000)::bigint), 12, '0') || '7' || lpad(to_hex(g), 7, '0')
                 || substr(md5(random()::text), 1, 12))::uuid as id
               from generate_series(1, $3::int) g) x
         returning id
       ),
       events as (
         insert into nightshift.history (execution_id, first_seq, batch)
         select m.id, 0, $4::jsonb from made m
       )
       insert into nightshift.jobs (kind, execution_id, payload, run_at, dedupe_key)
       select 'invoke', id, '{"input":{"i":1},"resource":"noop","stateName":"Noop","invocationId":"i1"}', now(), 'invoke:' || id || ':i1'
       from made`,
      [this.versionId, this.sql.json(running as never), count, this.sql.json(historyBatch(startEvents, { input: { i: 1 } }) as never)] as never,
    );
  }

  /** `connections` loops claim and complete until no job is left; answers the elapsed ms. */
  async workOff(floor: Floor): Promise<number> {
    const output = this.sql.json({ i: 1 } as never);
    const state = this.sql.json(snapshot as never);
    const events = this.sql.json(historyBatch(endEvents, { output: { i: 1 } }) as never);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: connections }, async (_, loop) => {
        const worker = `floor-${loop}`;
        for (;;) {
          const jobs = await this.sql.unsafe<{ id: string }[]>(claim, [batch, worker] as never, { prepare: true });
          if (jobs.length === 0) return;
          const ids = jobs.map((j) => j.id);
          await this.sql.unsafe(complete[floor], (floor === 'jobs' ? [ids, worker] : floor === 'full' ? [ids, worker, output, state, events] : [ids, worker, output, state]) as never, { prepare: true });
        }
      }),
    );
    return performance.now() - started;
  }

  async close(): Promise<void> {
    await this.sql.end();
    await dropDatabase(floorDatabase);
  }
}

try {
  await serverVersion();
} catch (e) {
  console.error(`durable-floor needs Postgres at ${serverUrl} (set BENCH_DATABASE_URL): ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}

const graphile = await GraphileBench.open();
const floor = await FloorBench.open();
const graphileBatched = graphileThroughput(graphile, 'batched');
const results = new Map<string, number[]>([...floors, 'graphile-worker, batched'].map((label) => [label, []]));
const log = (line: string): void => console.error(line);

try {
  for (let round = 0; round < rounds; round++) {
    const order: Array<Floor | 'graphile'> = [...floors, 'graphile'];
    for (const who of order.map((_, i) => order[(i + round) % order.length])) {
      if (who === 'graphile') {
        await graphileBatched.enqueue(items);
        const { ms } = await graphileBatched.workOff(items);
        results.get('graphile-worker, batched')!.push(items / (ms / 1000));
      } else {
        await floor.enqueue(items);
        const ms = await floor.workOff(who);
        results.get(who)!.push(items / (ms / 1000));
      }
      log(`round ${round + 1}: ${who} ${Math.round(results.get(who === 'graphile' ? 'graphile-worker, batched' : who)!.at(-1)!)}/s`);
    }
  }
} finally {
  await floor.close();
  await graphile.close();
}

const graphileRate = median(results.get('graphile-worker, batched')!);
console.log(`\n# The writes of a durable one-Task execution, without an engine, against graphile-worker batched`);
console.log(`${items.toLocaleString('en-US')} items, ${rounds} rounds (medians), floors: ${connections} connections, ${batch} per claim and per completion\n`);
console.log('| what is written per item | items/s | / graphile-worker batched |');
console.log('|---|---:|---:|');
for (const [label, rates] of results) {
  const rate = median(rates);
  const what = label === 'jobs' ? 'job claimed and deleted' : label === 'jobs + row' ? '+ execution row to SUCCEEDED' : label === 'full' ? '+ one history row of 4 events (the full floor)' : label;
  console.log(`| ${what} | ${Math.round(rate).toLocaleString('en-US')} | ${(rate / graphileRate).toFixed(2)}× |`);
}
