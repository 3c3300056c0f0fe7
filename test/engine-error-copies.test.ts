/**
 * An EngineError from another copy of the package (a linked install, two versions in node_modules) is
 * another class, so `instanceof` refuses it; isEngineError tells it by its shape and brand, as
 * isTaskFailure does for TaskFailure. A second copy of src/shared/errors.ts is loaded from another path.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Hono } from 'hono';
import { errorHandler } from '../src/api/errors.ts';
import { databaseUnavailable, EngineError, isEngineError, silentLogger } from '../src/shared/index.ts';
import * as library from '../src/lib/index.ts';

type EngineErrorClass = new (code: string, message: string, options?: { details?: unknown }) => Error & { code: string };
let copyDir: string;
let OtherEngineError: EngineErrorClass;

before(async () => {
  copyDir = mkdtempSync(join(tmpdir(), 'nightshift-copy-'));
  copyFileSync(new URL('../src/shared/errors.ts', import.meta.url), join(copyDir, 'errors.ts'));
  ({ EngineError: OtherEngineError } = (await import(pathToFileURL(join(copyDir, 'errors.ts')).href)) as { EngineError: EngineErrorClass });
});
after(() => rmSync(copyDir, { recursive: true, force: true }));

/** What another copy's error looks like without its class: the brand, the name, a message, a code. */
function lookAlike(fields: Record<string, unknown>, brand = true): object {
  const prototype = brand ? { [Symbol.for('nightshift.EngineError')]: true } : {};
  return Object.assign(Object.create(prototype), { name: 'EngineError', message: 'no such execution', code: 'EXECUTION_NOT_FOUND', ...fields });
}

describe('isEngineError', () => {
  it('recognises an EngineError of another copy of the package, which instanceof refuses', () => {
    const other = new OtherEngineError('WORKFLOW_NOT_FOUND', 'no workflow is named nope');
    assert.equal(other instanceof EngineError, false);
    assert.equal(isEngineError(other), true);
    assert.equal(library.isEngineError(other), true, 'as the nightshift entry exports it');
    assert.equal(isEngineError(lookAlike({})), true);
  });

  it('recognises its own EngineError', () => {
    assert.equal(isEngineError(new EngineError('CONFLICT', 'taken')), true);
  });

  it('refuses ordinary errors, values, and look-alikes without the brand or with a code it does not know', () => {
    const coded = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    for (const value of [new Error('plain'), coded, null, undefined, 'EngineError', { code: 'CONFLICT' }]) assert.equal(isEngineError(value), false, String(value));
    assert.equal(isEngineError(lookAlike({}, false)), false, 'without the brand');
    assert.equal(isEngineError(lookAlike({ code: 'NO_SUCH_CODE' })), false, 'a code this copy has no status for');
    assert.equal(isEngineError(lookAlike({ name: 'Error' })), false, 'another name');
    assert.equal(isEngineError(lookAlike({ message: 42 })), false, 'a message that is not text');
  });

  it("keeps another copy's DATABASE_UNAVAILABLE as it is", () => {
    const other = new OtherEngineError('DATABASE_UNAVAILABLE', 'down', { details: { retryAfterSeconds: 9 } });
    assert.equal(databaseUnavailable(other), other);
    assert.equal(databaseUnavailable(new OtherEngineError('CONFLICT', 'taken')), null);
  });

  it("answers another copy's error in the API with its code and the code's HTTP status", async () => {
    const app = new Hono().get('/x', () => {
      throw new OtherEngineError('EXECUTION_NOT_FOUND', 'no execution x', { details: { id: 'x' } });
    });
    app.onError(errorHandler(silentLogger));
    const response = await app.request('/x');
    assert.equal(response.status, 404);
    assert.deepEqual(await response.json(), { error: { code: 'EXECUTION_NOT_FOUND', message: 'no execution x', details: { id: 'x' } } });
  });
});
