/**
 * Which jobs eager dispatch takes at birth and what it does once the write answers (runtime/durable/eager.ts),
 * against a worker's slots played by a fake: the slots it reserves, frees and runs are counted.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EagerLeases, queuedDueNow, type EagerSlots } from '../src/runtime/durable/eager.ts';
import type { ClaimedJob, NewJob } from '../src/store/index.ts';

const now = 1_000_000;
const invoke = (key: string, extra: Partial<NewJob> = {}): NewJob => ({
  kind: 'invoke', runAt: new Date(now), executionId: `e-${key}`, payload: { key }, dedupeKey: `invoke:${key}`, resource: 'test:a', ...extra,
});

function slots(free: number, served = ['test:a']): EagerSlots & { ran: ClaimedJob[]; freed: number; free: number } {
  const fake = {
    workerId: 'w1', leaseMs: 30_000, ran: [] as ClaimedJob[], freed: 0, free,
    reserve: (resource: string) => (fake.free > 0 && served.includes(resource) ? (fake.free--, true) : false),
    unreserve: (n: number) => void ((fake.freed += n), (fake.free += n)),
    run: (job: ClaimedJob) => void fake.ran.push(job),
  };
  return fake;
}

describe('eager leases', () => {
  it('takes due invoke jobs of served resources while slots last, and leaves the others queued', () => {
    const worker = slots(2);
    const leases = new EagerLeases(worker, now);
    const written = leases.mark([
      invoke('a'), { kind: 'step', runAt: new Date(now), executionId: 'e-s' }, invoke('later', { runAt: new Date(now + 1) }),
      invoke('other', { resource: 'test:b' }), invoke('nokey', { dedupeKey: null }), invoke('b'), invoke('c'),
    ]);
    assert.deepEqual(written.map((j) => j.lease?.owner ?? null), ['w1', null, null, null, null, 'w1', null]);
    assert.equal(written[0].lease?.expiresAt.getTime(), now + 30_000);
    assert.equal(queuedDueNow(written, now), true, 'the step job and the third call are queued and due');
    assert.equal(queuedDueNow(written.filter((j) => j.lease), now), false);
  });

  it('runs what the write inserted as a first attempt with its row, and frees the slots of the rest', () => {
    const worker = slots(3);
    const leases = new EagerLeases(worker, now);
    leases.mark([invoke('a'), invoke('b'), invoke('c')]);
    const inserted = new Map([['invoke:a', 11], ['invoke:c', 13]]);
    const row = { row: { id: 'e-a' } as never, version: '42' };
    leases.commit(inserted, new Map([['e-a', row]]));
    assert.deepEqual(worker.ran.map((j) => [j.id, j.attempts, j.dedupeKey, j.execution?.version ?? null]), [[11, 1, 'invoke:a', '42'], [13, 1, 'invoke:c', null]]);
    assert.equal(worker.freed, 1);
    leases.commit(inserted);
    assert.equal(worker.ran.length, 2, 'committed once');
  });

  it('runs a row once when two jobs of one write share its key', () => {
    const worker = slots(2);
    const leases = new EagerLeases(worker, now);
    leases.mark([invoke('a'), invoke('a')]);
    leases.commit(new Map([['invoke:a', 7]]));
    assert.deepEqual([worker.ran.map((j) => j.id), worker.freed], [[7], 1]);
  });

  it('gives every slot back when the write fails, and takes nothing without a worker', async () => {
    const worker = slots(2);
    const leases = new EagerLeases(worker, now);
    leases.mark([invoke('a'), invoke('b')]);
    await assert.rejects(leases.write(() => Promise.reject(new Error('the write failed'))), /the write failed/);
    assert.deepEqual([worker.free, worker.ran.length], [2, 0]);
    const none = new EagerLeases(undefined, now);
    const jobs = [invoke('a')];
    assert.equal(none.mark(jobs), jobs);
  });
});
