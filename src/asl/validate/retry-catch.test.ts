import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateStateMachine } from './index.ts';
import type { Problem } from '../problems.ts';

/** A Task T with the given Retry/Catch; Handler is where catchers may go. */
function check(fields: Record<string, unknown>, language = 'JSONPath'): Problem[] {
  return validateStateMachine({
    QueryLanguage: language,
    StartAt: 'T',
    States: { T: { Type: 'Task', Resource: 'r', End: true, ...fields }, Handler: { Type: 'Succeed' } },
  }).filter((p) => p.code !== 'STATE_UNREACHABLE');
}

function codesAt(problems: Problem[], path: string): string[] {
  return problems.filter((p) => p.pointer === `/States/T/${path}`).map((p) => p.code);
}

const retrier = (fields: Record<string, unknown>) => check({ Retry: [{ ErrorEquals: ['Timeout'], ...fields }] });

describe('Retry', () => {
  it('accepts a complete retrier', () => {
    const full = { IntervalSeconds: 2, MaxAttempts: 0, BackoffRate: 1.0, MaxDelaySeconds: 30, JitterStrategy: 'FULL', Comment: 'c' };
    assert.deepEqual(retrier(full), []);
  });

  it('must be an array of objects', () => {
    assert.deepEqual(codesAt(check({ Retry: { ErrorEquals: ['X'] } }), 'Retry'), ['FIELD_TYPE']);
    assert.deepEqual(codesAt(check({ Retry: ['X'] }), 'Retry/0'), ['FIELD_TYPE']);
  });

  it('needs ErrorEquals as a non-empty array of strings', () => {
    assert.deepEqual(codesAt(check({ Retry: [{}] }), 'Retry/0/ErrorEquals'), ['FIELD_REQUIRED']);
    assert.deepEqual(codesAt(check({ Retry: [{ ErrorEquals: [] }] }), 'Retry/0/ErrorEquals'), ['ARRAY_EMPTY']);
    assert.deepEqual(codesAt(check({ Retry: [{ ErrorEquals: 'X' }] }), 'Retry/0/ErrorEquals'), ['FIELD_TYPE']);
    assert.deepEqual(codesAt(check({ Retry: [{ ErrorEquals: [1] }] }), 'Retry/0/ErrorEquals/0'), ['FIELD_TYPE']);
  });

  it('needs IntervalSeconds and MaxDelaySeconds to be positive integers', () => {
    assert.deepEqual(codesAt(retrier({ IntervalSeconds: 0 }), 'Retry/0/IntervalSeconds'), ['NUMBER_OUT_OF_RANGE']);
    assert.deepEqual(codesAt(retrier({ MaxDelaySeconds: 1.5 }), 'Retry/0/MaxDelaySeconds'), ['NUMBER_OUT_OF_RANGE']);
  });

  it('needs MaxAttempts to be a non-negative integer', () => {
    assert.deepEqual(codesAt(retrier({ MaxAttempts: -1 }), 'Retry/0/MaxAttempts'), ['NUMBER_OUT_OF_RANGE']);
    assert.deepEqual(codesAt(retrier({ MaxAttempts: '3' }), 'Retry/0/MaxAttempts'), ['FIELD_TYPE']);
  });

  it('needs BackoffRate to be at least 1.0', () => {
    assert.deepEqual(codesAt(retrier({ BackoffRate: 0.5 }), 'Retry/0/BackoffRate'), ['NUMBER_OUT_OF_RANGE']);
    assert.deepEqual(retrier({ BackoffRate: 2.5 }), []);
  });

  it('needs JitterStrategy to be FULL or NONE', () => {
    assert.deepEqual(codesAt(retrier({ JitterStrategy: 'HALF' }), 'Retry/0/JitterStrategy'), ['ENUM_INVALID']);
  });

  it('reports unknown retrier fields with a suggestion', () => {
    const problems = retrier({ MaxAttempt: 3 });
    assert.deepEqual(codesAt(problems, 'Retry/0/MaxAttempt'), ['FIELD_UNKNOWN']);
    assert.match(problems[0].message, /Did you mean "MaxAttempts"\?/);
  });

  it('keeps "States.ALL" alone in its ErrorEquals', () => {
    const problems = check({ Retry: [{ ErrorEquals: ['States.ALL', 'Other'] }] });
    assert.deepEqual(codesAt(problems, 'Retry/0/ErrorEquals'), ['STATES_ALL_NOT_ALONE']);
  });

  it('puts the "States.ALL" retrier last', () => {
    const problems = check({ Retry: [{ ErrorEquals: ['States.ALL'] }, { ErrorEquals: ['X'] }] });
    assert.deepEqual(codesAt(problems, 'Retry/0/ErrorEquals'), ['STATES_ALL_NOT_LAST']);
    assert.deepEqual(check({ Retry: [{ ErrorEquals: ['X'] }, { ErrorEquals: ['States.ALL'] }] }), []);
  });
});

describe('Catch', () => {
  it('accepts a catcher with ResultPath in JSONPath', () => {
    assert.deepEqual(check({ Catch: [{ ErrorEquals: ['X'], Next: 'Handler', ResultPath: '$.error', Assign: { failed: true } }] }), []);
  });

  it('needs ErrorEquals and Next', () => {
    const problems = check({ Catch: [{ ResultPath: '$.e' }] });
    assert.deepEqual(codesAt(problems, 'Catch/0/ErrorEquals'), ['FIELD_REQUIRED']);
    assert.deepEqual(codesAt(problems, 'Catch/0/Next'), ['FIELD_REQUIRED']);
  });

  it('puts the "States.ALL" catcher last', () => {
    const problems = check({ Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handler' }, { ErrorEquals: ['X'], Next: 'Handler' }] });
    assert.deepEqual(codesAt(problems, 'Catch/0/ErrorEquals'), ['STATES_ALL_NOT_LAST']);
  });

  it('checks ResultPath as a Reference Path', () => {
    const problems = check({ Catch: [{ ErrorEquals: ['X'], Next: 'Handler', ResultPath: '$.errors[*]' }] });
    assert.deepEqual(codesAt(problems, 'Catch/0/ResultPath'), ['PATH_NOT_REFERENCE']);
  });

  it('uses Output instead of ResultPath in JSONata', () => {
    const ok = check({ Catch: [{ ErrorEquals: ['X'], Next: 'Handler', Output: '{% $states.errorOutput %}' }] }, 'JSONata');
    assert.deepEqual(ok, []);
    const problems = check({ Catch: [{ ErrorEquals: ['X'], Next: 'Handler', ResultPath: '$.e' }] }, 'JSONata');
    assert.deepEqual(codesAt(problems, 'Catch/0/ResultPath'), ['FIELD_NOT_ALLOWED']);
    const output = check({ Catch: [{ ErrorEquals: ['X'], Next: 'Handler', Output: {} }] });
    assert.deepEqual(codesAt(output, 'Catch/0/Output'), ['FIELD_NOT_ALLOWED']);
  });

  it('is available on Parallel and Map but not on Pass', () => {
    const problems = validateStateMachine({ StartAt: 'P', States: { P: { Type: 'Pass', End: true, Retry: [], Catch: [] } } });
    assert.deepEqual(problems.map((p) => p.code), ['FIELD_NOT_ALLOWED', 'FIELD_NOT_ALLOWED']);
  });
});
