/**
 * The parent side of tests with worker processes: a test database with the effects table and the
 * workflows deployed, and the service deps of a process that starts executions and runs no worker of
 * its own (each start's first step runs here; the worker processes do the rest).
 */
import assert from 'node:assert/strict';
import { loadWorkflow } from '../../src/asl/index.ts';
import { ResourceRegistry } from '../../src/resources/index.ts';
import { DurableRuntime } from '../../src/runtime/index.ts';
import { deployWorkflow, type ServiceDeps } from '../../src/service/index.ts';
import { systemClock } from '../../src/shared/index.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { effectsTableDdl, type WorkerProcess } from './worker-process.ts';

export interface Starter {
  db: TestDatabase;
  deps: ServiceDeps;
  /** Worker processes the test started: killed by `close`. */
  workers: WorkerProcess[];
  close(): Promise<void>;
}

export async function createStarter(workflows: Record<string, unknown>, isKnownResource: (resource: string) => boolean): Promise<Starter> {
  const db = await createTestDatabase();
  await db.sql.unsafe(effectsTableDdl);
  const runtime = new DurableRuntime({ sql: db.sql, registry: new ResourceRegistry(), concurrency: 0 });
  const deps: ServiceDeps = { sql: db.sql, runtime, clock: systemClock };
  for (const [name, definition] of Object.entries(workflows)) {
    const { workflow, problems } = loadWorkflow(JSON.stringify(definition), `${name}.json`, { isKnownResource });
    assert.ok(workflow, JSON.stringify(problems));
    await deployWorkflow(deps, workflow);
  }
  const workers: WorkerProcess[] = [];
  return {
    db, deps, workers,
    async close() {
      for (const worker of workers) await worker.kill9();
      await runtime.stop();
      await db.drop();
    },
  };
}
