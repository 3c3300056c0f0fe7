/**
 * Recurring schedules on real Postgres. Time is a fake clock shared by the workers, the service and
 * the tick handler: a test moves it to the next tick and waits until no job is due any more (the
 * workers poll every 20 ms), so nothing here sleeps for minutes or asserts on durations.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createApp } from '../../src/api/index.ts';
import { loadWorkflow } from '../../src/asl/index.ts';
import { createEngine } from '../../src/boot/index.ts';
import { main } from '../../src/cli/main.ts';
import { loadConfig } from '../../src/config/index.ts';
import { ResourceRegistry } from '../../src/resources/index.ts';
import { DurableRuntime, type JobHandler } from '../../src/runtime/index.ts';
import {
  createSchedule,
  deployWorkflow,
  describeSchedule,
  listSchedules,
  pauseSchedule,
  resumeSchedule,
  stopExecution,
  type ScheduleRequest,
  type ServiceDeps,
} from '../../src/service/index.ts';
import type { Logger } from '../../src/shared/index.ts';
import { getSchedule, type ScheduleRow } from '../../src/store/index.ts';
import { cronJobHandlers, type CronOptions } from '../../src/triggers/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { registerTestResources } from '../support/test-resources.ts';

const workflows: Record<string, unknown> = {
  tick: { StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } },
  // Runs until stopped: a task token nobody answers.
  hold: {
    StartAt: 'Hold',
    States: { Hold: { Type: 'Task', Resource: 'test:context.waitForTaskToken', Parameters: { 'token.$': '$$.Task.Token' }, End: true } },
  },
};

class FakeClock {
  constructor(public ms: number) {}
  now(): number {
    return this.ms;
  }
  set(at: Date | string | null): void {
    assert.ok(at, 'a tick is pending');
    this.ms = new Date(at).getTime();
  }
}

interface Harness {
  db: TestDatabase;
  clock: FakeClock;
  deps: ServiceDeps;
  /** The worker of each cron-tick job the handlers ran. */
  handled: string[];
  schedule(request: Omit<ScheduleRequest, 'workflow'> & { workflow?: string }): Promise<string>;
  row(id: string): Promise<ScheduleRow>;
  /** Moves the clock and waits until every due job has been worked off. */
  advanceTo(at: Date | string | null): Promise<void>;
  /** Idempotency keys of the executions a schedule started, in tick order. */
  ticksOf(id: string): Promise<string[]>;
  close(): Promise<void>;
}

async function harness(start: string, options: { workers?: number; cron?: CronOptions } = {}): Promise<Harness> {
  const db = await createTestDatabase();
  const registry = registerTestResources(new ResourceRegistry());
  const clock = new FakeClock(Date.parse(start));
  const handled: string[] = [];
  const runtimes: DurableRuntime[] = [];
  for (let i = 1; i <= (options.workers ?? 1); i++) {
    const jobHandlers: Record<string, JobHandler> = {};
    const runtime = new DurableRuntime({ sql: db.sql, registry, clock, workerId: `worker-${i}`, concurrency: 4, pollMs: 20, leaseMs: 60_000, jobHandlers });
    const tick = cronJobHandlers({ sql: db.sql, runtime, clock }, options.cron)['cron-tick'];
    jobHandlers['cron-tick'] = async (job, workerId) => {
      await tick(job, workerId);
      handled.push(workerId);
    };
    runtimes.push(runtime);
  }
  const deps: ServiceDeps = { sql: db.sql, runtime: runtimes[0], clock };
  for (const [name, definition] of Object.entries(workflows)) {
    const { workflow, problems } = loadWorkflow(JSON.stringify(definition), `${name}.json`, { isKnownResource: (r) => registry.has(r) });
    assert.ok(workflow, JSON.stringify(problems));
    await deployWorkflow(deps, workflow);
  }
  for (const runtime of runtimes) await runtime.start();

  const settle = async () => {
    for (let i = 0; i < 1000; i++) {
      const [{ due }] = await db.sql.unsafe<{ due: number }[]>('select count(*)::int as due from nightshift.jobs where run_at <= $1', [new Date(clock.now())]);
      if (due === 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.fail('due jobs were not worked off');
  };
  return {
    db, clock, deps, handled,
    async schedule(request) {
      return (await createSchedule(deps, { workflow: 'tick', ...request })).scheduleId;
    },
    async row(id) {
      const row = await getSchedule(db.sql, id);
      assert.ok(row);
      return row;
    },
    async advanceTo(at) {
      clock.set(at);
      await settle();
    },
    async ticksOf(id) {
      const rows = await db.sql.unsafe<{ idempotency_key: string }[]>(
        `select idempotency_key from nightshift.executions where idempotency_key like $1 order by idempotency_key`,
        [`cron:${id}:%`],
      );
      return rows.map((r) => r.idempotency_key.slice(`cron:${id}:`.length));
    },
    async close() {
      for (const runtime of runtimes) await runtime.stop(1_000);
      await db.drop();
    },
  };
}

/** Fires the schedule's next `count` ticks one by one; answers the ticks it fired. */
async function fireTicks(h: Harness, id: string, count: number): Promise<string[]> {
  const fired: string[] = [];
  for (let i = 0; i < count; i++) {
    const due = (await h.row(id)).nextFireAt;
    await h.advanceTo(due);
    fired.push((await h.row(id)).lastFireAt?.toISOString() ?? 'nothing');
  }
  return fired;
}

const parisWallTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', dateStyle: 'short', timeStyle: 'short', hourCycle: 'h23' });
const paris = (iso: string) => parisWallTime.format(new Date(iso));

describe('cron schedules', () => {
  it('fires a 5-field expression in its timezone, each tick once, with the schedule input', async () => {
    const h = await harness('2026-01-01T00:00:00Z');
    try {
      const id = await h.schedule({ cron: '0 9 * * MON', timezone: 'Europe/Paris', input: { digest: 'weekly' } });
      assert.equal((await h.row(id)).nextFireAt?.toISOString(), '2026-01-05T08:00:00.000Z');
      assert.deepEqual(await fireTicks(h, id, 3), ['2026-01-05T08:00:00.000Z', '2026-01-12T08:00:00.000Z', '2026-01-19T08:00:00.000Z']);
      assert.deepEqual(await h.ticksOf(id), ['2026-01-05T08:00:00.000Z', '2026-01-12T08:00:00.000Z', '2026-01-19T08:00:00.000Z']);
      const [execution] = await h.db.sql.unsafe<{ input: unknown; status: string }[]>(
        'select input, status from nightshift.executions where id = $1', [(await h.row(id)).lastExecutionId],
      );
      assert.deepEqual(execution, { input: { digest: 'weekly' }, status: 'SUCCEEDED' });
      assert.equal((await h.row(id)).nextFireAt?.toISOString(), '2026-01-26T08:00:00.000Z');
    } finally {
      await h.close();
    }
  });

  it('fires a 6-field expression on its seconds', async () => {
    const h = await harness('2026-01-01T00:00:00Z');
    try {
      const id = await h.schedule({ cron: '*/20 * * * * *' });
      assert.deepEqual(await fireTicks(h, id, 4), [
        '2026-01-01T00:00:20.000Z', '2026-01-01T00:00:40.000Z', '2026-01-01T00:01:00.000Z', '2026-01-01T00:01:20.000Z',
      ]);
      assert.equal((await h.ticksOf(id)).length, 4);
    } finally {
      await h.close();
    }
  });

  it('fires every: 15m from the creation of the schedule', async () => {
    const h = await harness('2026-05-05T10:07:00Z');
    try {
      const id = await h.schedule({ every: '15m' });
      const view = await describeSchedule(h.deps, id, { upcoming: 3 });
      assert.equal(view.every, '15m');
      assert.deepEqual(view.upcoming, ['2026-05-05T10:22:00.000Z', '2026-05-05T10:37:00.000Z', '2026-05-05T10:52:00.000Z']);
      assert.deepEqual(await fireTicks(h, id, 3), ['2026-05-05T10:22:00.000Z', '2026-05-05T10:37:00.000Z', '2026-05-05T10:52:00.000Z']);
      assert.equal((await h.ticksOf(id)).length, 3);
    } finally {
      await h.close();
    }
  });

  it('fires 30 2 * * * in Europe/Paris once a day across the spring-forward change (02:00 → 03:00)', async () => {
    const h = await harness('2026-03-27T12:00:00Z');
    try {
      const id = await h.schedule({ cron: '30 2 * * *', timezone: 'Europe/Paris' });
      const fired = await fireTicks(h, id, 3);
      // 02:30 does not exist on 29 March: croner runs the fixed-time job at the first instant after the gap.
      assert.deepEqual(fired, ['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
      assert.deepEqual(fired.map(paris), ['28/03/2026, 02:30', '29/03/2026, 03:00', '30/03/2026, 02:30']);
      assert.deepEqual(await h.ticksOf(id), fired);
    } finally {
      await h.close();
    }
  });

  it('fires 30 2 * * * in Europe/Paris once a day across the fall-back change (03:00 → 02:00)', async () => {
    const h = await harness('2026-10-23T12:00:00Z');
    try {
      const id = await h.schedule({ cron: '30 2 * * *', timezone: 'Europe/Paris' });
      const fired = await fireTicks(h, id, 2);
      // 02:30 happens twice on 25 October (CEST, then CET): the job runs on the first only.
      assert.deepEqual(fired, ['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z']);
      assert.equal((await h.row(id)).nextFireAt?.toISOString(), '2026-10-26T01:30:00.000Z');
      await h.advanceTo('2026-10-25T01:30:00Z');
      assert.equal((await h.ticksOf(id)).length, 2, 'the second 02:30 starts nothing');
      fired.push(...(await fireTicks(h, id, 1)));
      assert.deepEqual(fired.map(paris), ['24/10/2026, 02:30', '25/10/2026, 02:30', '26/10/2026, 02:30']);
      assert.deepEqual(await h.ticksOf(id), fired);
    } finally {
      await h.close();
    }
  });

  it('fires nothing while paused and resumes from the next tick after the resume', async () => {
    const h = await harness('2026-06-01T12:00:00Z');
    try {
      const id = await h.schedule({ every: '1m' });
      await h.advanceTo('2026-06-01T12:00:30Z');
      const paused = await pauseSchedule(h.deps, id);
      assert.equal(paused.paused, true);
      assert.equal(paused.nextFireAt, null);
      const [{ jobs }] = await h.db.sql.unsafe<{ jobs: number }[]>('select count(*)::int as jobs from nightshift.jobs where dedupe_key = $1', [`cron:${id}`]);
      assert.equal(jobs, 0);
      await h.advanceTo('2026-06-01T12:05:10Z');
      assert.deepEqual(await h.ticksOf(id), []);
      const resumed = await resumeSchedule(h.deps, id);
      assert.equal(resumed.nextFireAt, '2026-06-01T12:06:10.000Z');
      assert.deepEqual(await fireTicks(h, id, 1), ['2026-06-01T12:06:10.000Z']);
      assert.deepEqual(await h.ticksOf(id), ['2026-06-01T12:06:10.000Z']);
    } finally {
      await h.close();
    }
  });

  it('skips a tick while the previous execution runs (skip), starts another (allow), or starts it when the previous ends (queue)', async () => {
    const h = await harness('2026-06-01T12:00:00Z', { cron: { queueRecheckMs: 5_000 } });
    try {
      const skip = await h.schedule({ workflow: 'hold', every: '1m', overlap: 'skip' });
      const allow = await h.schedule({ workflow: 'hold', every: '1m', overlap: 'allow' });
      const queue = await h.schedule({ workflow: 'hold', every: '1m', overlap: 'queue' });
      for (const minute of ['01', '02', '03']) await h.advanceTo(`2026-06-01T12:${minute}:00Z`);
      assert.deepEqual(await h.ticksOf(skip), ['2026-06-01T12:01:00.000Z']);
      assert.deepEqual(await h.ticksOf(allow), ['2026-06-01T12:01:00.000Z', '2026-06-01T12:02:00.000Z', '2026-06-01T12:03:00.000Z']);
      assert.deepEqual(await h.ticksOf(queue), ['2026-06-01T12:01:00.000Z']);
      assert.equal((await h.row(queue)).nextFireAt?.toISOString(), '2026-06-01T12:02:00.000Z', 'the 12:02 tick waits; 12:03 folded into it');
      assert.equal((await h.row(skip)).nextFireAt?.toISOString(), '2026-06-01T12:04:00.000Z');

      await stopExecution(h.deps, (await h.row(queue)).lastExecutionId as string);
      await h.advanceTo('2026-06-01T12:03:05Z');
      assert.deepEqual(await h.ticksOf(queue), ['2026-06-01T12:01:00.000Z', '2026-06-01T12:02:00.000Z']);
      assert.equal((await h.row(queue)).nextFireAt?.toISOString(), '2026-06-01T12:04:00.000Z');

      await stopExecution(h.deps, (await h.row(skip)).lastExecutionId as string);
      await h.advanceTo('2026-06-01T12:04:00Z');
      assert.deepEqual(await h.ticksOf(skip), ['2026-06-01T12:01:00.000Z', '2026-06-01T12:04:00.000Z']);
      assert.equal((await h.ticksOf(queue)).length, 2, 'the queued 12:02 execution still runs, so 12:04 waits');
    } finally {
      await h.close();
    }
  });

  it('after downtime, skips the missed ticks (skip) or runs once for the whole missed period (run_once)', async () => {
    const h = await harness('2026-06-01T12:00:00Z');
    try {
      const skip = await h.schedule({ every: '1m', missed: 'skip' });
      const once = await h.schedule({ every: '1m', missed: 'run_once' });
      // A tick late by less than a minute is not missed: both fire it.
      await h.advanceTo('2026-06-01T12:01:20Z');
      assert.deepEqual(await h.ticksOf(skip), ['2026-06-01T12:01:00.000Z']);
      assert.deepEqual(await h.ticksOf(once), ['2026-06-01T12:01:00.000Z']);
      // No worker between 12:02 and 12:10:30: nine ticks missed.
      await h.advanceTo('2026-06-01T12:10:30Z');
      assert.deepEqual(await h.ticksOf(skip), ['2026-06-01T12:01:00.000Z']);
      assert.deepEqual(await h.ticksOf(once), ['2026-06-01T12:01:00.000Z', '2026-06-01T12:10:00.000Z']);
      for (const id of [skip, once]) assert.equal((await h.row(id)).nextFireAt?.toISOString(), '2026-06-01T12:11:00.000Z');
      await h.advanceTo('2026-06-01T12:11:00Z');
      assert.deepEqual(await h.ticksOf(skip), ['2026-06-01T12:01:00.000Z', '2026-06-01T12:11:00.000Z']);
      assert.deepEqual(await h.ticksOf(once), ['2026-06-01T12:01:00.000Z', '2026-06-01T12:10:00.000Z', '2026-06-01T12:11:00.000Z']);
    } finally {
      await h.close();
    }
  });

  it('starts exactly one execution per tick with three workers on one schedule', async () => {
    const h = await harness('2026-06-01T12:00:00Z', { workers: 3 });
    try {
      const id = await h.schedule({ cron: '*/10 * * * * *' });
      const fired = await fireTicks(h, id, 30);
      assert.equal(new Set(fired).size, 30);
      const counts = await h.db.sql.unsafe<{ idempotency_key: string; n: number }[]>(
        `select idempotency_key, count(*)::int as n from nightshift.executions where workflow_name = 'tick' group by 1`,
      );
      assert.equal(counts.length, 30);
      assert.ok(counts.every((c) => c.n === 1));
      assert.deepEqual(await h.ticksOf(id), fired);
      assert.equal(h.handled.length, 30, 'each tick job was handled once');
    } finally {
      await h.close();
    }
  });

  it('refuses a bad cron, an unknown timezone and a bad duration, naming the field', async () => {
    const h = await harness('2026-06-01T12:00:00Z');
    try {
      const problemOf = async (request: Omit<ScheduleRequest, 'workflow'>) => {
        try {
          await h.schedule(request);
        } catch (e) {
          const error = e as { code: string; details: { problems: Array<{ path: string }> } };
          return [error.code, error.details.problems.map((p) => p.path).join(',')];
        }
        return ['created'];
      };
      assert.deepEqual(await problemOf({ cron: '61 * * * *' }), ['INPUT_INVALID', 'cron']);
      assert.deepEqual(await problemOf({ cron: '* * *' }), ['INPUT_INVALID', 'cron']);
      assert.deepEqual(await problemOf({ cron: '0 0 0 1 1 * 2027' }), ['INPUT_INVALID', 'cron']);
      assert.deepEqual(await problemOf({ cron: '0 0 31 2 *' }), ['INPUT_INVALID', 'cron']);
      assert.deepEqual(await problemOf({ cron: '0 9 * * *', timezone: 'Mars/Olympus' }), ['INPUT_INVALID', 'timezone']);
      assert.deepEqual(await problemOf({ every: '15 minutes' }), ['INPUT_INVALID', 'every']);
      assert.deepEqual(await problemOf({}), ['INPUT_INVALID', 'cron']);
      assert.deepEqual(await problemOf({ cron: '0 9 * * *', every: '1h' }), ['INPUT_INVALID', 'every']);
    } finally {
      await h.close();
    }
  });
});

describe('per-entity schedules through the API', () => {
  it('creates one schedule per external key and updates it on a second POST with that key', async () => {
    const h = await harness('2026-06-01T12:00:00Z');
    try {
      const app = createApp({ ...h.deps, auth: { disabled: true } });
      const call = async (method: string, path: string, json?: unknown) => {
        const response = await app.request(path, {
          method, headers: json === undefined ? {} : { 'Content-Type': 'application/json' }, body: json === undefined ? undefined : JSON.stringify(json),
        });
        return { status: response.status, body: (await response.json()) as any };
      };
      const first = await call('POST', '/v1/schedules', { workflow: 'tick', key: 'user:42', every: '1d', input: { user: 42 } });
      assert.equal(first.status, 201);
      assert.equal(first.body.nextFireAt, '2026-06-02T12:00:00.000Z');
      const other = await call('POST', '/v1/schedules', { workflow: 'tick', key: 'user:43', every: '1d', input: { user: 43 } });
      assert.equal(other.status, 201);
      assert.notEqual(other.body.scheduleId, first.body.scheduleId);

      const again = await call('POST', '/v1/schedules', { workflow: 'tick', key: 'user:42', cron: '0 8 * * *', timezone: 'Europe/Paris', input: { user: 42 } });
      assert.equal(again.status, 200);
      assert.equal(again.body.scheduleId, first.body.scheduleId);
      assert.equal(again.body.cron, '0 8 * * *');
      assert.equal(again.body.every, null);
      assert.equal(again.body.nextFireAt, '2026-06-02T06:00:00.000Z');
      const [{ jobs }] = await h.db.sql.unsafe<{ jobs: number }[]>(
        'select count(*)::int as jobs from nightshift.jobs where dedupe_key = $1 and run_at = $2', [`cron:${first.body.scheduleId}`, new Date('2026-06-02T06:00:00Z')],
      );
      assert.equal(jobs, 1, 'the pending tick moved with the cadence');

      const listed = await call('GET', '/v1/schedules?workflow=tick&key=user:42');
      assert.equal(listed.status, 200);
      assert.deepEqual(listed.body.items.map((s: { scheduleId: string }) => s.scheduleId), [first.body.scheduleId]);
      assert.equal((await call('GET', '/v1/schedules?workflow=tick')).body.items.length, 2);

      const described = await call('GET', `/v1/schedules/${first.body.scheduleId}?upcoming=2`);
      assert.deepEqual(described.body.upcoming, ['2026-06-02T06:00:00.000Z', '2026-06-03T06:00:00.000Z']);

      const badCron = await call('POST', '/v1/schedules', { workflow: 'tick', cron: 'every monday' });
      assert.equal(badCron.status, 400);
      assert.equal(badCron.body.error.code, 'INPUT_INVALID');
      assert.deepEqual(badCron.body.error.details.problems.map((p: { path: string }) => p.path), ['body.cron']);
      const badZone = await call('POST', '/v1/schedules', { workflow: 'tick', cron: '0 8 * * *', timezone: 'Europe/Atlantis' });
      assert.deepEqual(badZone.body.error.details.problems.map((p: { path: string }) => p.path), ['body.timezone']);
      assert.equal((await call('POST', '/v1/schedules', { workflow: 'nope', every: '1h' })).body.error.code, 'WORKFLOW_NOT_FOUND');

      const paused = await call('POST', `/v1/schedules/${first.body.scheduleId}/pause`);
      assert.deepEqual([paused.status, paused.body.paused, paused.body.nextFireAt], [200, true, null]);
      const resumed = await call('POST', `/v1/schedules/${first.body.scheduleId}/resume`);
      assert.deepEqual([resumed.status, resumed.body.paused, resumed.body.nextFireAt], [200, false, '2026-06-02T06:00:00.000Z']);

      await h.advanceTo('2026-06-02T06:00:00Z');
      assert.deepEqual(await h.ticksOf(first.body.scheduleId), ['2026-06-02T06:00:00.000Z']);

      const deleted = await call('DELETE', `/v1/schedules/${first.body.scheduleId}`);
      assert.equal(deleted.status, 200);
      const gone = await call('GET', `/v1/schedules/${first.body.scheduleId}`);
      assert.deepEqual([gone.status, gone.body.error.code], [404, 'SCHEDULE_NOT_FOUND']);
      const [{ jobs: left }] = await h.db.sql.unsafe<{ jobs: number }[]>('select count(*)::int as jobs from nightshift.jobs where dedupe_key = $1', [`cron:${first.body.scheduleId}`]);
      assert.equal(left, 0);
    } finally {
      await h.close();
    }
  });
});

describe('schedules declared in workflow files', () => {
  it('are created, changed and removed when the folder is deployed', async () => {
    const db = await createTestDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'nightshift-cron-'));
    const warnings: string[] = [];
    const logger: Logger = { debug: () => {}, info: () => {}, error: () => {}, warn: (_fields, message) => void warnings.push(message) };
    const config = loadConfig({ projectDir: dir, env: { DATABASE_URL: db.url, NIGHTSHIFT_AUTH: 'disabled' } });
    const engine = await createEngine({ config, logger, workers: false });
    const write = (triggers: string) => writeFileSync(join(config.workflowsDir, 'digest.yaml'), [
      'name: digest', 'triggers:', '  - http: {}', triggers,
      'definition:', '  StartAt: Done', '  States: { Done: { Type: Pass, End: true } }', '',
    ].join('\n'));
    const fileSchedules = async () =>
      (await listSchedules(engine.deps, { workflow: 'digest' })).items.map((s) => ({ id: s.scheduleId, key: s.key, cron: s.cron, every: s.every, timezone: s.timezone, input: s.input, source: s.source }));
    try {
      mkdirSync(config.workflowsDir, { recursive: true });
      write('  - cron: "0 9 * * MON"\n    timezone: Europe/Paris\n    input: { digest: weekly }\n  - every: 15m');
      await engine.deployWorkflows();
      const added = await fileSchedules();
      assert.deepEqual(added.map(({ id: _id, ...s }) => s), [
        { key: 'file:0', cron: '0 9 * * MON', every: null, timezone: 'Europe/Paris', input: { digest: 'weekly' }, source: 'file' },
        { key: 'file:1', cron: null, every: '15m', timezone: 'UTC', input: {}, source: 'file' },
      ]);

      write('  - cron: "0 10 * * MON"\n    timezone: Europe/Paris\n    input: { digest: weekly }\n  - every: 1h\n    key: hourly');
      await engine.deployWorkflows();
      const changed = await fileSchedules();
      assert.deepEqual(changed.map(({ id: _id, ...s }) => s), [
        { key: 'file:0', cron: '0 10 * * MON', every: null, timezone: 'Europe/Paris', input: { digest: 'weekly' }, source: 'file' },
        { key: 'hourly', cron: null, every: '1h', timezone: 'UTC', input: {}, source: 'file' },
      ]);
      assert.equal(changed[0].id, added[0].id, 'a changed trigger updates its schedule');

      // The API cannot take over or delete a file's schedule.
      await assert.rejects(createSchedule(engine.deps, { workflow: 'digest', key: 'hourly', every: '2h' }), { code: 'CONFLICT' });

      write('  - cron: "0 10 * * MON"\n    timezone: Europe/Nowhere');
      const refused = await engine.deployWorkflows();
      assert.equal((await fileSchedules()).length, 2, 'an invalid trigger changes nothing');
      // The file is refused before its version is saved: nothing to sync, nothing to warn about.
      assert.deepEqual(refused.invalid.flatMap((i) => i.problems.map((p) => [p.code, p.pointer])), [['TRIGGER_INVALID', '/triggers/1/timezone']]);
      assert.deepEqual(warnings.filter((w) => w.includes('schedules')), []);

      write('');
      await engine.deployWorkflows();
      assert.deepEqual(await fileSchedules(), []);
      const [{ jobs }] = await db.sql.unsafe<{ jobs: number }[]>(`select count(*)::int as jobs from nightshift.jobs where kind = 'cron-tick'`);
      assert.equal(jobs, 0);
    } finally {
      await engine.stop();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('nightshift schedules', () => {
  it('lists, pauses, resumes and removes schedules from the command line', async () => {
    const h = await harness('2026-06-01T12:00:00Z');
    const project = mkdtempSync(join(tmpdir(), 'nightshift-schedules-'));
    const previous = process.env.DATABASE_URL;
    process.env.DATABASE_URL = h.db.url;
    const out: string[] = [];
    const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t) };
    const run = async (...args: string[]) => {
      out.length = 0;
      const code = await main(['schedules', ...args, '--dir', project], io);
      return { code, text: out.join('') };
    };
    try {
      const id = await h.schedule({ key: 'user:7', cron: '0 8 * * *', timezone: 'Europe/Paris' });
      const listed = await run('ls', '--workflow', 'tick', '--json');
      assert.equal(listed.code, 0);
      assert.deepEqual(JSON.parse(listed.text).items.map((s: { scheduleId: string }) => s.scheduleId), [id]);
      assert.match((await run('ls')).text, /user:7 .* cron 0 8 \* \* \* Europe\/Paris/);
      const paused = await run('pause', id);
      assert.deepEqual([paused.code, JSON.parse(paused.text).paused], [0, true]);
      const resumed = await run('resume', id);
      assert.deepEqual([resumed.code, JSON.parse(resumed.text).paused], [0, false]);
      assert.equal((await run('rm', id)).code, 0);
      const missing = await run('pause', id);
      assert.deepEqual([missing.code, /SCHEDULE_NOT_FOUND/.test(missing.text)], [3, true]);
    } finally {
      if (previous === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = previous;
      rmSync(project, { recursive: true, force: true });
      await h.close();
    }
  });
});
