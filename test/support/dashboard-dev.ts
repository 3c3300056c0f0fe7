/**
 * `nightshift dev` for the dashboard's browser tests: the real command in a child process on a test
 * database, serving the API and the built dashboard, with the sign-in link it prints; and the
 * browser pages signed in through that link.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { launchBrowser } from './browser.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

const root = resolve(import.meta.dirname, '..', '..');

export interface DashboardDev {
  db: TestDatabase;
  base: string;
  signInLink: string;
  adminKey: string;
  browser: Browser;
  /** A call to the API with the admin key (or `key`). */
  api<T = any>(method: string, path: string, body?: unknown, key?: string): Promise<{ status: number; body: T }>;
  /** A new page (its own context when `options` are given), signed in through the link. */
  signedIn(path?: string, options?: BrowserContextOptions): Promise<Page>;
  stop(): Promise<void>;
}

async function startServer(project: string, url: string): Promise<{ server: ChildProcess; link: string; key: string; base: string }> {
  const server = spawn(process.execPath, [join(root, 'bin', 'nightshift'), 'dev', project, '--port', '0'], {
    cwd: root, env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  server.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`nightshift dev printed no sign-in link:\n${out}`)), 30_000);
    server.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const link = /signed in with it: (http:\/\/\S+\/dashboard\/#key=(\S+))/.exec(out);
      const running = /running at (http:\/\/\S+)/.exec(out);
      if (link && running) {
        clearTimeout(timer);
        done({ server, link: link[1], key: link[2], base: running[1] });
      }
    });
  });
}

/** Builds the dashboard when stale, copies `fixture` (nightshift dev keeps its data folder in the project) and starts it all. */
export async function startDashboardDev(fixture: string, prepare?: (db: TestDatabase) => Promise<void>): Promise<DashboardDev> {
  const build = spawnSync(process.execPath, [join(root, 'dashboard', 'build.mjs'), '--if-stale'], { encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  const db = await createTestDatabase();
  await prepare?.(db);
  const project = mkdtempSync(join(tmpdir(), 'nightshift-dashboard-'));
  cpSync(fixture, project, { recursive: true });
  const { server, link, key, base } = await startServer(project, db.url);
  const browser = await launchBrowser();
  const api: DashboardDev['api'] = async (method, path, body, withKey = key) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${withKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const signedIn: DashboardDev['signedIn'] = async (path = '/dashboard/', options) => {
    const page = options ? await (await browser.newContext(options)).newPage() : await browser.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(link.replace('/dashboard/', path));
    await page.getByTestId('identity').waitFor({ state: 'attached' });
    return page;
  };
  const stop = async () => {
    await browser.close();
    const exited = new Promise((done) => server.once('exit', done));
    server.kill('SIGTERM');
    await exited;
    rmSync(project, { recursive: true, force: true });
    await db.drop();
  };
  return { db, base, signInLink: link, adminKey: key, browser, api, signedIn, stop };
}
