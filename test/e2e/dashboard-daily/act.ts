/**
 * Finding executions, acting on many, and cron schedules, at each project; starting and signing in
 * are in start.ts and sign-in.ts.
 */
import assert from 'node:assert/strict';
import { assertFits, assertReachable, seriousViolations } from '../../support/dashboard-projects.ts';
import { signInItem } from './sign-in.ts';
import { startItems } from './start.ts';
import { withPage, type Item } from './item.ts';

const find: Item = {
  name: 'finds an execution by a field of its input or output, by workflow and status, by start time, by name and by idempotency key',
  async run(t) {
    await withPage(t, '/dashboard/executions', '[data-testid="executions"]', async (page) => {
      const field = page.getByLabel('Input or output field');
      const search = page.getByRole('button', { name: 'Search' });
      const only = async (id: string, what: string) => {
        await page.locator(`tr[data-execution="${id}"]`).waitFor();
        await page.waitForFunction(() => document.querySelectorAll('tr[data-execution]').length === 1, undefined, { timeout: 10_000 })
          .catch(() => assert.fail(`${what}: more than one execution is shown`));
      };
      await assertReachable(field, 'the field filter');
      await field.fill('email = "u2@example.com"');
      await assertReachable(search, 'the Search button');
      await search.click();
      await page.waitForURL(/field=/);
      await only(t.seed.six[2], 'input.email');
      await field.fill('output.seats = 7');
      await search.click();
      await only(t.seed.found, 'output.seats');
      await field.fill('');
      await page.getByLabel('Workflow', { exact: true }).selectOption('signup');
      await page.getByLabel('Status', { exact: true }).selectOption('SUCCEEDED');
      await page.getByLabel('Name', { exact: true }).fill('found-by-name');
      await search.click();
      await only(t.seed.found, 'workflow, status and name');
      await page.getByLabel('Name', { exact: true }).fill('');
      await page.getByLabel('Idempotency key').fill('found-by-key');
      await search.click();
      await only(t.seed.found, 'idempotency key');
      await page.getByLabel('Idempotency key').fill('');
      await page.getByLabel('Started after').fill('2099-01-01T00:00');
      await search.click();
      await page.getByText('No execution matches.').waitFor();
      await assertFits(page, 'executions searched');
    });
  },
};

const stopAndRedrive: Item = {
  name: 'stops chosen executions together, then redrives them on their version, saying what that means',
  async run(t) {
    const started = await Promise.all([1, 2].map((n) => t.dev.api('POST', '/v1/workflows/reminder/executions', { user: `bulk-${t.project.slug}-${n}` })));
    const chosen = started.map((r) => r.body.executionId as string);
    await withPage(t, '/dashboard/executions?workflow=reminder', '[data-testid="executions"]', async (page) => {
      const check = async () => {
        for (const id of chosen) await page.locator(`tr[data-execution="${id}"] input[type="checkbox"]`).check();
      };
      await check();
      const bar = page.getByTestId('bulk-actions');
      await assertReachable(bar.getByRole('button', { name: 'Stop 2 running' }), 'Stop');
      await bar.getByRole('button', { name: 'Stop 2 running' }).click();
      await bar.getByRole('button', { name: 'Confirm: stop 2' }).click();
      await page.getByText('2 stopped.').waitFor();
      for (const id of chosen) assert.equal((await t.dev.api('GET', `/v1/executions/${id}`)).body.status, 'ABORTED');
      for (const id of chosen) await page.locator(`tr[data-execution="${id}"] [data-status="ABORTED"]`).waitFor();
      await check();
      await assertReachable(bar.getByText('on the workflow version it started on'), 'the explanation of redrive');
      const redrive = page.getByRole('button', { name: 'Redrive 2 on their version' });
      await assertReachable(redrive, 'Redrive');
      await redrive.click();
      await page.getByText('2 redriven.').waitFor();
      for (const id of chosen) assert.equal((await t.dev.api('GET', `/v1/executions/${id}`)).body.redriveCount, 1);
      await assertFits(page, 'executions');
    });
  },
};

const cancelMany: Item = {
  name: 'cancels the chosen scheduled runs together',
  async run(t) {
    const runs = await Promise.all([1, 2].map((n) => t.dev.api('POST', '/v1/workflows/welcome/schedule', { delaySeconds: 7200, input: { email: `later-${t.project.slug}-${n}@example.com` } })));
    const ids = runs.map((r) => r.body.scheduledRunId as string);
    await withPage(t, '/dashboard/scheduler?workflow=welcome', '[data-testid="scheduled"]', async (page) => {
      for (const id of ids) {
        const box = page.locator(`tr[data-scheduled="${id}"] input[type="checkbox"]`);
        await assertReachable(box, 'a run\'s checkbox');
        await box.check();
      }
      const cancel = page.getByRole('button', { name: 'Cancel 2 chosen' });
      await assertReachable(cancel, 'Cancel the chosen');
      await cancel.click();
      await page.getByRole('button', { name: 'Confirm: cancel 2' }).click();
      await page.getByText('2 scheduled runs cancelled.').waitFor();
      for (const id of ids) assert.equal((await t.dev.api('GET', `/v1/scheduled/${id}`)).body.status, 'CANCELLED');
      await assertFits(page, 'scheduler');
    });
  },
};

const schedules: Item = {
  name: 'creates a cron schedule and edits it, showing the next five fires in its timezone before saving',
  async run(t) {
    const key = `nightly-${t.project.slug}`;
    await withPage(t, '/dashboard/schedules', 'tr[data-schedule]', async (page) => {
      await page.getByRole('button', { name: 'New schedule' }).click();
      const form = page.getByRole('form', { name: 'New schedule' });
      await form.getByLabel('Workflow', { exact: true }).selectOption('reminder');
      await form.getByLabel('Key', { exact: false }).first().fill(key);
      await form.getByLabel('Cron expression').fill('30 2 * * *');
      await form.getByLabel('Timezone').fill('America/New_York');
      const preview = page.getByTestId('schedule-preview');
      await preview.getByText('(America/New_York)').waitFor();
      await assertReachable(preview.locator('li').last(), 'the fifth fire');
      assert.equal(await preview.locator('li').count(), 5);
      for (const text of await preview.locator('li').allTextContents()) assert.match(text, /02:30$/);
      assert.deepEqual(await seriousViolations(page), [], 'the new schedule form');
      await assertFits(page, 'the new schedule form');
      const create = form.getByRole('button', { name: 'Create the schedule' });
      await assertReachable(create, 'Create the schedule');
      await create.click();
      const row = page.locator('tr[data-schedule]').filter({ hasText: key });
      await row.waitFor();
      const saved = (await t.dev.api('GET', `/v1/schedules?key=${key}`)).body.items[0];
      assert.deepEqual([saved.cron, saved.timezone], ['30 2 * * *', 'America/New_York']);

      await assertReachable(row.getByRole('button', { name: 'Edit' }), 'Edit');
      await row.getByRole('button', { name: 'Edit' }).click();
      const edit = page.getByRole('form', { name: 'Edit the schedule' });
      await edit.getByLabel('Cron expression').fill('0 6 * * 1-5');
      await preview.locator('li', { hasText: '06:00' }).first().waitFor();
      for (const text of await preview.locator('li').allTextContents()) assert.match(text, /^(Mon|Tue|Wed|Thu|Fri), .* 06:00$/);
      await edit.getByLabel('Cron expression').fill('61 * * * *');
      await preview.getByText('is invalid').waitFor();
      await edit.getByLabel('Cron expression').fill('0 6 * * 1-5');
      await preview.locator('li').first().waitFor();
      await assertReachable(edit.getByRole('button', { name: 'Save the schedule' }), 'Save the schedule');
      await edit.getByRole('button', { name: 'Save the schedule' }).click();
      await edit.waitFor({ state: 'detached' });
      assert.equal((await t.dev.api('GET', `/v1/schedules/${saved.scheduleId}`)).body.cron, '0 6 * * 1-5');
    });
  },
};

export const actItems: Item[] = [find, stopAndRedrive, cancelMany, ...startItems, schedules, signInItem];
