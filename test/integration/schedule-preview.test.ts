/**
 * POST /v1/schedules/preview through the real app: a schedule is checked as create checks it and its
 * next five fires are answered, read in its timezone, without anything saved.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createApp } from '../../src/api/index.ts';
import { createApiKey } from '../../src/service/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

let engine: TestEngine;
let app: ReturnType<typeof createApp>;
let key = '';

async function preview(body: unknown) {
  const response = await app.request('/v1/schedules/preview', {
    method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
}

before(async () => {
  engine = await createTestEngine();
  await engine.deploy({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } }, 'digest');
  key = (await createApiKey(engine.deps, { name: 'admin', role: 'postgres', scopes: ['admin'], allowPrivilegedRole: true })).key;
  app = createApp({ ...engine.deps });
});

after(async () => {
  await engine?.close();
});

describe('previewing a schedule', () => {
  it('answers the next five fires of a cron expression read in its timezone, and saves nothing', async () => {
    const reply = await preview({ workflow: 'digest', cron: '0 9 * * MON', timezone: 'America/New_York' });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
    assert.equal(reply.body.timezone, 'America/New_York');
    assert.equal(reply.body.upcoming.length, 5);
    for (const fire of reply.body.upcoming) {
      const local = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(fire));
      assert.equal(local, 'Mon 09:00', fire);
    }
    assert.equal((await engine.db.sql`select count(*)::int as n from nightshift.schedules`)[0].n, 0);
  });

  it('refuses a bad expression, timezone or workflow, saying where', async () => {
    const bad = await preview({ workflow: 'digest', cron: '61 * * * *', timezone: 'Mars/Olympus' });
    assert.equal(bad.status, 400);
    const paths = bad.body.error.details.problems.map((p: { path: string }) => p.path);
    assert.ok(paths.includes('body.timezone'), JSON.stringify(paths));
    assert.equal((await preview({ workflow: 'nope', cron: '0 9 * * *' })).status, 404);
  });
});
