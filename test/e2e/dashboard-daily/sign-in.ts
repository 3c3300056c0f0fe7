/** Signing in once per browser: the key is exchanged for a session cookie, and signing out ends it on the server. */
import assert from 'node:assert/strict';
import { assertFits, assertReachable, assertTheme, seriousViolations } from '../../support/dashboard-projects.ts';
import type { Item } from './item.ts';

export const signInItem: Item = {
  name: 'signs in once per browser: a session cookie scripts cannot read, good in a second tab, ended server-side by signing out',
  async run(t) {
    const { base, adminKey } = t.dev;
    // A browser of its own: signing out here must not end the session the project's other items use.
    const context = await t.dev.browser.newContext(t.project.options);
    try {
      const first = await context.newPage();
      await first.goto(`${base}/dashboard/`);
      const key = first.getByLabel('API key');
      await assertReachable(key, 'the API key field');
      await assertTheme(first, t.project.theme);
      assert.deepEqual(await seriousViolations(first), [], 'the sign-in page');
      await assertFits(first, 'the sign-in page');
      await key.fill(adminKey);
      await assertReachable(first.getByRole('button', { name: 'Sign in' }), 'Sign in');
      await first.getByRole('button', { name: 'Sign in' }).click();
      await first.getByRole('heading', { name: 'Workflows' }).waitFor();

      const session = (await context.cookies()).find((c) => c.name === 'nightshift_session')!;
      assert.ok(session, 'a session cookie');
      assert.equal(session.httpOnly, true);
      assert.equal(session.sameSite, 'Strict');
      assert.ok(session.expires > Date.now() / 1000, 'it expires');
      assert.equal(await first.evaluate(() => document.cookie.includes('nightshift_session')), false, 'scripts cannot read it');
      assert.equal(await first.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage })).then((s) => s.includes(adminKey)), false, 'the key is kept nowhere');
      assert.equal((await fetch(`${base}/v1/workflows`)).status, 401, 'the API still refuses a request without key or session');

      const second = await context.newPage();
      await second.goto(`${base}/dashboard/scheduler`);
      await second.getByRole('heading', { name: 'Scheduler' }).waitFor();
      const signOut = second.getByRole('button', { name: 'Sign out' });
      await assertReachable(signOut, 'Sign out');
      await signOut.click();
      await second.getByLabel('API key').waitFor();
      const stale = await fetch(`${base}/v1/identity`, { headers: { cookie: `nightshift_session=${session.value}` } });
      assert.equal(stale.status, 401, 'the session ended on the server');
      await first.reload();
      await first.getByLabel('API key').waitFor();
    } finally {
      await context.close();
    }
  },
};
