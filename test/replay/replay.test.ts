/**
 * Recorded-history replay: every execution under test/replay/recorded/ was stopped mid-flight by an
 * earlier release (record.ts) and must be finished by this one with the result that release got. A stored
 * format changed without a decoder for the recorded version fails here.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { snapshotFormat } from '../../src/core/index.ts';
import { executionHistory, sendTaskSuccess } from '../../src/service/index.ts';
import { EngineError, formatField, type JsonObject } from '../../src/shared/index.ts';
import { getExecution, historyBatchFormat } from '../../src/store/index.ts';
import { VirtualClock } from '../support/virtual-clock.ts';
import { runUntilIdle } from '../support/virtual-time.ts';
import { databaseWith, perEventHistoryMigration, type RecordedRows } from './rows.ts';
import { loadRecordings, resultOf, type RecordedResult, type Recording } from './recording.ts';
import { replayEngine } from './scenarios.ts';

const recordings = loadRecordings();

/** Loads the rows into a fresh database and lets this release's engine finish the execution. */
async function finish(recording: Recording, rows: RecordedRows): Promise<RecordedResult> {
  const db = await databaseWith(rows, recording.migration ?? perEventHistoryMigration);
  const clock = new VirtualClock();
  const { runtime, deps } = replayEngine(db.sql, clock);
  try {
    await runtime.start();
    if (recording.taskToken) await sendTaskSuccess(deps, recording.taskToken, recording.answer ?? null);
    await runUntilIdle({ sql: db.sql, clock, timeoutMs: 30_000 });
    // The recorded history and the new events read back through the history decoder, numbered without gaps.
    const history = await executionHistory(deps, recording.executionId);
    const own = history.filter((e) => e.branchId === undefined).map((e) => e.seq);
    assert.deepEqual(own, own.map((_, i) => i));
    assert.ok(history.every((e) => !(formatField in e.details)));
    return await resultOf(db.sql, recording.executionId);
  } finally {
    await runtime.stop(2_000);
    await db.drop();
  }
}

/** The rows as a release before numbered formats wrote them: no `format` field anywhere. */
function withoutFormats(rows: RecordedRows): RecordedRows {
  const strip = (value: unknown) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const { [formatField]: _format, ...rest } = value as JsonObject;
    return rest;
  };
  return {
    ...rows,
    executions: rows.executions.map((e) => ({ ...e, snapshot: strip(e.snapshot) as JsonObject })),
    jobs: rows.jobs.map((j) => ({ ...j, payload: strip(j.payload) as JsonObject })),
    history_events: rows.history_events?.map((h) => ({ ...h, details: strip(h.details) as JsonObject })),
    history: rows.history?.map((h) => {
      const batch = strip(h.batch) as { events: JsonObject[] };
      return { ...h, batch: { ...batch, events: batch.events.map((e) => ({ ...e, details: strip(e.details) as JsonObject })) } };
    }),
  };
}

describe('recorded executions', { concurrency: 3 }, () => {
  assert.ok(recordings.length >= 7, 'the recordings are in test/replay/recorded');
  for (const recording of recordings) {
    it(`finishes the execution recorded ${recording.description} with the recorded result`, async () => {
      assert.deepEqual(await finish(recording, recording.rows), recording.expect);
    });
    it(`finishes the execution recorded ${recording.description} when its rows carry no format field (version 1)`, async () => {
      assert.deepEqual(await finish(recording, withoutFormats(recording.rows)), recording.expect);
    });
  }
});

describe('stored formats', () => {
  const recorded = recordings.flatMap((r) => r.rows.executions.map((e) => e.snapshot)).find((s) => s !== null) as JsonObject;

  it('refuses a snapshot of a format this release does not know, naming the format and the version', () => {
    assert.throws(
      () => snapshotFormat.decode({ ...recorded, [formatField]: 2 }, 'the snapshot of execution x'),
      (e: unknown) => e instanceof EngineError && e.code === 'STORED_FORMAT_UNKNOWN' && /the snapshot of execution x has snapshot format 2; this release reads formats 1 to 1/.test(e.message),
    );
  });

  it('refuses a version 1 snapshot whose shape version 1 does not allow, naming the field', () => {
    const { retryCounts, ...renamed } = recorded;
    assert.throws(
      () => snapshotFormat.decode({ ...renamed, retries: retryCounts }, 'the snapshot of execution x'),
      (e: unknown) => e instanceof EngineError && e.code === 'STORED_FORMAT_UNKNOWN' && /\/retryCounts/.test(e.message) && /retries/.test(e.message),
    );
  });

  it('reads the retry counters an earlier release stored with holes (null) as 0', () => {
    assert.deepEqual(snapshotFormat.decode({ ...recorded, retryCounts: [null, 1] }, 'the snapshot of execution x').retryCounts, [0, 1]);
  });

  it('refuses a history batch of a format this release does not know, naming the format and the version', () => {
    assert.throws(
      () => historyBatchFormat.decode({ [formatField]: 2, events: [] }, 'the history batch 0 of x'),
      (e: unknown) => e instanceof EngineError && e.code === 'STORED_FORMAT_UNKNOWN' && /has history batch format 2; this release reads formats 1 to 1/.test(e.message),
    );
  });

  it('keeps every event an earlier release stored one row per event, grouped one row per step, with its number, type, state, details and time', async () => {
    const recording = recordings.find((r) => r.scenario === 'map' && r.migration === undefined) as Recording;
    const db = await databaseWith(recording.rows, perEventHistoryMigration);
    try {
      const events = await db.sql.unsafe<JsonObject[]>(
        `select execution_id, seq, type, state_name, details, to_jsonb(created_at) as created_at from nightshift.history_events order by execution_id, seq`,
      );
      const recorded = recording.rows.history_events ?? [];
      assert.deepEqual(events.map((e) => ({ ...e, created_at: Date.parse(e.created_at as string) })), recorded.map((e) => ({ ...e, created_at: Date.parse(e.created_at as string) })));
      const [{ rows }] = await db.sql.unsafe<Array<{ rows: number }>>('select count(*)::int as rows from nightshift.history');
      assert.ok(rows < recorded.length, `${recorded.length} events in ${rows} rows`);
    } finally {
      await db.drop();
    }
  });

  it('leaves an execution whose snapshot it cannot read untouched, for a release that can', async () => {
    const recording = recordings.find((r) => r.scenario === 'wait') as Recording;
    const future = { ...recording.rows, executions: recording.rows.executions.map((e) => ({ ...e, snapshot: { ...(e.snapshot as JsonObject), [formatField]: 99 } })) };
    const db = await databaseWith(future, recording.migration ?? perEventHistoryMigration);
    const clock = new VirtualClock();
    const { runtime } = replayEngine(db.sql, clock);
    try {
      await runtime.start();
      const timer = Date.parse(recording.rows.jobs[0].run_at as string);
      clock.advanceTo(timer);
      for (let i = 0; i < 200; i++) {
        const [job] = await db.sql.unsafe<Array<{ attempts: number; lease_owner: string | null }>>('select attempts, lease_owner from nightshift.jobs');
        if (job && job.attempts > 0 && job.lease_owner === null) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const [job] = await db.sql.unsafe<Array<{ attempts: number; run_at: Date }>>('select attempts, run_at from nightshift.jobs');
      assert.ok(job.attempts >= 1, 'the timer job was tried');
      assert.ok(job.run_at.getTime() > clock.now(), 'and handed back for later');
      const row = await getExecution(db.sql, recording.executionId);
      assert.equal(row?.status, 'RUNNING');
      assert.deepEqual(row?.snapshot, future.executions[0].snapshot);
    } finally {
      await runtime.stop(2_000);
      await db.drop();
    }
  });
});
