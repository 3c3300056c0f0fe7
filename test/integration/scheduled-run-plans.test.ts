import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { scheduleList } from '../../src/service/index.ts';
import {
  cancelScheduledRun,
  finishScheduledStart,
  getScheduledRun,
  getScheduledRuns,
  markRunRefused,
  markRunsStarted,
  runScheduledRunNow,
  type Queryable,
} from '../../src/store/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';
import { explain, scansIn, type PlanNode } from '../support/plans.ts';

// PERFORMANCE.md lesson 4, for the statements that find scheduled runs by id. The partial indexes on
// waiting runs all end in `id`; a statement that also says "the run still waits" could make the planner
// read one of them whole, checking `id` on every entry, when the statistics say the table is empty.
// Seen in a burst of 10 000 runs due within a second: 1 680 buffers to mark 23 runs started.

/** Every scan of scheduled_runs in the plan, as "node type on index" (a bitmap index scan names only its index). */
const scansOfRuns = (plan: PlanNode): string[] =>
  scansIn(plan, (scan) => scan['Relation Name'] === 'scheduled_runs' || (scan['Index Name'] ?? '').startsWith('scheduled_runs_'))
    .map((scan) => `${scan['Node Type']} on ${scan['Index Name'] ?? 'the table'}`);

/** The statements `work` sends, each explained with its own parameters (custom and generic plans). */
async function scansOf(sql: Queryable, work: () => Promise<unknown>): Promise<string[]> {
  const sent: Array<{ statement: string; parameters: never[] }> = [];
  sql.options.debug = (_connection, statement, parameters) => {
    if (/scheduled_runs/.test(statement)) sent.push({ statement, parameters: parameters as never[] });
  };
  try {
    await work();
  } finally {
    sql.options.debug = false;
  }
  assert.ok(sent.length > 0, 'a statement on scheduled_runs was sent');
  const scans: string[] = [];
  for (const { statement, parameters } of sent) {
    for (const mode of ['force_custom_plan', 'force_generic_plan']) {
      await sql.begin(async (tx) => {
        await tx.unsafe(`set local plan_cache_mode = ${mode}`);
        scans.push(...scansOfRuns(await explain(tx as unknown as Queryable, 'costs off', statement, parameters)));
      });
    }
  }
  return scans;
}

const byPrimaryKey = /^(Index Scan|Index Only Scan|Bitmap Index Scan|Bitmap Heap Scan) on (scheduled_runs_pkey|the table)$/;

describe('statements that find scheduled runs by id', () => {
  let engine: TestEngine;
  let runIds: string[];
  before(async () => {
    engine = await createTestEngine({ concurrency: 0 });
    await engine.deploy({ StartAt: 'Echo', States: { Echo: { Type: 'Task', Resource: 'test:echo', End: true } } }, 'plain');
    const { sql } = engine.db;
    await sql.unsafe('alter table nightshift.scheduled_runs set (autovacuum_enabled = false)');
    await sql.unsafe('analyze nightshift.scheduled_runs');
    // 20 000 waiting runs stored after the statistics were taken on the empty table.
    const list = await scheduleList(engine.deps, {
      workflow: 'plain', items: Array.from({ length: 20_000 }, (_, i) => ({ i })), startAt: new Date(Date.now() + 3_600_000).toISOString(), intervalSeconds: 1,
    });
    const [{ reltuples }] = await sql.unsafe("select reltuples from pg_class where oid = 'nightshift.scheduled_runs'::regclass");
    assert.ok(reltuples <= 0, 'statistics still describe an empty table');
    runIds = (await sql.unsafe<{ id: string }[]>('select id from nightshift.scheduled_runs where batch_id = $1 order by item_index limit 40', [list.batchId]))
      .map((r) => r.id);
  });
  after(() => engine.close());

  const cases: Array<[string, (sql: Queryable, ids: string[], now: Date) => Promise<unknown>]> = [
    ['markRunsStarted', (sql, ids, now) => markRunsStarted(sql, ids.slice(0, 20).map((runId) => ({ runId, executionId: runId })), now)],
    ['finishScheduledStart', (sql, ids, now) => finishScheduledStart(sql, { jobId: 1, workerId: 'w', runId: ids[20], executionId: ids[20], now })],
    ['markRunRefused', (sql, ids, now) => markRunRefused(sql, ids[21], 'refused', now)],
    ['cancelScheduledRun', (sql, ids, now) => cancelScheduledRun(sql, ids[22], now)],
    ['runScheduledRunNow', (sql, ids, now) => runScheduledRunNow(sql, ids[23], now)],
    ['getScheduledRun', (sql, ids) => getScheduledRun(sql, ids[24])],
    ['getScheduledRuns', (sql, ids) => getScheduledRuns(sql, ids.slice(25, 40))],
  ];
  for (const [name, work] of cases) {
    it(`${name} reads scheduled_runs through its primary key whatever the statistics say`, async () => {
      // Each case changes runs of its own among the 20 000 waiting ones.
      const { sql } = engine.db;
      for (const scan of await scansOf(sql, () => work(sql, runIds, new Date()))) assert.match(scan, byPrimaryKey);
    });
  }
});
