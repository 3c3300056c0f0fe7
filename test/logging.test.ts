/**
 * Logs as operators read them: JSON lines for serve and worker, one coloured line per record for dev on
 * a terminal, and the level from NIGHTSHIFT_LOG_LEVEL or nightshift.yaml.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger } from '../src/boot/index.ts';
import { loadConfig } from '../src/config/index.ts';
import { EngineError } from '../src/shared/index.ts';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

describe('logs', () => {
  it('writes one JSON object per line with the fields and the message', async () => {
    const out = capture();
    const logger = await createLogger('info', { stream: out.stream });
    logger.warn({ executionId: 'e-1', state: 'Work', error: 'Ops.Broken' }, 'task failed');
    logger.debug({}, 'not at this level');
    await new Promise((r) => setImmediate(r));
    const lines = out.text().trim().split('\n').map((line) => JSON.parse(line));
    assert.equal(lines.length, 1);
    assert.deepEqual({ ...lines[0], time: 0 }, { level: 40, time: 0, executionId: 'e-1', state: 'Work', error: 'Ops.Broken', msg: 'task failed' });
  });

  it('writes one coloured line per record when pretty', async () => {
    const out = capture();
    const logger = await createLogger('debug', { pretty: true, stream: out.stream });
    logger.warn({ executionId: 'e-1', state: 'Work', error: 'Ops.Broken' }, 'task failed');
    logger.debug({ n: 1 }, 'second');
    await new Promise((r) => setTimeout(r, 20));
    const lines = out.text().split('\n').filter(Boolean);
    assert.equal(lines.length, 2, out.text());
    assert.match(lines[0], /\x1b\[\d+m/, 'coloured');
    assert.match(lines[0], /WARN.*task failed.*executionId.*"e-1".*state.*"Work".*error.*"Ops.Broken"/);
    assert.doesNotMatch(lines[0], /^\{/);
  });

  it('takes the level from NIGHTSHIFT_LOG_LEVEL first, then nightshift.yaml, and names the setting of a bad value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nightshift-log-level-'));
    try {
      writeFileSync(join(dir, 'nightshift.yaml'), 'logLevel: debug\n');
      assert.equal(loadConfig({ projectDir: dir, env: {} }).logLevel, 'debug');
      assert.equal(loadConfig({ projectDir: dir, env: { NIGHTSHIFT_LOG_LEVEL: 'error' } }).logLevel, 'error');
      assert.throws(() => loadConfig({ projectDir: dir, env: { NIGHTSHIFT_LOG_LEVEL: 'loud' } }), (error: unknown) => {
        assert.ok(error instanceof EngineError);
        assert.equal(error.code, 'CONFIG_INVALID');
        assert.match(error.message, /NIGHTSHIFT_LOG_LEVEL must be debug, info, warn, error or silent, got "loud"/);
        return true;
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
