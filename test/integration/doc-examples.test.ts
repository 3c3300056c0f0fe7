/**
 * The examples of docs/reference/, docs/coming-from/, docs/embedding.md and docs/testing.md, run as written. A page marks what is run with an
 * HTML comment on the line before a fenced block (docs/reference/README.md says how):
 * - `<!-- test: file PATH -->`: the block is written to PATH in the page's project folder; a workflow file
 *   (YAML or JSON under workflows/ or scripts/) must also pass `nightshift validate`;
 * - `<!-- test: sql -->`: the block runs on the page's database (the tables an example needs);
 * - `<!-- test: module PATH -->`: the block is written to PATH and imported (so run; it asserts what it
 *   shows), with `nightshift` resolving to this package; `<!-- test: copy SRC DEST -->` (no block) copies a
 *   file of this repository into the folder;
 * - `<!-- test: run -->` (or `run exit=N`, `run eventually`: tried again for 10 s): every `$ nightshift …`
 *   line runs in-process with that folder as the working directory and must exit 0 (or N); the lines after it, up to the next `$`, must appear in
 *   order in what it printed (`…` stands for anything; the pieces between may come in any order);
 * - `<!-- test: workers -->` (no block): from here on the page's engine runs workers on its database with
 *   the folder's workflows deployed, as `nightshift dev` would (again before each later run block), and
 *   serves the API: `$ curl …` lines then run in a real shell with $URL (the API), $KEY (an admin key acting
 *   as authenticated) and $JWT (a user's token: sub ada, role authenticated, signed with NIGHTSHIFT_JWT_SECRET);
 *   `$ NAME=$(curl …)` (or printf) sets $NAME for later lines (nightshift lines too), and $MAIL is the text of
 *   the last email the SMTP server received. Module blocks then get NIGHTSHIFT_URL and NIGHTSHIFT_KEY.
 * Each page gets a fresh database (DATABASE_URL), a real HTTP server standing at `http://127.0.0.1:8080` and
 * `http://127.0.0.1:54321` (the text is replaced by its real address) and a real SMTP server (SMTP_HOST,
 * SMTP_PORT in the env); NIGHTSHIFT_SECRET_SUPABASE_ANON_KEY is set.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEngine, type Engine } from '../../src/boot/index.ts';
import { main } from '../../src/cli/main.ts';
import { loadConfig } from '../../src/config/index.ts';
import { createApiKey } from '../../src/service/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import type { AddressInfo } from 'node:net';
import { startSmtpPeer, type SmtpPeer } from '../support/smtp-peer.ts';
import { assertPrinted, commandsOf, examplesOf, type Example } from '../support/doc-blocks.ts';

const root = resolve(import.meta.dirname, '../..');
const pageDirs = ['docs/reference', 'docs/coming-from'];
/** Addresses the pages use for a server of the reader's (8080) and Supabase's local Edge Functions (54321). */
const standIns = ['http://127.0.0.1:8080', 'http://127.0.0.1:54321'];

/** Answers every request with JSON of what it got (method, url, body), status 200; `/missing` is a 404. */
async function startStandIn(): Promise<{ server: Server; base: string }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const missing = request.url?.startsWith('/missing') ?? false;
      const body = missing ? 'not found' : JSON.stringify({ method: request.method, url: request.url, body: Buffer.concat(chunks).toString() });
      response.writeHead(missing ? 404 : 200, { 'content-type': missing ? 'text/plain' : 'application/json' }).end(body);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let http: { server: Server; base: string };
const run = promisify(execFile);
const jwtSecret = 'the-doc-test-jwt-secret-of-32-characters-or-more';
let smtp: SmtpPeer;
const saved = { ...process.env };
const cwd = process.cwd();

before(async () => {
  http = await startStandIn();
  smtp = await startSmtpPeer();
});
after(async () => {
  process.chdir(cwd);
  process.env = saved;
  http?.server.closeAllConnections();
  await new Promise((done) => (http ? http.server.close(done) : done(undefined)));
  await smtp?.close();
});

class Page {
  readonly dir = mkdtempSync(join(tmpdir(), 'nightshift-doc-'));
  engine: Engine | null = null;
  /** What `curl` lines see: the served API's URL, an admin key, a user's JWT (sub ada, role authenticated). */
  shellEnv: Record<string, string> = {};
  constructor(readonly file: string, readonly db: TestDatabase) {}

  async run(example: Example): Promise<void> {
    const where = `${this.file}:${example.line}`;
    const body = standIns.reduce((text, address) => text.replaceAll(address, http.base), example.body);
    if (example.kind === 'file') await this.write(example.arg, body, where);
    else if (example.kind === 'sql') await this.db.sql.unsafe(body);
    else if (example.kind === 'workers') await this.startWorkers(where);
    else if (example.kind === 'copy') this.copy(example.arg);
    else if (example.kind === 'module') await this.module(example.arg, body);
    else await this.commands(body, Number(/exit=(\d+)/.exec(example.arg)?.[1] ?? 0), where, example.arg.includes('eventually'));
  }

  private async write(path: string, body: string, where: string): Promise<void> {
    const target = join(this.dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, body);
    if (/^(workflows|scripts)\/.*\.(ya?ml|json)$/.test(path)) {
      const { code, printed } = await this.nightshift(['validate', path]);
      assert.equal(code, 0, `${where}: ${path} is not a valid workflow file:\n${printed}`);
    }
  }

  /** `copy SRC DEST`: a file of this repository (an example's workflow) into the page's folder. */
  private copy(arg: string): void {
    const [source, target] = arg.split(/\s+/);
    mkdirSync(dirname(join(this.dir, target)), { recursive: true });
    copyFileSync(join(root, source), join(this.dir, target));
  }

  /** A TypeScript or JavaScript module, imported (so run) with the folder as working directory; `nightshift` is this package. */
  private async module(path: string, body: string): Promise<void> {
    const target = join(this.dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, body);
    this.install();
    // With workers serving the API, a module reaches it as the CLI does: NIGHTSHIFT_URL and NIGHTSHIFT_KEY.
    const env = process.env;
    if (this.shellEnv.URL) process.env = { ...env, NIGHTSHIFT_URL: this.shellEnv.URL, NIGHTSHIFT_KEY: this.shellEnv.KEY };
    process.chdir(this.dir);
    try {
      await import(pathToFileURL(target).href);
    } finally {
      process.chdir(cwd);
      process.env = env;
    }
  }

  /** node_modules as a user's project has it: `nightshift` (this package) and what it depends on (hono, …). */
  private install(): void {
    const modules = join(this.dir, 'node_modules');
    if (existsSync(modules)) return;
    mkdirSync(modules);
    symlinkSync(root, join(modules, 'nightshift'), 'dir');
    for (const name of readdirSync(join(root, 'node_modules'))) {
      if (!name.startsWith('.')) symlinkSync(join(root, 'node_modules', name), join(modules, name));
    }
  }

  private async startWorkers(where: string): Promise<void> {
    this.engine = await createEngine({ config: loadConfig({ projectDir: this.dir }), workers: true });
    const report = await this.engine.deployWorkflows();
    assert.deepEqual(report.invalid, [], `${where}: a workflow does not deploy`);
    const url = await this.engine.serve({ port: 0, host: '127.0.0.1' });
    const { key } = await createApiKey(this.engine.deps, { role: 'authenticated', scopes: ['admin'] });
    const jwt = await new SignJWT({ sub: 'ada', role: 'authenticated' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('10m')
      .sign(new TextEncoder().encode(jwtSecret));
    this.shellEnv = { URL: url, KEY: key, JWT: jwt };
  }

  /** `eventually`: what workers do in the background (a table trigger's execution) may take a moment: tried for 10 s. */
  private async commands(body: string, exit: number, where: string, eventually: boolean): Promise<void> {
    // Files written since the workers started are deployed, as `dev` does on a change.
    if (this.engine) assert.deepEqual((await this.engine.deployWorkflows()).invalid, [], `${where}: a workflow does not deploy`);
    for (const { argv, command, expected } of commandsOf(body)) {
      const deadline = Date.now() + (eventually ? 10_000 : 0);
      for (;;) {
        try {
          // Inside the try: an assignment that prints nothing yet (an email still on its way) is tried again too.
          const { code, printed } = argv[0] === '=' ? await this.assign(argv[1], command, where)
            : argv[0] !== 'nightshift' ? await this.shell(command) : await this.nightshift(argv.slice(1).map((w) => this.expand(w)));
          assert.equal(code, exit, `${where}: nightshift ${argv.join(' ')} exited ${code}:\n${printed}`);
          assertPrinted(printed, expected, `${where}: nightshift ${argv.join(' ')}`);
          break;
        } catch (e) {
          if (Date.now() > deadline) throw e;
          await new Promise((done) => setTimeout(done, 200));
        }
      }
    }
  }

  /** A curl (or printf) line, run by a real shell and a real curl against the page's served API. */
  async shell(command: string): Promise<{ code: number; printed: string }> {
    const { stdout, stderr } = await this.sh(command);
    return { code: 0, printed: stdout + stderr };
  }

  /** `$ NAME=$(…)`: what the command prints, trimmed, is $NAME for the page's later lines; it must print something. */
  private async assign(name: string, command: string, where: string): Promise<{ code: number; printed: string }> {
    const { stdout, stderr } = await this.sh(command);
    const value = stdout.trim();
    assert.ok(value !== '' && value !== 'null', `${where}: ${name}=$(${command}) printed nothing:\n${stderr}`);
    this.shellEnv[name] = value;
    return { code: 0, printed: '' };
  }

  /** $MAIL: the text of the last email the SMTP server received (what a reader's mail client would show). */
  private sh(command: string): Promise<{ stdout: string; stderr: string }> {
    assert.ok(this.shellEnv.URL, 'curl lines need <!-- test: workers --> before them');
    const mail = smtp.received.at(-1)?.parsed.text ?? '';
    return run('sh', ['-c', command], { cwd: this.dir, env: { ...process.env, ...this.shellEnv, MAIL: mail } });
  }

  /** `$NAME` in a nightshift line: a value a `$ NAME=$(…)` line set. */
  private expand(word: string): string {
    return word.replace(/\$([A-Z][A-Z0-9_]*)/g, (whole, name: string) => this.shellEnv[name] ?? whole);
  }

  async nightshift(argv: string[]): Promise<{ code: number; printed: string }> {
    let printed = '';
    const io = { stdout: (t: string) => void (printed += t), stderr: (t: string) => void (printed += t) };
    process.chdir(this.dir);
    try {
      return { code: await main(argv, io), printed };
    } finally {
      process.chdir(cwd);
    }
  }

  async close(): Promise<void> {
    await this.engine?.stop({ graceMs: 0 });
    await this.db.drop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The library's pages, which the reference points to rather than repeats. */
const libraryPages = ['docs/embedding.md', 'docs/testing.md'];
const pages = [
  ...pageDirs.flatMap((dir) => readdirSync(join(root, dir)).filter((f) => f.endsWith('.md') && f !== 'README.md').sort().map((f) => `${dir}/${f}`)),
  ...libraryPages,
];

describe('the examples of the reference pages', () => {
  it('finds pages with examples in both folders', () => {
    assert.ok(pages.some((p) => p.startsWith('docs/reference/')) && pages.some((p) => p.startsWith('docs/coming-from/')));
  });

  for (const file of pages) {
    it(`runs every marked example of ${file} as written`, async () => {
      const examples = examplesOf(readFileSync(join(root, file), 'utf8'));
      assert.ok(examples.length > 0, `${file} has no tested example`);
      const db = await createTestDatabase();
      process.env = { ...saved, DATABASE_URL: db.url, SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_REQUIRE_TLS: 'false', NIGHTSHIFT_SECRET_SUPABASE_ANON_KEY: 'anon-key-of-the-doc-test', NIGHTSHIFT_JWT_SECRET: jwtSecret };
      const page = new Page(file, db);
      try {
        for (const example of examples) await page.run(example);
      } finally {
        process.env = saved;
        await page.close();
      }
    });
  }
});
