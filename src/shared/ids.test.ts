import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { newExecutionId } from './ids.ts';

describe('execution ids', () => {
  it('are UUIDs of version 7 that sort in the order they were made, also within one millisecond', () => {
    const ids = Array.from({ length: 10_000 }, () => newExecutionId());
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('begin with the time they were made, in milliseconds', () => {
    const before = Date.now();
    const id = newExecutionId();
    const at = parseInt(id.replaceAll('-', '').slice(0, 12), 16);
    assert.ok(at >= before && at <= Date.now(), `${at} is not between ${before} and now`);
  });
});
