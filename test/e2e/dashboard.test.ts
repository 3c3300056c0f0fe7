/**
 * The dashboard in a real browser against the real command: `nightshift dev` in a child process on a
 * test database serves the API and the built dashboard; the link it prints signs in. Executions (one
 * through a Map and a Choice, one failing, one sleeping in a Wait), scheduled runs, a cron schedule and
 * a table trigger are made over HTTP, then looked at and acted on through the dashboard, and what it
 * did is checked through the API.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { browserMissing } from '../support/browser.ts';
import { startDashboardDev, type DashboardDev } from '../support/dashboard-dev.ts';

const skip = browserMissing();
/** The project `nightshift dev` serves: a Map with a Choice, a failing Task, a Wait, a table trigger. */
const fixture = join(import.meta.dirname, 'dashboard-project');

let dev: DashboardDev;
let base = '';
let adminKey = '';
let browser: Browser;
const ids: Record<string, string> = {};
const api: DashboardDev['api'] = (...args) => dev.api(...args);

async function seed(): Promise<void> {
  const start = (workflow: string, input: unknown, wait = '?wait=10') => api('POST', `/v1/workflows/${workflow}/executions${wait}`, input);
  ids.orders = (await start('orders', { items: [{ sku: 'pen', qty: 2 }, { sku: 'paper', qty: 500 }] })).body.executionId;
  ids.charge = (await start('charge', { amount: 42 })).body.executionId;
  ids.reminder = (await start('reminder', { user: 'ada' }, '')).body.executionId;
  ids.daily = (await start('daily', { users: [{ email: 'ada@example.com' }, { email: 'bob@example.com' }] }, '')).body.executionId;
  ids.run = (await api('POST', '/v1/workflows/orders/schedule', { delaySeconds: 3600, input: { items: [], note: 'to cancel' } })).body.scheduledRunId;
  ids.batch = (await api('POST', '/v1/workflows/orders/schedule', { items: [{ items: [] }, { items: [] }], intervalSeconds: 600, startAt: new Date(Date.now() + 7_200_000).toISOString() })).body.batchId;
  const schedule = await api('POST', '/v1/schedules', { workflow: 'reminder', key: 'weekly-digest', cron: '0 9 * * MON', timezone: 'Europe/Paris' });
  assert.equal(schedule.status, 201, JSON.stringify(schedule.body));
  ids.schedule = schedule.body.scheduleId;
}

/** A new page, signed in through the link (each test starts from a fresh tab). */
async function signedIn(path = '/dashboard/'): Promise<Page> {
  return dev.signedIn(path);
}

describe('the dashboard, in a real browser', { skip }, () => {
  before(async () => {
    dev = await startDashboardDev(fixture, (db) => db.sql`create table public.signups (id serial primary key, email text)`.then(() => undefined));
    ({ base, adminKey, browser } = dev);
    await seed();
  });

  after(async () => {
    await dev?.stop();
  });

  it('is served without a key, answers every page of the app with it, and caches its hashed assets for good', async () => {
    const page = await fetch(`${base}/dashboard/executions/anything`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="root">/);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    const asset = /src="(\/dashboard\/assets\/[^"]+\.js)"/.exec(await (await fetch(`${base}/dashboard/`)).text())?.[1];
    const script = await fetch(`${base}${asset}`);
    assert.equal(script.status, 200);
    assert.match(script.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await fetch(`${base}/v1/workflows`)).status, 401, 'the data still needs a key');
  });

  it('refuses a made-up key and a key without the admin scope, saying why', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/dashboard/`);
    await page.getByLabel('API key').fill(`ns_000000000000_${'A'.repeat(43)}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'This key was refused' }).waitFor();
    const reader = await api('POST', '/v1/keys', { name: 'reader', role: 'authenticated', scopes: ['read'] });
    await page.getByLabel('API key').fill(reader.body.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'is not an admin key (its scopes: read)' }).waitFor();
    await page.close();
  });

  it('signs in with a pasted admin key, and from the link nightshift dev prints, which leaves the address bar', async () => {
    const pasted = await browser.newPage();
    await pasted.goto(`${base}/dashboard/`);
    await pasted.getByLabel('API key').fill(adminKey);
    await pasted.getByRole('button', { name: 'Sign in' }).click();
    await pasted.getByRole('heading', { name: 'Workflows' }).waitFor();
    await pasted.close();
    const linked = await signedIn();
    await linked.getByRole('heading', { name: 'Workflows' }).waitFor();
    assert.ok(!linked.url().includes('key='), `the key left the address bar: ${linked.url()}`);
    await linked.close();
  });

  it('lists the workflows and draws one as a graph, a node per state and the Map holding its processor', async () => {
    const page = await signedIn('/dashboard/workflows');
    for (const name of ['orders', 'charge', 'reminder', 'welcome']) await page.getByRole('link', { name, exact: true }).waitFor();
    await page.getByRole('link', { name: 'orders', exact: true }).click();
    const graph = page.getByTestId('workflow-graph');
    for (const state of ['Prepare', 'EachItem', 'CheckQuantity', 'Bulk', 'Single', 'Report', 'Done']) {
      await graph.locator(`.react-flow__node[data-id="state:${state}"]`).waitFor();
    }
    const map = (await graph.locator('.react-flow__node[data-id="state:EachItem"]').boundingBox())!;
    for (const inner of ['CheckQuantity', 'Bulk', 'Single']) {
      const box = (await graph.locator(`.react-flow__node[data-id="state:${inner}"]`).boundingBox())!;
      assert.ok(box.x > map.x && box.y > map.y && box.x + box.width < map.x + map.width && box.y + box.height < map.y + map.height, `${inner} is drawn inside the Map`);
    }
    await page.getByRole('tab', { name: 'Settings' }).click();
    assert.equal(await page.getByTestId('ignore-privacy-rules').textContent(), 'false');
    await page.goto(`${base}/dashboard/workflows/charge`);
    await page.getByText('ignores privacy rules').waitFor();
    await page.close();
  });

  it('starts an execution from the page of its workflow, refusing input that is not JSON, and opens it', async () => {
    const page = await signedIn('/dashboard/workflows/welcome');
    await page.getByRole('button', { name: 'Start execution' }).click();
    await page.getByLabel('Input (JSON)').fill('{"email": ');
    await page.getByRole('button', { name: 'Start execution' }).click();
    await page.getByRole('alert').filter({ hasText: 'The input is not JSON' }).waitFor();
    await page.getByLabel('Input (JSON)').fill('{"email": "ada@example.com"}');
    await page.getByRole('button', { name: 'Start execution' }).click();
    await page.waitForURL(/\/dashboard\/executions\/[0-9a-f-]{36}$/);
    await page.locator('[data-status="SUCCEEDED"]').first().waitFor();
    const id = page.url().split('/').pop()!;
    assert.deepEqual((await api('GET', `/v1/executions/${id}`)).body.input, { email: 'ada@example.com' });
    await page.close();
  });

  it('shows the path an execution took, and the input and output of a state clicked in the graph', async () => {
    const page = await signedIn(`/dashboard/executions/${ids.orders}`);
    await page.locator('[data-status="SUCCEEDED"]').first().waitFor();
    const path = page.getByTestId('path-taken');
    await path.getByText('EachItem').waitFor();
    assert.deepEqual((await path.locator('li').allTextContents()).map((t) => t.split(' ·')[0]), ['Prepare', 'EachItem', 'Report', 'Done']);
    const graph = page.getByTestId('workflow-graph');
    for (const state of ['Prepare', 'CheckQuantity', 'Bulk', 'Single', 'Done']) {
      assert.equal(await graph.locator(`[data-state="${state}"]`).getAttribute('data-status'), 'succeeded', state);
    }
    // The history may come after the graph is drawn: wait for the fifth taken edge rather than count at once.
    await graph.locator('.react-flow__edge.taken').nth(4).waitFor({ state: 'attached', timeout: 5_000 });
    await graph.locator('[data-state="Bulk"]').click();
    const panel = page.getByTestId('state-panel');
    await panel.getByText('Bulk').first().waitFor();
    assert.match(await panel.locator('.json[data-label="Input"] pre').textContent() ?? '', /"sku": "paper"/);
    assert.equal((await panel.locator('.json[data-label="Output"] pre').textContent())?.trim(), '"bulk"');
    await page.getByTestId('progress').waitFor();
    await page.close();
  });

  it('shows where a failed execution failed, with its error, and offers to redrive it', async () => {
    const page = await signedIn(`/dashboard/executions/${ids.charge}`);
    await page.getByTestId('execution-error').waitFor();
    await page.getByTestId('workflow-graph').locator('[data-state="Charge"][data-status="failed"]').waitFor();
    await page.getByTestId('state-panel').locator('.failure').waitFor();
    await page.getByRole('button', { name: 'Redrive' }).waitFor();
    await page.close();
  });

  it('lists the executions by status, and stops the one sleeping in a Wait', async () => {
    const page = await signedIn('/dashboard/executions?status=FAILED');
    await page.locator(`[data-execution="${ids.charge}"]`).waitFor();
    assert.equal(await page.locator(`[data-execution="${ids.orders}"]`).count(), 0);
    await page.goto(`${base}/dashboard/executions/${ids.reminder}`);
    await page.getByTestId('workflow-graph').locator('[data-state="WaitADay"][data-status="active"]').waitFor();
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByRole('button', { name: 'Confirm stop' }).click();
    await page.getByText('The execution was stopped.').waitFor();
    assert.equal((await api('GET', `/v1/executions/${ids.reminder}`)).body.status, 'ABORTED');
    await page.close();
  });

  it('cancels a scheduled run from the Scheduler, and the API then reports it CANCELLED', async () => {
    const page = await signedIn('/dashboard/scheduler');
    const row = page.locator(`tr[data-scheduled="${ids.run}"]`);
    await row.getByRole('button', { name: 'Cancel' }).click();
    await row.getByRole('button', { name: 'Confirm cancel' }).click();
    await page.getByText('The scheduled run was cancelled.').waitFor();
    await row.waitFor({ state: 'detached' });
    assert.equal((await api('GET', `/v1/scheduled/${ids.run}`)).body.status, 'CANCELLED');
    await page.close();
  });

  it("shows each Map item's Wait in the Scheduler with the item's own input and index", async () => {
    const page = await signedIn('/dashboard/scheduler?workflow=daily');
    for (const [index, email] of [[0, 'ada@example.com'], [1, 'bob@example.com']] as const) {
      const row = page.locator('tr[data-kind="wait"]').filter({ hasText: `item ${index} of EmailUsers` });
      await row.waitFor();
      await row.getByText(email).waitFor();
      assert.equal(await row.getByText('"users"').count(), 0, 'not the whole execution input');
    }
    await page.close();
  });

  it('cancels what is left of a batch', async () => {
    const page = await signedIn(`/dashboard/scheduler?batchId=${ids.batch}`);
    await page.getByRole('button', { name: 'Cancel the 2 waiting runs' }).click();
    await page.getByRole('button', { name: 'Confirm: cancel the batch' }).click();
    await page.getByText('2 scheduled runs of the batch cancelled.').waitFor();
    assert.equal((await api('GET', `/v1/batches/${ids.batch}`)).body.cancelled, 2);
    await page.close();
  });

  it('pauses a schedule and resumes it', async () => {
    const page = await signedIn('/dashboard/schedules');
    const row = page.locator(`tr[data-schedule="${ids.schedule}"]`);
    await row.getByRole('button', { name: 'Pause' }).click();
    await row.getByText('paused', { exact: true }).waitFor();
    assert.equal((await api('GET', `/v1/schedules/${ids.schedule}`)).body.paused, true);
    await row.getByRole('button', { name: 'Resume' }).click();
    await row.getByText('active', { exact: true }).waitFor();
    assert.equal((await api('GET', `/v1/schedules/${ids.schedule}`)).body.paused, false);
    await page.close();
  });

  it('lists the table triggers with their table, operations and condition', async () => {
    const page = await signedIn('/dashboard/table-triggers');
    const table = page.getByTestId('table-triggers');
    await table.getByText('public.signups').waitFor();
    await table.getByText('new.email is not null').waitFor();
    await table.getByText('installed').waitFor();
    await page.close();
  });

  it('creates a key and shows its secret once, then revokes it', async () => {
    const page = await signedIn('/dashboard/keys');
    await page.getByRole('button', { name: 'New key' }).click();
    await page.getByLabel('Name').fill('e2e-billing');
    await page.getByLabel('Role').fill('authenticated');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.getByTestId('created-key-value').textContent()) ?? '';
    assert.match(secret, /^ns_[0-9a-f]{12}_/);
    assert.equal((await api('GET', '/v1/identity', undefined, secret)).status, 200, 'the key shown works');
    await page.getByRole('button', { name: 'I have stored it, hide it' }).click();
    assert.equal(await page.getByText(secret).count(), 0, 'shown once');
    const id = (await api<{ items: Array<{ id: string; name: string }> }>('GET', '/v1/keys')).body.items.find((k) => k.name === 'e2e-billing')!.id;
    const row = page.locator(`tr[data-key="${id}"]`);
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Confirm revoke' }).click();
    await row.getByText('revoked', { exact: true }).waitFor();
    assert.equal((await api('GET', '/v1/identity', undefined, secret)).status, 401);
    await page.close();
  });
});
