import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { saveStepStates, type Queryable } from '../../src/store/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

// A step's writes join the JSON rows they carry to the executions table. Joined on that alone, the
// planner guessed 100 JSON rows and hashed the whole table on every step once it held ~10 000
// executions (1.1 ms then, growing with the table): the rows must be found through executions_pkey.

interface PlanNode { 'Node Type': string; 'Relation Name'?: string; Plans?: PlanNode[] }

function scans(node: PlanNode, relation: string, found: string[] = []): string[] {
  if (node['Relation Name'] === relation && node['Node Type'].endsWith('Scan')) found.push(node['Node Type']);
  for (const child of node.Plans ?? []) scans(child, relation, found);
  return found;
}

async function plan(sql: Queryable, statement: string, parameters: never[]): Promise<PlanNode> {
  const [row] = await sql.unsafe(`explain (costs off, format json) ${statement}`, parameters);
  return (row['QUERY PLAN'] as { Plan: PlanNode }[])[0].Plan;
}

describe('step write plan', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(() => db.drop());

  it('writes a step through executions_pkey on an analysed table of 10 000 executions, generic plan or not', async () => {
    const { sql } = db;
    await sql.unsafe(`insert into nightshift.workflows (name) values ('wf')`);
    await sql.unsafe(`insert into nightshift.workflow_versions (id, workflow_name, definition) values ('v1', 'wf', '{}')`);
    await sql.unsafe(`insert into nightshift.executions (id, workflow_name, version_id, name, input, root_id, snapshot, started_at, updated_at, event_count)
      select g, 'wf', 'v1', g::text, '{}', g, '{}', now(), now(), 0 from (select gen_random_uuid() g from generate_series(1, 10000)) x`);
    await sql.unsafe('analyze nightshift.executions');
    const [{ id }] = await sql.unsafe<{ id: string }[]>('select id from nightshift.executions limit 1');
    const now = new Date();
    // The statement alone, and with the jobs a step adds (a start's invoke job): both find rows by the key.
    const jobLists = [[], [{ kind: 'invoke', executionId: id, payload: {}, runAt: now, dedupeKey: `plan:${id}` }]];
    for (const [seq, jobs] of jobLists.entries()) {
      let captured: { statement: string; parameters: never[] } | undefined;
      sql.options.debug = (_connection, statement, parameters) => {
        captured ??= { statement, parameters: parameters as never[] };
      };
      await saveStepStates(sql, [{
        id, firstSeq: seq, events: [{ type: 'ExecutionStarted', stateName: null, details: {}, at: now.getTime() }],
        update: { status: 'RUNNING', snapshot: {}, output: null, error: null, cause: null, eventCount: seq + 1, stoppedAt: null, updatedAt: now },
      }], jobs);
      sql.options.debug = false;
      const statement = captured;
      assert.ok(statement);
      for (const mode of ['force_generic_plan', 'force_custom_plan']) {
        await sql.begin(async (tx) => {
          await tx.unsafe(`set local plan_cache_mode = ${mode}`);
          const found = scans(await plan(tx, statement.statement, statement.parameters), 'executions');
          assert.ok(found.length > 0 && found.every((s) => s !== 'Seq Scan'), `${jobs.length} jobs, ${mode}: ${found.join(', ')}`);
        });
      }
    }
  });
});
