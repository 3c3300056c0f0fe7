/**
 * Traces of a durable execution: a real engine (real Postgres, its own worker) with an in-memory exporter,
 * then once over OTLP/HTTP to a receiver on 127.0.0.1. A start carrying `traceparent` joins the caller's
 * trace; the execution has a root span, one span per state and one per task attempt; `http:invoke` sends
 * the attempt's traceparent on, and an in-code handler sees it in its context.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createEngine, type Engine } from '../../src/boot/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { TaskFailure } from '../../src/resources/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startHttpPeer, type HttpPeer } from '../support/http-peer.ts';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..', '..');
let db: TestDatabase;
let peer: HttpPeer;
let project = '';
const seenByHandler: string[] = [];
let flakyCalls = 0;

const workflow = (peerBase: string) => `name: traced
definition:
  StartAt: Call
  States:
    Call:
      Type: Task
      Resource: http:invoke
      Parameters: { url: "${peerBase}/echo", method: POST, body: { hello: world } }
      ResultPath: null
      Next: Flaky
    Flaky:
      Type: Task
      Resource: ops:flaky
      Retry: [{ ErrorEquals: [Ops.Again], IntervalSeconds: 1, MaxAttempts: 1 }]
      Next: Done
    Done:
      Type: Pass
      End: true
`;

before(async () => {
  db = await createTestDatabase();
  peer = await startHttpPeer();
  project = mkdtempSync(join(tmpdir(), 'nightshift-tracing-'));
  mkdirSync(join(project, 'workflows'));
  writeFileSync(join(project, 'workflows', 'traced.yaml'), workflow(peer.base));
  writeFileSync(join(project, 'workflows', 'gated.yaml'), [
    'name: gated', 'flow:', '  concurrency: { limit: 1 }', 'definition:', '  StartAt: Pause', '  States:', '    Pause: { Type: Wait, Seconds: 1, End: true }', '',
  ].join('\n'));
  // The peer is on loopback, which http:invoke refuses outside local development unless allowed.
  writeFileSync(join(project, 'nightshift.yaml'), 'http:\n  allowPrivateNetworks: true\n');
});
after(async () => {
  await peer?.close();
  await db?.drop();
  rmSync(project, { recursive: true, force: true });
});

async function withEngine<T>(env: Record<string, string>, exporter: InMemorySpanExporter | undefined, body: (engine: Engine, url: string) => Promise<T>): Promise<T> {
  const config = loadConfig({ projectDir: project, env: { DATABASE_URL: db.url, NIGHTSHIFT_AUTH: 'disabled', NIGHTSHIFT_POLL_MS: '200', ...env } });
  const engine = await createEngine({
    config, workers: true, ...(exporter ? { spanExporter: exporter } : {}),
    resources: {
      'ops:flaky': async (_input, context) => {
        seenByHandler.push(context.traceparent ?? '');
        flakyCalls += 1;
        if (flakyCalls % 2 === 1) throw new TaskFailure('Ops.Again', 'first attempts fail');
        return { ok: true };
      },
    },
  });
  try {
    await engine.deployWorkflows();
    return await body(engine, await engine.serve({ port: 0 }));
  } finally {
    await engine.stop();
  }
}

async function start(url: string, headers: Record<string, string>): Promise<{ executionId: string; status: string }> {
  const reply = await fetch(`${url}/v1/workflows/traced/executions?wait=20`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', ...headers } });
  return (await reply.json()) as { executionId: string; status: string };
}

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const byName = (spans: ReadableSpan[], name: string) => spans.filter((s) => s.name === name);

describe('traces', () => {
  it('joins the caller\'s trace: a root span per execution, a span per state and per task attempt, traceparent passed on', async () => {
    const exporter = new InMemorySpanExporter();
    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const { executionId, spans } = await withEngine({}, exporter, async (engine, url) => {
      const view = await start(url, { traceparent: `00-${traceId}-${callerSpan}-01` });
      assert.equal(view.status, 'SUCCEEDED');
      await engine.flushTraces();
      return { executionId: view.executionId, spans: exporter.getFinishedSpans() };
    });
    const mine = spans.filter((s) => s.attributes['nightshift.execution_id'] === executionId);
    assert.ok(mine.every((s) => s.spanContext().traceId === traceId), 'one trace, the caller\'s');
    const [root] = byName(mine, 'execution traced');
    assert.equal(parentOf(root), callerSpan);
    const rootId = root.spanContext().spanId;
    assert.deepEqual(['state Call', 'state Flaky', 'state Done'].map((n) => byName(mine, n).map(parentOf)), [[rootId], [rootId], [rootId]]);
    const [call] = byName(mine, 'task http:invoke');
    assert.equal(parentOf(call), rootId);
    const attempts = byName(mine, 'task ops:flaky').sort((a, b) => Number(a.attributes['nightshift.attempt']) - Number(b.attributes['nightshift.attempt']));
    assert.deepEqual(attempts.map((s) => [s.attributes['nightshift.attempt'], s.status.code, s.attributes['nightshift.error'] ?? null]),
      [[0, 2, 'Ops.Again'], [1, 0, null]]);
    // The flaky state's span lasts from its first attempt to its success, over the 1 s retry interval.
    const [flaky] = byName(mine, 'state Flaky');
    assert.ok(flaky.duration[0] >= 1, `state Flaky lasted ${flaky.duration[0]} s`);

    // Other tests of this file run at the same time and call the peer too: this trace's request.
    const sent = peer.seen.find((r) => String(r.headers.traceparent).includes(traceId))?.headers.traceparent;
    assert.equal(sent, `00-${traceId}-${call.spanContext().spanId}-01`);
    assert.deepEqual(seenByHandler.slice(-2), attempts.map((s) => `00-${traceId}-${s.spanContext().spanId}-01`));
  });

  it('keeps the caller\'s traceparent with a start flow control holds: admitted later, its execution joins the caller\'s trace', async () => {
    const exporter = new InMemorySpanExporter();
    const traceId = randomBytes(16).toString('hex');
    const callerSpan = randomBytes(8).toString('hex');
    const { held, spans } = await withEngine({}, exporter, async (engine, url) => {
      const post = async (headers: Record<string, string>) => (await fetch(`${url}/v1/workflows/gated/executions`, {
        method: 'POST', body: '{}', headers: { 'content-type': 'application/json', ...headers },
      })).json() as Promise<{ executionId: string; waitingReason?: string | null }>;
      await post({});
      const answer = await post({ traceparent: `00-${traceId}-${callerSpan}-01` });
      assert.match(answer.waitingReason ?? '', /concurrency/, 'the second start is held while the first runs');
      const deadline = Date.now() + 20_000;
      for (;;) {
        const view = (await (await fetch(`${url}/v1/executions/${answer.executionId}`)).json()) as { status: string };
        if (view.status === 'SUCCEEDED') break;
        assert.ok(Date.now() < deadline, `the held start did not finish: ${JSON.stringify(view)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      await engine.flushTraces();
      return { held: answer.executionId, spans: exporter.getFinishedSpans() };
    });
    const mine = spans.filter((s) => s.attributes['nightshift.execution_id'] === held);
    const [root] = byName(mine, 'execution gated');
    assert.ok(root, `a root span for the held start: ${mine.map((s) => s.name).join(', ')}`);
    assert.equal(parentOf(root), callerSpan);
    assert.deepEqual([...new Set(mine.map((s) => s.spanContext().traceId))], [traceId]);
    assert.equal(parentOf(byName(mine, 'state Pause')[0]), root.spanContext().spanId);
  });

  it('starts a new trace when the start carries no (or a malformed) traceparent', async () => {
    const exporter = new InMemorySpanExporter();
    const { executionId, spans } = await withEngine({}, exporter, async (engine, url) => {
      const view = await start(url, { traceparent: 'not-a-traceparent' });
      await engine.flushTraces();
      return { executionId: view.executionId, spans: exporter.getFinishedSpans() };
    });
    const mine = spans.filter((s) => s.attributes['nightshift.execution_id'] === executionId);
    const [root] = byName(mine, 'execution traced');
    assert.equal(parentOf(root), undefined);
    assert.equal(new Set(mine.map((s) => s.spanContext().traceId)).size, 1);
    assert.ok(mine.length >= 6);
  });

  it('imports no OpenTelemetry SDK module unless tracing is configured', async () => {
    const imports = async (env: Record<string, string>): Promise<number> => {
      const script = `
        const { loadConfig } = await import('./src/config/index.ts');
        const { createEngine } = await import('./src/boot/index.ts');
        const engine = await createEngine({ config: loadConfig({ projectDir: ${JSON.stringify(project)} }), workers: true });
        await engine.stop();`;
      const { stderr } = await run(process.execPath, ['--import', 'tsx', '--import', './test/support/module-probe.mjs', '--input-type=module', '-e', script], {
        cwd: root, env: { ...process.env, DATABASE_URL: db.url, NIGHTSHIFT_PROBE_MODULE: '@opentelemetry/sdk-trace', ...env },
      });
      return stderr.split('\n').filter((line) => line.startsWith('LOADED ')).length;
    };
    assert.equal(await imports({ OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' }), 0);
    assert.ok(await imports({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' }) > 0, 'the probe sees the SDK when tracing is on');
  });

  it('sends spans over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    const posts: Array<{ path: string; type: string; body: Buffer }> = [];
    const receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        posts.push({ path: request.url ?? '', type: String(request.headers['content-type']), body: Buffer.concat(chunks) });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
      await withEngine({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'nightshift-test' }, undefined, async (engine, url) => {
        assert.equal((await start(url, {})).status, 'SUCCEEDED');
        await engine.flushTraces();
      });
      assert.ok(posts.length >= 1);
      assert.ok(posts.every((p) => p.path === '/v1/traces'), JSON.stringify(posts.map((p) => p.path)));
      const all = Buffer.concat(posts.map((p) => p.body)).toString('latin1');
      for (const text of ['nightshift-test', 'execution traced', 'state Call', 'task http:invoke', 'task ops:flaky']) assert.ok(all.includes(text), text);
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });
});
