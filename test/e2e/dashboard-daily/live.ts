/**
 * Pages that update while open (polling, with a visible "updated" time): new rows come in by
 * themselves, and two polls later the user's chosen rows, selected state and scroll are as they were.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertFits, assertReachable, openPage } from '../../support/dashboard-projects.ts';
import type { Item, ItemRun } from './item.ts';

/** Waits until the page's first "updated" time has changed `times` times (each a poll answered). */
async function polls(page: Page, times: number): Promise<void> {
  for (let i = 0; i < times; i++) {
    const shown = await page.getByTestId('updated').first().textContent();
    await page.waitForFunction((before) => document.querySelector('[data-testid="updated"]')?.textContent !== before, shown, { timeout: 15_000 });
  }
}

/** Scrolls the window (and on a phone the table's own box) and says where they are. */
async function scrollSome(page: Page): Promise<{ y: number; box: number }> {
  return page.evaluate(() => {
    window.scrollTo(0, Math.min(300, document.scrollingElement!.scrollHeight - window.innerHeight));
    const table = document.querySelector('[data-testid="executions"]')!;
    table.scrollLeft = Math.min(120, table.scrollWidth - table.clientWidth);
    return { y: window.scrollY, box: table.scrollLeft };
  });
}

/** The executions list: a new execution shows up; the chosen rows and both scrolls stay through two polls. */
async function executionsList(t: ItemRun): Promise<void> {
  const started = await Promise.all([1, 2].map((n) => t.dev.api('POST', '/v1/workflows/reminder/executions', { user: `chosen-${t.project.slug}-${n}` })));
  const chosen = started.map((r) => r.body.executionId as string);
  const page = await openPage(t.context, t.dev, '/dashboard/executions?workflow=reminder', '[data-testid="executions"]');
  // A short window, so that the list scrolls at the desktop width too.
  await page.setViewportSize({ width: page.viewportSize()!.width, height: 480 });
  for (const id of chosen) {
    const box = page.locator(`tr[data-execution="${id}"] input[type="checkbox"]`);
    await assertReachable(box, 'a row\'s checkbox');
    await box.check();
  }
  const scrolled = await scrollSome(page);
  assert.ok(scrolled.y > 0, 'the list scrolls');
  const added = (await t.dev.api('POST', '/v1/workflows/reminder/executions', { user: `live-${t.project.slug}` })).body.executionId;
  await page.locator(`tr[data-execution="${added}"]`).waitFor({ state: 'attached', timeout: 15_000 });
  // That was one poll; one more.
  await polls(page, 1);
  assert.deepEqual(await page.evaluate(() => ({ y: window.scrollY, box: document.querySelector('[data-testid="executions"]')!.scrollLeft })), scrolled, 'the scroll stays');
  assert.deepEqual(await page.locator('tr.chosen').evaluateAll((els) => els.map((e) => e.getAttribute('data-execution'))).then((c) => c.sort()), [...chosen].sort(), 'the chosen rows stay chosen');
  assert.equal(await page.getByTestId('bulk-actions').locator('strong').textContent(), '2 chosen');
  await assertFits(page, 'executions');
  await page.close();
}

/** A running execution: its graph's selected state and the scroll stay through two polls. */
async function runningExecution(t: ItemRun): Promise<void> {
  const page = await openPage(t.context, t.dev, `/dashboard/executions/${t.seed.reminder}`, '[data-testid="updated"]');
  await page.setViewportSize({ width: page.viewportSize()!.width, height: 500 });
  const state = page.getByTestId('workflow-graph').locator('[data-state="WaitADay"][data-status="active"]');
  await assertReachable(state, 'the active state');
  await state.click();
  const y = await page.evaluate(() => {
    window.scrollTo(0, 400);
    return window.scrollY;
  });
  assert.ok(y > 0, 'the page scrolls');
  await polls(page, 2);
  assert.equal(await page.evaluate(() => window.scrollY), y, 'the scroll stays');
  assert.match(await page.getByTestId('workflow-graph').locator('[data-state="WaitADay"]').getAttribute('class') ?? '', /selected/);
  await page.getByTestId('state-panel').getByText('WaitADay').first().waitFor();
  await page.close();
}

/** The Scheduler: a run scheduled meanwhile shows up. */
async function scheduler(t: ItemRun): Promise<void> {
  const page = await openPage(t.context, t.dev, '/dashboard/scheduler?workflow=charge', '[data-testid="updated"]');
  const run = (await t.dev.api('POST', '/v1/workflows/charge/schedule', { delaySeconds: 600, input: { amount: 1, by: t.project.slug } })).body.scheduledRunId;
  await page.locator(`tr[data-scheduled="${run}"]`).waitFor({ timeout: 15_000 });
  await page.close();
}

export const liveItem: Item = {
  name: 'updates the executions list, a running execution and the Scheduler while open, keeping the chosen rows, the selection and the scroll',
  async run(t) {
    // Side by side: each waits for its own polls.
    await Promise.all([executionsList(t), runningExecution(t), scheduler(t)]);
  },
};
