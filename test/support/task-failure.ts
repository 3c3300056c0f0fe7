import assert from 'node:assert/strict';
import { TaskFailure } from '../../src/resources/index.ts';

/** The TaskFailure a resource call ends with; fails the test when it succeeds or throws anything else. */
export async function taskFailure(call: unknown): Promise<TaskFailure> {
  try {
    await call;
  } catch (thrown) {
    assert.ok(thrown instanceof TaskFailure, `expected a TaskFailure, got ${String(thrown)}`);
    return thrown;
  }
  return assert.fail('expected the call to fail');
}
