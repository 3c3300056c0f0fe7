import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { enqueueJobs, listenForJobs, notifyJobsAvailable } from '../../src/store/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

// Notifications reach a listener in commit order, so once a "fence" notification committed later
// has arrived, every notification committed before it has arrived too: the tests wait for a fence
// instead of sleeping.
describe('job notifications', () => {
  let db: TestDatabase;
  let wakes = 0;
  let unlisten: () => Promise<void>;
  const fences = new Map<string, () => void>();
  let fenceCount = 0;

  const fence = async () => {
    const id = String(++fenceCount);
    const arrived = new Promise<void>((resolve) => fences.set(id, resolve));
    await db.sql.notify('nightshift_test_fence', id);
    await arrived;
  };

  before(async () => {
    db = await createTestDatabase();
    await db.sql.listen('nightshift_test_fence', (id) => fences.get(id)?.());
    ({ unlisten } = await listenForJobs(db.sql, () => {
      wakes += 1;
    }));
  });
  after(async () => {
    await unlisten();
    await db.drop();
  });

  it('wakes listeners once per batch, only after the enqueuing transaction commits', async () => {
    wakes = 0;
    let release!: () => void;
    const committing = db.sql.begin(async (tx) => {
      await enqueueJobs(tx, [1, 2, 3].map((i) => ({ kind: 'step', runAt: new Date(0), payload: { i } })));
      await notifyJobsAvailable(tx);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    while (!release) await new Promise((resolve) => setImmediate(resolve));
    await fence();
    assert.equal(wakes, 0, 'nothing is delivered before commit');
    release();
    await committing;
    await fence();
    assert.equal(wakes, 1);
  });

  it('wakes nobody when the enqueuing transaction rolls back', async () => {
    wakes = 0;
    await assert.rejects(
      db.sql.begin(async (tx) => {
        await enqueueJobs(tx, [{ kind: 'step', runAt: new Date(0) }]);
        await notifyJobsAvailable(tx);
        throw new Error('step failed');
      }),
      /step failed/,
    );
    await fence();
    assert.equal(wakes, 0);
  });

  it('stops waking after unlisten', async () => {
    wakes = 0;
    const second = await listenForJobs(db.sql, () => {
      wakes += 10;
    });
    await notifyJobsAvailable(db.sql);
    await fence();
    assert.equal(wakes, 11);
    await second.unlisten();
    await notifyJobsAvailable(db.sql);
    await fence();
    assert.equal(wakes, 12);
  });
});
