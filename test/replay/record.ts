/**
 * Records the executions of scenarios.ts mid-flight, as this release stores them, into
 * test/replay/recorded/<scenario>-m<last migration>.json (never over an existing file): runs each on the durable runtime with a virtual clock until its
 * recording point, stops the engine (handing leases back), dumps its rows, then lets the engine finish it
 * and keeps the result as the expectation. Run it when a stored format gets a new version, to add
 * recordings of that version beside the old ones (which stay):
 *
 *   node --import tsx test/replay/record.ts [scenario ...]
 *
 * It uses the test database server (test/support/database.ts).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyDetailsFormat, snapshotFormat, stepJobFormat } from '../../src/core/index.ts';
import { sendTaskSuccess, startExecution } from '../../src/service/index.ts';
import { cronTickFormat, executionEndedFormat, flowAdmitFormat, getExecution, historyBatchFormat, readMigrationFiles, scheduledStartFormat } from '../../src/store/index.ts';
import { createTestDatabase } from '../support/database.ts';
import { VirtualClock } from '../support/virtual-clock.ts';
import { runUntilIdle } from '../support/virtual-time.ts';
import { invokeJobFormat } from '../../src/runtime/durable/job-formats.ts';
import { dumpRows } from './rows.ts';
import { recordedDir, resultOf, type Recording } from './recording.ts';
import { deployScenario, replayEngine, scenarios, type Scenario } from './scenarios.ts';

const formats = [snapshotFormat, historyDetailsFormat, historyBatchFormat, stepJobFormat, invokeJobFormat, scheduledStartFormat, executionEndedFormat, flowAdmitFormat, cronTickFormat];

async function record(scenario: Scenario): Promise<Recording> {
  const db = await createTestDatabase();
  const clock = new VirtualClock();
  try {
    const first = replayEngine(db.sql, clock);
    await deployScenario(first.deps, scenario);
    if (!scenario.beforeWorkers) await first.runtime.start();
    const { executionId } = await startExecution(first.deps, scenario.start);
    if (!scenario.beforeWorkers) await runUntilIdle({ sql: db.sql, clock, until: () => scenario.recordWhen(db.sql) });
    await first.runtime.stop(2_000);
    const row = await getExecution(db.sql, executionId);
    if (row?.status !== 'RUNNING') throw new Error(`${scenario.name}: the execution ended (${row?.status} ${row?.error} ${row?.cause}) before its recording point`);
    const rows = await dumpRows(db.sql);
    const pending = snapshotFormat.decode(row.snapshot, 'the recorded snapshot').pending;
    const taskToken = scenario.answer === undefined ? undefined : pending?.kind === 'task' ? (pending.taskToken ?? undefined) : undefined;
    if (scenario.answer !== undefined && !taskToken) throw new Error(`${scenario.name}: no task token to answer`);

    const second = replayEngine(db.sql, clock);
    await second.runtime.start();
    if (taskToken) await sendTaskSuccess(second.deps, taskToken, scenario.answer ?? null);
    await runUntilIdle({ sql: db.sql, clock });
    await second.runtime.stop(2_000);
    return {
      scenario: scenario.name, description: scenario.description, recordedAt: new Date().toISOString(),
      formats: Object.fromEntries(formats.map((f) => [f.name, f.current])), migration,
      executionId, ...(taskToken ? { taskToken, answer: scenario.answer } : {}), rows, expect: await resultOf(db.sql, executionId),
    };
  } finally {
    await db.drop();
  }
}

const migration = Math.max(...(await readMigrationFiles()).map((f) => f.version));
const wanted = process.argv.slice(2);
for (const scenario of scenarios.filter((s) => wanted.length === 0 || wanted.includes(s.name))) {
  const recording = await record(scenario);
  // Named after the schema it was recorded on; an existing recording is never replaced.
  const file = join(recordedDir, `${scenario.name}-m${String(migration).padStart(4, '0')}.json`);
  if (existsSync(file)) throw new Error(`${file} exists: recordings are never re-recorded in place`);
  writeFileSync(file, `${JSON.stringify(recording, null, 1)}\n`);
  console.log(`${file}: ${recording.expect.status}, ${Object.values(recording.rows).reduce((n, r) => n + r.length, 0)} rows`);
}
