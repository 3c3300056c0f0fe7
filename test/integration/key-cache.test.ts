/**
 * API keys are kept in memory by prefix for apiKeyTtlMs: a key revoked through this process is refused
 * at once, one revoked by another process once that time has passed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { apiKeyTtlMs, createApiKey, revokeApiKey, verifyApiKey } from '../../src/service/index.ts';
import { connect, type Sql } from '../../src/store/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

let engine: TestEngine;
let other: Sql;

before(async () => {
  engine = await createTestEngine({ concurrency: 0 });
  other = connect(engine.db.url, { max: 1 });
});
after(async () => {
  await other.end();
  await engine.close();
});

describe('the API key cache', () => {
  it('refuses a key revoked through this process at once, though it was just used', async () => {
    const { id, key } = await createApiKey(engine.deps, { role: 'authenticated', scopes: ['read'] });
    await verifyApiKey(engine.deps, key);
    await revokeApiKey(engine.deps, id);
    await assert.rejects(verifyApiKey(engine.deps, key), { code: 'UNAUTHORIZED', message: 'The API key was revoked' });
  });

  it('refuses a key another process revoked once apiKeyTtlMs has passed, and a wrong secret with a cached prefix at once', async () => {
    const { id, key } = await createApiKey(engine.deps, { role: 'authenticated', scopes: ['read'] });
    await verifyApiKey(engine.deps, key);
    const forged = key.slice(0, -4) + (key.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    await assert.rejects(verifyApiKey(engine.deps, forged), { code: 'UNAUTHORIZED', message: 'The API key is not valid' });
    await revokeApiKey({ ...engine.deps, sql: other }, id);
    await sleep(apiKeyTtlMs + 50);
    await assert.rejects(verifyApiKey(engine.deps, key), { code: 'UNAUTHORIZED', message: 'The API key was revoked' });
  });
});
