import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateStateMachine } from './index.ts';
import type { Problem } from '../problems.ts';

function check(state: Record<string, unknown>): Problem[] {
  return validateStateMachine({ StartAt: 'S', States: { S: state } });
}

function codesAt(problems: Problem[], field: string): string[] {
  return problems.filter((p) => p.pointer === `/States/S/${field}`).map((p) => p.code);
}

describe('InputPath and OutputPath', () => {
  it('accept a Path, including null', () => {
    assert.deepEqual(check({ Type: 'Pass', InputPath: null, OutputPath: null, End: true }), []);
    assert.deepEqual(check({ Type: 'Pass', InputPath: '$.items[0:2]', OutputPath: '$$.Execution.Input', End: true }), []);
  });

  it('report a path that does not parse, with the parser message', () => {
    const problems = check({ Type: 'Pass', InputPath: '$.a[', End: true });
    assert.deepEqual(codesAt(problems, 'InputPath'), ['PATH_INVALID']);
    assert.match(problems[0].message, /is not a valid path/);
  });

  it('report a value that is not a string', () => {
    assert.deepEqual(codesAt(check({ Type: 'Pass', OutputPath: 3, End: true }), 'OutputPath'), ['FIELD_TYPE']);
  });
});

describe('ResultPath', () => {
  it('accepts a Reference Path and null', () => {
    assert.deepEqual(check({ Type: 'Pass', ResultPath: '$.result.items[2]', End: true }), []);
    assert.deepEqual(check({ Type: 'Pass', ResultPath: null, End: true }), []);
  });

  it('rejects a path that can name several values', () => {
    assert.deepEqual(codesAt(check({ Type: 'Pass', ResultPath: '$.items[*]', End: true }), 'ResultPath'), ['PATH_NOT_REFERENCE']);
  });

  it('rejects the context object and variables, because the result goes into the input', () => {
    assert.deepEqual(codesAt(check({ Type: 'Pass', ResultPath: '$$.Execution', End: true }), 'ResultPath'), ['PATH_INVALID']);
    assert.deepEqual(codesAt(check({ Type: 'Pass', ResultPath: '$total', End: true }), 'ResultPath'), ['PATH_INVALID']);
  });
});

describe('ItemsPath', () => {
  it('must be a Reference Path', () => {
    const map = { Type: 'Map', ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Succeed' } } }, End: true };
    assert.deepEqual(check({ ...map, ItemsPath: '$.changes' }), []);
    assert.deepEqual(codesAt(check({ ...map, ItemsPath: '$.changes[?(@.x)]' }), 'ItemsPath'), ['PATH_NOT_REFERENCE']);
  });
});

describe('payload templates (keys ending in ".$")', () => {
  it('accept input paths, context paths, variables and intrinsic calls', () => {
    const Parameters = {
      'id.$': '$.id',
      'execution.$': '$$.Execution.Id',
      'total.$': '$total',
      'message.$': "States.Format('Hello {}', $.name)",
      literal: '$not evaluated',
      nested: { 'deep.$': '$.a.b', list: [{ 'x.$': '$.x' }] },
    };
    assert.deepEqual(check({ Type: 'Pass', Parameters, End: true }), []);
  });

  it('report a broken path or intrinsic call at its exact pointer, nested ones included', () => {
    const Parameters = { 'a.$': 'nope', nested: { list: [{ 'b.$': 'States.Nope(' }] } };
    const problems = check({ Type: 'Pass', Parameters, End: true });
    assert.deepEqual(codesAt(problems, 'Parameters/a.$'), ['PATH_INVALID']);
    assert.deepEqual(codesAt(problems, 'Parameters/nested/list/0/b.$'), ['INTRINSIC_INVALID']);
  });

  it('report a ".$" key whose value is not a string', () => {
    assert.deepEqual(codesAt(check({ Type: 'Pass', Parameters: { 'a.$': 1 }, End: true }), 'Parameters/a.$'), ['FIELD_TYPE']);
  });

  it('are checked in ResultSelector, ItemSelector and Assign too', () => {
    const problems = check({
      Type: 'Map',
      ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Succeed' } } },
      ItemSelector: { 'v.$': 'v' },
      ResultSelector: { 'r.$': 'r' },
      Assign: { 'count.$': 'c' },
      End: true,
    });
    assert.deepEqual(codesAt(problems, 'ItemSelector/v.$'), ['PATH_INVALID']);
    assert.deepEqual(codesAt(problems, 'ResultSelector/r.$'), ['PATH_INVALID']);
    assert.deepEqual(codesAt(problems, 'Assign/count.$'), ['PATH_INVALID']);
  });

  it('reject a field written both with and without ".$"', () => {
    const problems = check({ Type: 'Pass', Parameters: { a: 1, 'a.$': '$.x' }, End: true });
    assert.deepEqual(codesAt(problems, 'Parameters/a.$'), ['PAYLOAD_DUPLICATE_FIELD']);
  });

  it('require ResultSelector to be an object', () => {
    assert.deepEqual(codesAt(check({ Type: 'Task', Resource: 'r', ResultSelector: '$.x', End: true }), 'ResultSelector'), ['FIELD_TYPE']);
  });
});

describe('Assign variable names', () => {
  it('must be identifiers, and "states" is reserved', () => {
    const problems = check({ Type: 'Pass', Assign: { ok_1: 1, '1bad': 2, 'has space': 3, states: 4 }, End: true });
    assert.deepEqual(codesAt(problems, 'Assign/1bad'), ['VARIABLE_NAME_INVALID']);
    assert.deepEqual(codesAt(problems, 'Assign/has space'), ['VARIABLE_NAME_INVALID']);
    assert.deepEqual(codesAt(problems, 'Assign/states'), ['VARIABLE_NAME_INVALID']);
    assert.deepEqual(codesAt(problems, 'Assign/ok_1'), []);
  });

  it('must be an object', () => {
    assert.deepEqual(codesAt(check({ Type: 'Pass', Assign: [1], End: true }), 'Assign'), ['FIELD_TYPE']);
  });
});
