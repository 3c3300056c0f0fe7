/**
 * Every conformance case through the durable runtime on Postgres: each definition is deployed as a
 * version of the workflow `conformance` and started, all in one transaction; two workers run the
 * executions concurrently on a virtual clock (`runUntilIdle`); each execution's row must meet the case's
 * expectation and answer exactly what the in-memory runner answers for the same case (status, output,
 * error and cause). Invalid definitions must be refused by the deploy path's validation.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadWorkflow, type StateMachine } from '../../src/asl/index.ts';
import { registerBuiltinResources, ResourceRegistry } from '../../src/resources/index.ts';
import { DurableRuntime, MemoryRunner } from '../../src/runtime/index.ts';
import { metadataOf } from '../../src/service/index.ts';
import { newExecutionId, silentLogger, type Json, type JsonObject, type Logger } from '../../src/shared/index.ts';
import { getExecution, saveWorkflowVersion, type NewExecution, type Queryable, type Sql } from '../../src/store/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { registerTestResources } from '../support/test-resources.ts';
import { VirtualClock } from '../support/virtual-clock.ts';
import { runUntilIdle } from '../support/virtual-time.ts';
import { checkOutcome, loadCases, type ConformanceCase, type Outcome } from './cases.ts';

const cases = loadCases();
const registry = registerTestResources(registerBuiltinResources(new ResourceRegistry()));
const memory = new MemoryRunner({ registry, virtualTime: true });
const clock = new VirtualClock();
const outcomes = new Map<ConformanceCase, Outcome>();
/** What the workers warned about (a job that failed and was handed back), shown when the run gets stuck. */
const warnings: string[] = [];
const logger: Logger = { ...silentLogger, warn: (fields, message) => void warnings.push(`${message} ${JSON.stringify(fields)}`) };
let db: TestDatabase | undefined;
let workers: DurableRuntime[] = [];

/**
 * The durable engine keeps one execution per name and workflow, so a case without `executionName`
 * gets a name of its own (a case whose output shows `$$.Execution.Name` gives one, as the README says).
 */
function executionNameOf(c: ConformanceCase, index: number): string {
  return c.executionName ?? `execution-${index}`;
}

/** Saves the case's definition as a version of `conformance` (as deployWorkflow does), or answers its problems. */
async function deployCase(tx: Queryable, c: ConformanceCase): Promise<string | Outcome> {
  const { workflow, problems } = loadWorkflow(JSON.stringify(c.definition), 'conformance.json', { isKnownResource: (r) => registry.has(r) });
  if (!workflow) return { status: 'INVALID', problems };
  const saved = await saveWorkflowVersion(tx, { name: workflow.name, definition: workflow.definition as unknown as Json, metadata: metadataOf(workflow) as unknown as JsonObject });
  return saved.versionId;
}

/** Deploys every case and starts every valid one in one transaction; answers the execution id of each started case. */
async function deployAndStart(sql: Sql): Promise<Map<ConformanceCase, string>> {
  const ids = new Map<ConformanceCase, string>();
  let afterCommit = () => {};
  await sql.begin(async (tx) => {
    const executions: NewExecution[] = [];
    for (const [index, c] of cases.entries()) {
      const version = await deployCase(tx, c);
      if (typeof version !== 'string') {
        outcomes.set(c, version);
        continue;
      }
      const id = newExecutionId();
      ids.set(c, id);
      executions.push({
        id, workflowName: 'conformance', versionId: version, name: executionNameOf(c, index), mode: 'persistent', input: c.input ?? {},
        parentId: null, rootId: id, identity: null, idempotencyKey: null, startedAt: new Date(clock.now()),
      });
    }
    const started = await workers[0].startInTransaction(tx, executions);
    assert.equal(started.created.length, executions.length, 'every execution is created');
    afterCommit = started.afterCommit;
  });
  afterCommit();
  return ids;
}

before(async () => {
  const named = cases.flatMap((c) => (c.executionName ? [c.executionName] : []));
  assert.equal(new Set(named).size, named.length, 'executionName must be unique across cases');
  const database = await createTestDatabase();
  db = database;
  const { sql } = database;
  workers = [1, 2].map((n) => new DurableRuntime({ sql, registry, clock, logger, concurrency: 32, pollMs: 100, leaseMs: 10_000, workerId: `conformance-${n}` }));
  const ids = await deployAndStart(sql);
  await Promise.all(workers.map((w) => w.start()));
  try {
    await runUntilIdle({ sql, clock, timeoutMs: 120_000 });
  } catch (e) {
    await shutDown();
    throw new Error(`${(e as Error).message}\nworkers said: ${warnings.slice(0, 5).join('\n')}`);
  }
  for (const [c, id] of ids) {
    const row = await getExecution(sql, id);
    assert.ok(row, `execution of ${c.name} is missing`);
    outcomes.set(c, { status: row.status, output: (row.output ?? undefined) as Json | undefined, error: row.error ?? undefined, cause: row.cause ?? undefined });
  }
});

/** The same case through the in-memory runner, under the same execution name. */
async function runInMemory(c: ConformanceCase): Promise<Outcome> {
  const result = await memory.run(c.definition as unknown as StateMachine, c.input ?? {}, { name: executionNameOf(c, cases.indexOf(c)), workflowName: 'conformance' });
  return { status: result.status, output: result.output, error: result.error, cause: result.cause };
}

/**
 * What both runtimes must answer alike, beyond the case's expectation (a cause the spec leaves open is
 * still the same text in both); an output with random or time-dependent parts only through `outputMatches`.
 */
function comparable(c: ConformanceCase, o: Outcome): Outcome {
  return { status: o.status, output: c.expect.outputMatches ? undefined : o.output, error: o.error, cause: o.cause };
}

/** Stops the workers and drops the database, once (a failed run does it before reporting). */
async function shutDown(): Promise<void> {
  const stopping = workers.splice(0);
  await Promise.all(stopping.map((w) => w.stop(2_000)));
  const dropping = db;
  db = undefined;
  await dropping?.drop();
}

after(async () => {
  memory.close();
  await shutDown();
});

const byFile = new Map<string, ConformanceCase[]>();
for (const c of cases) byFile.set(c.file, [...(byFile.get(c.file) ?? []), c]);

for (const [file, fileCases] of byFile) {
  describe(`durable conformance ${file}`, { concurrency: true }, () => {
    for (const c of fileCases) {
      it(c.name, async () => {
        const got = outcomes.get(c) as Outcome;
        checkOutcome(c.expect, got);
        if (c.expect.status !== 'INVALID') assert.deepEqual(comparable(c, got), comparable(c, await runInMemory(c)), 'the durable and the in-memory runtime differ');
      });
    }
  });
}
