/**
 * The address policy per command: `serve`, `worker` and the library (createEngine) refuse loopback and private
 * networks; `dev` (createEngine with localDevelopment) and `execute` (createLocalEngine) reach them; the `http:`
 * section of nightshift.yaml overrides either way and lists what is allowed or denied. A real HTTP server on
 * 127.0.0.1 and a durable engine on a test database.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadWorkflow } from '../../src/asl/index.ts';
import { createEngine, createLocalEngine } from '../../src/boot/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { startExecution, waitForExecution } from '../../src/service/index.ts';
import { EngineError } from '../../src/shared/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startHttpPeer, type HttpPeer } from '../support/http-peer.ts';

describe('the http address policy of each command', () => {
  let peer: HttpPeer;
  let db: TestDatabase;
  const projects: string[] = [];

  before(async () => {
    peer = await startHttpPeer();
    db = await createTestDatabase();
  });
  after(async () => {
    await peer?.close();
    await db?.drop();
    for (const project of projects) rmSync(project, { recursive: true, force: true });
  });

  const definition = () => ({ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: 'http:invoke', Parameters: { url: `${peer.base}/echo` }, End: true } } });

  function project(yaml: string[]): string {
    const dir = mkdtempSync(join(tmpdir(), 'nightshift-http-policy-'));
    projects.push(dir);
    mkdirSync(join(dir, 'workflows'));
    writeFileSync(join(dir, 'nightshift.yaml'), yaml.join('\n'));
    writeFileSync(join(dir, 'workflows', 'call.json'), JSON.stringify({ name: 'call', definition: definition() }));
    return dir;
  }

  async function durable(yaml: string[], localDevelopment?: boolean): Promise<{ status: string; error?: string | null }> {
    const config = loadConfig({ projectDir: project(yaml), env: { DATABASE_URL: db.url, NIGHTSHIFT_POLL_MS: '100' } });
    const engine = await createEngine({ config, localDevelopment });
    try {
      assert.deepEqual((await engine.deployWorkflows()).invalid, []);
      const started = await startExecution(engine.deps, { workflow: 'call', input: {} });
      return await waitForExecution(engine.deps, started.executionId, 15_000);
    } finally {
      await engine.stop();
    }
  }

  async function execute(yaml: string[]): Promise<{ status: string; error?: string }> {
    const local = await createLocalEngine({ config: loadConfig({ projectDir: project(yaml), env: {} }) });
    try {
      const { workflow } = loadWorkflow(JSON.stringify(definition()), 'call.json', { isKnownResource: (r) => local.registry.has(r) });
      return await local.runner.run(workflow!.definition, {}, { workflowName: 'call' });
    } finally {
      local.close();
    }
  }

  it('refuses loopback in serve, worker and the library by default', async () => {
    const ended = await durable([]);
    assert.equal(ended.status, 'FAILED');
    assert.equal(ended.error, 'Http.AddressRefused');
  });

  it('opens loopback to serve when http.allow names it', async () => {
    assert.equal((await durable(['http:', '  allow: [127.0.0.0/8]'])).status, 'SUCCEEDED');
  });

  it('reaches loopback in dev, unless http.allowPrivateNetworks is false', async () => {
    assert.equal((await durable([], true)).status, 'SUCCEEDED');
    assert.equal((await durable(['http:', '  allowPrivateNetworks: false'], true)).error, 'Http.AddressRefused');
  });

  it('reaches loopback in execute, and refuses what http.deny lists', async () => {
    assert.equal((await execute([])).status, 'SUCCEEDED');
    assert.equal((await execute(['http:', '  deny: [127.0.0.1]'])).error, 'Http.AddressRefused');
  });

  it('refuses an http section with unknown keys or entries that are neither host, address nor CIDR', async () => {
    assert.throws(() => loadConfig({ projectDir: project(['http:', '  alow: []']), env: {} }), (e) => e instanceof EngineError && e.code === 'CONFIG_INVALID');
    const config = loadConfig({ projectDir: project(['http:', '  allow: ["10.0.0.0/99"]']), env: {} });
    await assert.rejects(createLocalEngine({ config }), (e) => e instanceof EngineError && e.code === 'CONFIG_INVALID' && /10\.0\.0\.0\/99/.test(e.message));
  });
});
