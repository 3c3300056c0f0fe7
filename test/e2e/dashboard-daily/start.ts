/**
 * Starting from the form the workflow's `parameters` make: now (with a wait and an idempotency key),
 * at a time, after a delay, and a pasted JSON or CSV list whose batch is then shown making progress.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { assertFits, assertReachable, seriousViolations } from '../../support/dashboard-projects.ts';
import { withPage, type Item } from './item.ts';

async function openStartForm(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Start execution' }).click();
  await page.getByTestId('parameter-fields').waitFor();
}

const startNow: Item = {
  name: 'starts an execution from a form made of the parameters, with an idempotency key and a wait',
  async run(t) {
    const key = `signup-${t.project.slug}`;
    await withPage(t, '/dashboard/workflows/signup', undefined, async (page) => {
      await openStartForm(page);
      const fields = page.getByTestId('parameter-fields');
      for (const name of ['email', 'plan', 'seats', 'newsletter']) await assertReachable(fields.getByLabel(name), `the ${name} field`);
      await fields.getByLabel('email').fill('ada@example.com');
      await fields.getByLabel('plan').selectOption('pro');
      await fields.getByLabel('seats').fill('2');
      await page.getByRole('tab', { name: 'JSON' }).click();
      assert.deepEqual(JSON.parse(await page.getByLabel('Input (JSON)').inputValue()), { email: 'ada@example.com', plan: 'pro', seats: 2 });
      await page.getByRole('tab', { name: 'Form' }).click();
      assert.equal(await fields.getByLabel('seats').inputValue(), '2', 'back to the form, the values stay');
      await assertReachable(page.getByLabel('Idempotency key'), 'the idempotency key');
      await page.getByLabel('Idempotency key').fill(key);
      await assertReachable(page.getByLabel('Wait for the end, seconds (0 to 60)'), 'the wait');
      await page.getByLabel('Wait for the end, seconds (0 to 60)').fill('5');
      assert.deepEqual(await seriousViolations(page), [], 'the start form');
      await assertFits(page, 'the start form');
      const submit = page.getByRole('form', { name: 'Start an execution' }).getByRole('button', { name: 'Start execution' });
      await assertReachable(submit, 'Start execution');
      await submit.click();
      await page.waitForURL(/\/dashboard\/executions\/[0-9a-f-]{36}$/);
      const id = page.url().split('/').pop()!;
      await page.locator('[data-status="SUCCEEDED"]').first().waitFor();
      assert.deepEqual((await t.dev.api('GET', `/v1/executions/${id}`)).body.input, { email: 'ada@example.com', plan: 'pro', seats: 2 });
      assert.deepEqual((await t.dev.api('GET', `/v1/executions?idempotencyKey=${key}`)).body.items.map((e: any) => e.executionId), [id]);
    });
  },
};

/** The local time `hours` from now, as a datetime-local field takes it. */
function localInput(page: Page, hours: number): Promise<string> {
  return page.evaluate((h) => {
    const d = new Date(Date.now() + h * 3_600_000);
    // No named function in here: tsx would wrap it in a helper the page does not have.
    const [month, day, hour, minute] = [d.getMonth() + 1, d.getDate(), d.getHours(), d.getMinutes()].map((n) => String(n).padStart(2, '0'));
    return `${d.getFullYear()}-${month}-${day}T${hour}:${minute}`;
  }, hours);
}

/** Fills the form for `email` and schedules it `when` ('at' in three hours, 'after' an hour); checks the run in the Scheduler. */
async function scheduleOne(page: Page, base: string, email: string, when: 'at' | 'after'): Promise<void> {
  await page.goto(`${base}/dashboard/workflows/signup`);
  await openStartForm(page);
  await page.getByTestId('parameter-fields').getByLabel('email').fill(email);
  await page.getByTestId('parameter-fields').getByLabel('plan').selectOption('free');
  if (when === 'at') {
    await page.getByLabel('At a time').check();
    await assertReachable(page.getByLabel('Start at'), 'Start at');
    await page.getByLabel('Start at').fill(await localInput(page, 3));
  } else {
    await page.getByLabel('After a delay').check();
    await assertReachable(page.getByLabel('Start after, seconds'), 'Start after');
    await page.getByLabel('Start after, seconds').fill('3600');
  }
  await assertReachable(page.getByRole('button', { name: 'Schedule the run' }), 'Schedule the run');
  await page.getByRole('button', { name: 'Schedule the run' }).click();
  await page.waitForURL(/\/dashboard\/scheduler\?workflow=signup/);
  await page.locator('tr[data-kind="scheduled-run"]').filter({ hasText: email }).waitFor();
}

/** Pastes `list` and schedules it; answers the batch's id once its page shows. */
async function scheduleList(page: Page, base: string, list: string, interval: string): Promise<string> {
  await page.goto(`${base}/dashboard/workflows/signup`);
  await page.getByRole('button', { name: 'Schedule a list' }).click();
  const text = page.getByLabel('The list: a JSON array of inputs, or CSV with a header row');
  await assertReachable(text, 'the list');
  await text.fill(list);
  await page.getByLabel('Seconds between runs').fill(interval);
  await assertReachable(page.getByRole('button', { name: 'Schedule the list' }), 'Schedule the list');
  assert.deepEqual(await seriousViolations(page), [], 'the list form');
  await page.getByRole('button', { name: 'Schedule the list' }).click();
  await page.waitForURL(/batchId=/);
  return new URL(page.url()).searchParams.get('batchId')!;
}

const scheduleFromForm: Item = {
  name: 'schedules a run at a time and after a delay from the same form, and a pasted JSON or CSV list whose batch it shows making progress',
  async run(t) {
    const s = t.project.slug;
    await withPage(t, '/dashboard/workflows/signup', undefined, async (page) => {
      await scheduleOne(page, t.dev.base, `at-${s}@example.com`, 'at');
      const at = (await t.dev.api('GET', '/v1/scheduled?workflow=signup&limit=200')).body.items.find((i: any) => i.input?.email === `at-${s}@example.com`);
      const hours = (Date.parse(at.dueAt) - Date.now()) / 3_600_000;
      assert.ok(hours > 2.9 && hours < 3.1, `due in three hours, not ${hours}`);
      await scheduleOne(page, t.dev.base, `after-${s}@example.com`, 'after');

      const json = await scheduleList(page, t.dev.base, JSON.stringify([{ email: `j1-${s}@example.com`, plan: 'free' }, { email: `j2-${s}@example.com`, plan: 'pro' }]), '3600');
      assert.equal((await t.dev.api('GET', `/v1/batches/${json}`)).body.total, 2);
      // The first row is due at once: the batch page, open, shows it run and succeed.
      const csv = await scheduleList(page, t.dev.base, `email,plan,seats\nc1-${s}@example.com,free,1\nc2-${s}@example.com,pro,3\n"c3-${s}@example.com",team,`, '600');
      const fact = (label: string) => page.locator('.facts > div').filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');
      assert.equal(await fact('Items').textContent(), '3');
      await page.waitForFunction(() => {
        const dd = [...document.querySelectorAll('.facts > div')].find((d) => d.querySelector('dt')?.textContent === 'Succeeded')?.querySelector('dd');
        return dd?.textContent === '1';
      }, undefined, { timeout: 20_000 });
      assert.equal(await fact('Waiting').textContent(), '2');
      await assertReachable(page.getByTestId('updated').first(), 'the batch\'s updated time');
      const runs = (await t.dev.api('GET', `/v1/scheduled?batchId=${csv}`)).body.items.map((i: any) => i.input);
      assert.deepEqual(runs.find((i: any) => i.email === `c2-${s}@example.com`), { email: `c2-${s}@example.com`, plan: 'pro', seats: 3 });
      await assertFits(page, 'the batch');
    });
  },
};

export const startItems: Item[] = [startNow, scheduleFromForm];
