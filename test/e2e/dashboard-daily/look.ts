/**
 * How the dashboard looks at each project: ids that differ, the layout on a phone, the theme, every
 * page's accessibility and width (with the README's screenshots).
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { assertFits, assertReachable, assertTheme, isDark, seriousViolations } from '../../support/dashboard-projects.ts';
import { liveItem } from './live.ts';
import { withPage, type Item, type ItemRun } from './item.ts';

// The README's screenshots are refreshed with UPDATE_SCREENSHOTS=1; otherwise they go to a temporary
// folder, so a test run leaves the checkout as it was.
const screenshots = process.env.UPDATE_SCREENSHOTS === '1'
  ? resolve(import.meta.dirname, '..', '..', '..', 'docs', 'screenshots')
  : mkdtempSync(join(tmpdir(), 'nightshift-screenshots-'));

/** The execution's graph is drawn: its nodes and the transitions it took. */
export async function graphDrawn(page: Page): Promise<void> {
  const graph = page.getByTestId('workflow-graph');
  await graph.locator('.react-flow__node[data-id="state:Prepare"]').waitFor({ state: 'attached' });
  await graph.locator('.react-flow__edge.taken').nth(4).waitFor({ state: 'attached' });
}

/** The ids shown in `cells` (elements with the whole id as data-id) differ wherever the ids do. */
async function assertIdsDiffer(cells: ReturnType<Page['locator']>, what: string, atLeast: number): Promise<void> {
  await cells.first().waitFor();
  const pairs = await cells.evaluateAll((els) => els.map((e) => [e.getAttribute('data-id'), e.textContent]));
  const whole = new Set(pairs.map(([id]) => id));
  const shown = new Set(pairs.map(([, text]) => text));
  assert.ok(whole.size >= atLeast, `${what}: at least ${atLeast} ids`);
  assert.equal(shown.size, whole.size, `${what}: ${[...shown].join(' ')}`);
}

const ids: Item = {
  name: 'shows ids made together so that they differ, in the executions list and the Scheduler, and copies the whole id',
  async run(t) {
    assert.equal(new Set(t.seed.six.map((id) => id.slice(0, 8))).size, 1, 'the six ids share their first 8 characters');
    await withPage(t, '/dashboard/executions?workflow=welcome', '[data-testid="executions"]', async (page) => {
      const shown = await Promise.all(t.seed.six.map((id) => page.locator(`tr[data-execution="${id}"] .id`).first().textContent()));
      assert.equal(new Set(shown).size, 6, shown.join(' '));
      const copy = page.locator(`tr[data-execution="${t.seed.six[3]}"]`).getByRole('button', { name: `Copy ${t.seed.six[3]}` });
      await assertReachable(copy, 'the copy button');
      await copy.click();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), t.seed.six[3]);
      await assertFits(page, 'executions');
    });
    await withPage(t, '/dashboard/scheduler', '[data-testid="scheduled"]', async (page) => {
      await assertIdsDiffer(page.getByTestId('scheduled').locator('.id'), 'the Scheduler', 2);
      await assertFits(page, 'scheduler');
    });
  },
};

const screen: Item = {
  name: 'folds the navigation into a menu on a phone only, pans the graph, tells the branch threads apart, and follows the system theme (graph and code blocks included), remembering the toggle',
  async run(t) {
    await withPage(t, `/dashboard/executions/${t.seed.orders}`, undefined, async (page) => {
      try {
        await navigation(t, page);
        await graphDrawn(page);
        await panGraph(page);
        await assertIdsDiffer(page.getByTestId('history').locator('.id'), 'the branch threads', 2);
        await assertFits(page, 'execution');
        await themes(t, page);
      } finally {
        // The context is shared by the project's other items: back to following the system.
        await page.evaluate(() => localStorage.removeItem('nightshift.theme'));
      }
    });
  },
};

/** On a phone the sections are behind the Menu button, and choosing one folds them again; on a desktop they are shown. */
async function navigation(t: ItemRun, page: Page): Promise<void> {
  const nav = page.getByRole('navigation', { name: 'Sections' });
  const menu = page.getByRole('button', { name: 'Menu' });
  if (!t.project.phone) {
    assert.equal(await menu.isVisible(), false, 'no menu button on a wide screen');
    await assertReachable(nav.getByRole('link', { name: 'Scheduler' }), 'the navigation');
    return;
  }
  assert.equal(await nav.isVisible(), false, 'the navigation is folded away');
  await assertReachable(menu, 'the menu button');
  await menu.click();
  await assertReachable(nav.getByRole('link', { name: 'API keys' }), 'the last section');
  await nav.getByRole('link', { name: 'Scheduler' }).click();
  await page.getByRole('heading', { name: 'Scheduler' }).waitFor();
  assert.equal(await nav.isVisible(), false, 'choosing a page folds the menu again');
  await page.goBack();
}

async function panGraph(page: Page): Promise<void> {
  const viewport = page.getByTestId('workflow-graph').locator('.react-flow__viewport');
  const before = await viewport.getAttribute('style');
  const pane = (await page.getByTestId('workflow-graph').locator('.react-flow__pane').boundingBox())!;
  await page.mouse.move(pane.x + pane.width / 2, pane.y + 40);
  await page.mouse.down();
  await page.mouse.move(pane.x + pane.width / 2 - 80, pane.y + 120, { steps: 8 });
  await page.mouse.up();
  assert.notEqual(await viewport.getAttribute('style'), before, 'the graph moved');
}

/** The project's theme on the page, the graph and code blocks; the toggle shows the other, which a reload keeps. */
async function themes(t: ItemRun, page: Page): Promise<void> {
  const other = t.project.theme === 'dark' ? 'light' : 'dark';
  await assertTheme(page, t.project.theme);
  for (const selector of ['.card', '.graph', '.gnode', '.json pre']) {
    assert.equal(await isDark(page.locator(selector)), t.project.theme === 'dark', `${selector} is ${t.project.theme}`);
  }
  const toggle = page.getByRole('button', { name: `Use the ${other} theme` });
  await assertReachable(toggle, 'the theme toggle');
  await toggle.click();
  await assertTheme(page, other);
  await page.reload();
  await page.getByRole('button', { name: `Use the ${t.project.theme} theme` }).waitFor();
  await assertTheme(page, other);
  assert.equal(await page.evaluate(() => localStorage.getItem('nightshift.theme')), other);
}

export const lookItems: Item[] = [ids, screen, liveItem];

/** The main pages, each with what shows it is drawn; `shot` ones are saved as screenshots. */
function mainPages(t: ItemRun): Array<{ name: string; path: string; ready: string; shot?: boolean }> {
  return [
    { name: 'workflows', path: '/dashboard/workflows', ready: 'a[href$="/workflows/orders"]' },
    { name: 'workflow', path: '/dashboard/workflows/orders', ready: '.react-flow__edge', shot: true },
    { name: 'executions', path: '/dashboard/executions', ready: '[data-testid="executions"]', shot: true },
    { name: 'execution', path: `/dashboard/executions/${t.seed.orders}`, ready: '.react-flow__edge.taken', shot: true },
    { name: 'scheduler', path: `/dashboard/scheduler?batchId=${t.seed.batch}`, ready: '[data-testid="scheduled"]', shot: true },
    { name: 'schedules', path: '/dashboard/schedules', ready: 'tr[data-schedule]' },
    { name: 'table triggers', path: '/dashboard/table-triggers', ready: '[data-testid="table-triggers"]' },
    { name: 'keys', path: '/dashboard/keys', ready: '[data-testid="keys"]' },
  ];
}

export const sweep: Item = {
  name: 'has no serious or critical accessibility violations on any page, keeps each within the screen, and saves the main ones as screenshots',
  async run(t) {
    const found: string[] = [];
    const label = `${t.project.phone ? 'phone' : 'desktop'}-${t.project.theme}`;
    await withPage(t, '/dashboard/workflows', undefined, async (page) => {
      for (const { name, path, ready, shot } of mainPages(t)) {
        await page.goto(t.dev.base + path);
        await page.locator(ready).first().waitFor({ state: 'attached', timeout: 30_000 });
        await assertTheme(page, t.project.theme);
        await assertFits(page, name);
        for (const v of await seriousViolations(page)) found.push(`${name}: ${v}`);
        if (shot) await page.screenshot({ path: join(screenshots, `${name}-${label}.png`) });
      }
    });
    assert.deepEqual(found, []);
  },
};
