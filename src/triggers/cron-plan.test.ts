import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cadenceOfRow } from '../service/index.ts';
import { planTick, type TickSituation } from './cron-plan.ts';

const at = (iso: string) => new Date(iso);
const iso = (date: Date | null) => date?.toISOString() ?? null;
const everyMinute = cadenceOfRow({ cron: null, everySeconds: 60, timezone: 'UTC' });

function situation(overrides: Partial<TickSituation>): TickSituation {
  return {
    cadence: everyMinute, due: at('2026-06-01T12:01:00Z'), now: at('2026-06-01T12:01:00Z'), missed: 'skip', overlap: 'allow',
    previousRunning: false, queued: false, missedAfterMs: 60_000, queueRecheckMs: 5_000, ...overrides,
  };
}

describe('cadence', () => {
  it('walks a fixed-time expression across both daylight-saving changes of Europe/Paris once a day', () => {
    const cadence = cadenceOfRow({ cron: '30 2 * * *', everySeconds: null, timezone: 'Europe/Paris' });
    const walk = (from: string, count: number) => {
      const ticks: string[] = [];
      let next = cadence.first(at(from));
      for (let i = 0; i < count && next; i++, next = cadence.nextAfter(next, next)) ticks.push(next.toISOString());
      return ticks;
    };
    assert.deepEqual(walk('2026-03-27T12:00:00Z', 3), ['2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
    assert.deepEqual(walk('2026-10-23T12:00:00Z', 3), ['2026-10-24T00:30:00.000Z', '2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z']);
  });

  it('skips the missing hour and runs in both repeated hours for an hourly expression', () => {
    const cadence = cadenceOfRow({ cron: '30 * * * *', everySeconds: null, timezone: 'Europe/Paris' });
    const spring = cadence.first(at('2026-03-29T00:00:00Z'));
    assert.deepEqual([iso(spring), iso(cadence.nextAfter(spring!, spring!))], ['2026-03-29T00:30:00.000Z', '2026-03-29T01:30:00.000Z']);
    const fall = cadence.first(at('2026-10-25T00:00:00Z'));
    assert.deepEqual([iso(fall), iso(cadence.nextAfter(fall!, fall!))], ['2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z']);
  });

  it('finds the latest due tick, also after a downtime longer than its walk', () => {
    const everySecond = cadenceOfRow({ cron: '* * * * * *', everySeconds: null, timezone: 'UTC' });
    assert.equal(iso(everySecond.latestDue(at('2026-06-01T00:00:00Z'), at('2026-06-01T00:00:05.500Z'))), '2026-06-01T00:00:05.000Z');
    assert.equal(iso(everySecond.latestDue(at('2026-06-01T00:00:00Z'), at('2026-06-02T00:00:00Z'))), '2026-06-02T00:00:00.000Z');
    assert.equal(iso(everyMinute.latestDue(at('2026-06-01T12:01:00Z'), at('2026-06-01T12:10:30Z'))), '2026-06-01T12:10:00.000Z');
    assert.equal(iso(everyMinute.nextAfter(at('2026-06-01T12:01:00Z'), at('2026-06-01T12:10:30Z'))), '2026-06-01T12:11:00.000Z');
  });
});

describe('planTick', () => {
  it('fires the pending tick when it is due and puts back a job claimed early', () => {
    assert.deepEqual(planTick(situation({})), { action: 'start', tick: at('2026-06-01T12:01:00Z'), next: at('2026-06-01T12:02:00Z') });
    assert.deepEqual(planTick(situation({ now: at('2026-06-01T12:00:59Z') })), { action: 'not-yet', at: at('2026-06-01T12:01:00Z') });
  });

  it('applies the missed-run policy only beyond the lateness allowed', () => {
    const late = { now: at('2026-06-01T12:01:40Z') };
    assert.equal(planTick(situation({ ...late, missed: 'skip' })).action, 'start');
    const down = { now: at('2026-06-01T12:10:30Z') };
    assert.deepEqual(planTick(situation({ ...down, missed: 'skip' })), { action: 'skip', reason: 'missed', next: at('2026-06-01T12:11:00Z') });
    assert.deepEqual(planTick(situation({ ...down, missed: 'run_once' })), { action: 'start', tick: at('2026-06-01T12:10:00Z'), next: at('2026-06-01T12:11:00Z') });
  });

  it('applies the overlap policy while the previous execution runs', () => {
    const running = { previousRunning: true, now: at('2026-06-01T12:01:02Z') };
    assert.deepEqual(planTick(situation({ ...running, overlap: 'skip' })), { action: 'skip', reason: 'overlap', next: at('2026-06-01T12:02:00Z') });
    assert.equal(planTick(situation({ ...running, overlap: 'allow' })).action, 'start');
    assert.deepEqual(planTick(situation({ ...running, overlap: 'queue' })), { action: 'wait', tick: at('2026-06-01T12:01:00Z'), recheckAt: at('2026-06-01T12:01:07Z') });
  });

  it('starts a queued tick once the previous execution ended, folding the ticks that passed meanwhile', () => {
    const queued = { queued: true, overlap: 'queue' as const, now: at('2026-06-01T12:03:30Z') };
    assert.equal(planTick(situation({ ...queued, previousRunning: true })).action, 'wait');
    assert.deepEqual(planTick(situation(queued)), { action: 'start', tick: at('2026-06-01T12:01:00Z'), next: at('2026-06-01T12:04:00Z') });
  });
});
