/**
 * The dashboard for daily use, in a real browser against `nightshift dev` (a real engine on Postgres):
 * each item of issue 15 — ids that differ where they differ, phones, the dark theme, pages that update
 * while open, finding an execution, acting on many, starting from the parameters' form, cron schedules,
 * signing in once per browser — runs at every project: a 1400 px desktop, a 390 px phone, and the
 * desktop in the dark. At each, the item's controls are checked to be on the screen, the page not to
 * overflow sideways, and the theme to be the one asked for. Every page is also checked with axe-core
 * (no serious or critical violation, colour contrast included) in both themes at both widths, where
 * the main pages are saved as screenshots into docs/screenshots/ (the README shows them).
 *
 * One engine and one browser for the file; one browser context per project, signed in once.
 */
import { describe, it, before, after } from 'node:test';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { browserMissing } from '../support/browser.ts';
import { startDashboardDev, type DashboardDev } from '../support/dashboard-dev.ts';
import { everyLook, projects, signedInContext, type Project } from '../support/dashboard-projects.ts';
import { lookItems, sweep } from './dashboard-daily/look.ts';
import { actItems } from './dashboard-daily/act.ts';
import type { Seed } from './dashboard-daily/item.ts';

const skip = browserMissing();
const fixture = join(import.meta.dirname, 'dashboard-project');

let dev: DashboardDev;
const seed = {} as Seed;

async function seedData(): Promise<void> {
  const { api } = dev;
  const started = await Promise.all(Array.from({ length: 6 }, (_, i) => api('POST', '/v1/workflows/welcome/executions', { email: `u${i}@example.com` })));
  seed.six = started.map((r) => r.body.executionId as string);
  seed.orders = (await api('POST', '/v1/workflows/orders/executions?wait=30', { items: [{ sku: 'pen', qty: 2 }, { sku: 'paper', qty: 500 }] })).body.executionId;
  seed.reminder = (await api('POST', '/v1/workflows/reminder/executions', { user: 'ada' })).body.executionId;
  await api('POST', '/v1/workflows/orders/schedule', { delaySeconds: 3600, input: { items: [], note: 'later' } });
  seed.batch = (await api('POST', '/v1/workflows/orders/schedule', { items: [{ items: [] }, { items: [] }], intervalSeconds: 600, startAt: new Date(Date.now() + 7_200_000).toISOString() })).body.batchId;
  await api('POST', '/v1/schedules', { workflow: 'reminder', key: 'weekly-digest', cron: '0 9 * * MON', timezone: 'Europe/Paris' });
  // One execution to find by its name, its idempotency key and a field of its output (a Pass: output = input).
  const found = await fetch(`${dev.base}/v1/workflows/signup/executions?name=found-by-name&wait=30`, {
    method: 'POST',
    headers: { authorization: `Bearer ${dev.adminKey}`, 'content-type': 'application/json', 'idempotency-key': 'found-by-key' },
    body: JSON.stringify({ email: 'found@example.com', plan: 'team', seats: 7 }),
  });
  seed.found = ((await found.json()) as { executionId: string }).executionId;
}

// Two projects at a time (each in its own browser context, making its own names and keys): much of a
// project's time is spent waiting for polls and for the server, not for the CPU.
describe('the dashboard for daily use, in a real browser', { skip, concurrency: 2 }, () => {
  before(async () => {
    // welcome's table trigger needs its table, or the workflow is not deployed.
    dev = await startDashboardDev(fixture, (db) => db.sql`create table public.signups (id serial primary key, email text)`.then(() => undefined));
    await seedData();
  });

  after(async () => {
    await dev?.stop();
  });

  for (const project of everyLook) {
    // Its items one after the other: the theme item stores a choice in the context for a moment.
    describe(`at ${project.name}`, { concurrency: 1 }, () => {
      let context: BrowserContext;
      const run = { project } as { project: Project; dev: DashboardDev; context: BrowserContext; seed: Seed };

      before(async () => {
        context = await signedInContext(dev, project, { permissions: ['clipboard-read', 'clipboard-write'] });
        Object.assign(run, { dev, context, seed });
      });

      after(async () => {
        await context?.close();
      });

      if (projects.includes(project)) {
        for (const item of [...lookItems, ...actItems]) it(item.name, () => item.run(run));
      }
      it(sweep.name, () => sweep.run(run));
    });
  }
});
