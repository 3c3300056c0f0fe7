/**
 * The sizes and themes the dashboard's browser tests run each item at ("projects"), one browser
 * context per project signed in once, and the checks every item makes at each: a control is on the
 * screen and within its width, the page does not overflow sideways, the theme shown is the one asked
 * for, and axe-core finds no serious or critical violation.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import type { DashboardDev } from './dashboard-dev.ts';

export type Theme = 'light' | 'dark';

export interface Project {
  /** As the test names show it: `desktop`, `phone`, `desktop dark`. */
  name: string;
  /** For names and keys made by a test, unique per project. */
  slug: string;
  phone: boolean;
  theme: Theme;
  options: BrowserContextOptions;
}

const desktop: BrowserContextOptions = { viewport: { width: 1400, height: 900 } };
const phone: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

function project(width: 'desktop' | 'phone', theme: Theme): Project {
  const name = theme === 'dark' ? `${width} dark` : width;
  return { name, slug: name.replace(' ', '-'), phone: width === 'phone', theme, options: { ...(width === 'phone' ? phone : desktop), colorScheme: theme } };
}

/** Every item runs at these three. */
export const projects: Project[] = [project('desktop', 'light'), project('phone', 'light'), project('desktop', 'dark')];
/** The pages' accessibility check and screenshots add the phone in the dark. */
export const everyLook: Project[] = [...projects, project('phone', 'dark')];

/** A browser context for the project, signed in once through the link: its pages share the session cookie. */
export async function signedInContext(dev: DashboardDev, p: Project, extra: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await dev.browser.newContext({ ...p.options, ...extra });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  await page.goto(dev.signInLink);
  await page.getByTestId('identity').waitFor({ state: 'attached' });
  await page.close();
  return context;
}

/** A new page of the context at `path`, once `ready` (a selector) is there. */
export async function openPage(context: BrowserContext, dev: DashboardDev, path: string, ready?: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(dev.base + path);
  await page.getByTestId('identity').waitFor({ state: 'attached' });
  if (ready) await page.locator(ready).first().waitFor({ state: 'attached', timeout: 30_000 });
  return page;
}

/** Nothing is wider than the screen: only the graph and the tables scroll sideways, inside their box. */
export async function assertFits(page: Page, what: string): Promise<void> {
  const overflow = await page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what}: the page is ${overflow} px wider than the screen`);
}

/** The control is shown, and once scrolled to it lies within the screen's width (not cut off, not behind a scroll box). */
export async function assertReachable(control: Locator, what: string): Promise<void> {
  await control.scrollIntoViewIfNeeded();
  assert.ok(await control.isVisible(), `${what} is visible`);
  const box = await control.boundingBox();
  const width = await control.page().evaluate(() => window.innerWidth);
  assert.ok(box && box.x >= 0 && box.x + box.width <= width && box.width > 0, `${what} lies within the ${width} px screen: ${JSON.stringify(box)}`);
}

/** The page's background is dark in the dark theme and light in the light one. */
export async function assertTheme(page: Page, theme: Theme): Promise<void> {
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), theme);
  assert.equal(await isDark(page.locator('html')), theme === 'dark', `the background is ${theme}`);
}

/** Whether the element's background colour is dark (mean of its channels below 80 of 255). */
export async function isDark(element: Locator): Promise<boolean> {
  return element.first().evaluate((el) => {
    const [r, g, b] = getComputedStyle(el).backgroundColor.match(/\d+/g)!.map(Number);
    return (r + g + b) / 3 < 80;
  });
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page (colour contrast included), as `rule: target` lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return result.violations as Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }>;
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}
