import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateStateMachine } from './index.ts';
import type { Problem } from '../problems.ts';

const leaf = (name: string) => ({ StartAt: name, States: { [name]: { Type: 'Succeed' } } });

function check(state: Record<string, unknown>, language = 'JSONPath'): Problem[] {
  return validateStateMachine({ QueryLanguage: language, StartAt: 'S', States: { S: state } });
}

function codesAt(problems: Problem[], path: string): string[] {
  return problems.filter((p) => p.pointer === `/States/S/${path}`).map((p) => p.code);
}

describe('Parallel states', () => {
  it('need Branches as a non-empty array', () => {
    assert.deepEqual(codesAt(check({ Type: 'Parallel', End: true }), 'Branches'), ['FIELD_REQUIRED']);
    assert.deepEqual(codesAt(check({ Type: 'Parallel', Branches: [], End: true }), 'Branches'), ['ARRAY_EMPTY']);
  });

  it('validate each branch as a state machine, with pointers that continue inside', () => {
    const problems = check({ Type: 'Parallel', End: true, Branches: [leaf('A'), { StartAt: 'X', States: { X: { Type: 'Pass', Next: 'Y' } } }] });
    assert.deepEqual(codesAt(problems, 'Branches/1/States/X/Next'), ['NEXT_TARGET_MISSING']);
    assert.deepEqual(codesAt(check({ Type: 'Parallel', End: true, Branches: [5] }), 'Branches/0'), ['FIELD_TYPE']);
  });

  it('do not let a branch state go outside its branch, nor an outer state into it', () => {
    const problems = validateStateMachine({
      StartAt: 'P',
      States: {
        P: { Type: 'Parallel', Next: 'Inner', Branches: [{ StartAt: 'Inner', States: { Inner: { Type: 'Pass', Next: 'After' } } }] },
        After: { Type: 'Succeed' },
      },
    });
    const at = (pointer: string) => problems.filter((p) => p.pointer === pointer).map((p) => p.code);
    assert.deepEqual(at('/States/P/Branches/0/States/Inner/Next'), ['NEXT_TARGET_OUTSIDE_SCOPE']);
    assert.deepEqual(at('/States/P/Next'), ['NEXT_TARGET_OUTSIDE_SCOPE']);
  });

  it('reject top-level-only fields inside a branch', () => {
    const problems = check({ Type: 'Parallel', End: true, Branches: [{ ...leaf('A'), TimeoutSeconds: 5, Version: '1.0' }] });
    assert.deepEqual(codesAt(problems, 'Branches/0/TimeoutSeconds'), ['FIELD_UNKNOWN']);
    assert.deepEqual(codesAt(problems, 'Branches/0/Version'), ['FIELD_UNKNOWN']);
  });

  it('take Arguments in JSONata and Parameters in JSONPath', () => {
    assert.deepEqual(check({ Type: 'Parallel', End: true, Branches: [leaf('A')], Arguments: { a: '{% 1 %}' } }, 'JSONata'), []);
    assert.deepEqual(check({ Type: 'Parallel', End: true, Branches: [leaf('A')], Parameters: { 'a.$': '$.a' } }), []);
  });
});

const map = (fields: Record<string, unknown>) => ({ Type: 'Map', End: true, ItemProcessor: leaf('I'), ...fields });

describe('Map states', () => {
  it('need exactly one of ItemProcessor and Iterator', () => {
    const none = check({ Type: 'Map', End: true });
    assert.deepEqual(none.filter((p) => p.pointer === '/States/S').map((p) => p.code), ['FIELD_REQUIRED']);
    assert.deepEqual(codesAt(check(map({ Iterator: leaf('J') })), 'Iterator'), ['FIELDS_CONFLICT']);
    assert.deepEqual(check({ Type: 'Map', End: true, Iterator: leaf('J') }), []);
  });

  it('validate the ItemProcessor recursively', () => {
    const problems = check(map({ ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Task', End: true } } } }));
    assert.deepEqual(codesAt(problems, 'ItemProcessor/States/I/Resource'), ['FIELD_REQUIRED']);
  });

  it('check ProcessorConfig', () => {
    assert.deepEqual(check(map({ ItemProcessor: { ...leaf('I'), ProcessorConfig: { Mode: 'INLINE' } } })), []);
    const problems = check(map({ ItemProcessor: { ...leaf('I'), ProcessorConfig: { Mode: 'inline', ExecutionType: 'FAST', Other: 1 } } }));
    assert.deepEqual(codesAt(problems, 'ItemProcessor/ProcessorConfig/Mode'), ['ENUM_INVALID']);
    assert.deepEqual(codesAt(problems, 'ItemProcessor/ProcessorConfig/ExecutionType'), ['ENUM_INVALID']);
    assert.deepEqual(codesAt(problems, 'ItemProcessor/ProcessorConfig/Other'), ['FIELD_UNKNOWN']);
  });

  it('do not take ItemSelector and the legacy Parameters together', () => {
    assert.deepEqual(codesAt(check(map({ ItemSelector: {}, Parameters: {} })), 'Parameters'), ['FIELDS_CONFLICT']);
  });

  it('have no legacy Iterator in JSONata', () => {
    assert.deepEqual(codesAt(check({ Type: 'Map', End: true, Iterator: leaf('J') }, 'JSONata'), 'Iterator'), ['FIELD_NOT_ALLOWED']);
  });

  it('need MaxConcurrency to be a non-negative integer, not with MaxConcurrencyPath', () => {
    assert.deepEqual(check(map({ MaxConcurrency: 0 })), []);
    assert.deepEqual(codesAt(check(map({ MaxConcurrency: -1 })), 'MaxConcurrency'), ['NUMBER_OUT_OF_RANGE']);
    assert.deepEqual(codesAt(check(map({ MaxConcurrency: 2, MaxConcurrencyPath: '$.n' })), 'MaxConcurrencyPath'), ['FIELDS_CONFLICT']);
    assert.deepEqual(check(map({ MaxConcurrency: '{% $states.input.n %}' }), 'JSONata'), []);
  });

  it('check the tolerated failure thresholds and their Path forms', () => {
    assert.deepEqual(check(map({ ToleratedFailurePercentage: 12.5, ToleratedFailureCount: 0 })), []);
    assert.deepEqual(codesAt(check(map({ ToleratedFailurePercentage: 101 })), 'ToleratedFailurePercentage'), ['NUMBER_OUT_OF_RANGE']);
    assert.deepEqual(codesAt(check(map({ ToleratedFailureCount: -1 })), 'ToleratedFailureCount'), ['NUMBER_OUT_OF_RANGE']);
    const both = check(map({ ToleratedFailureCount: 1, ToleratedFailureCountPath: '$.n', ToleratedFailurePercentagePath: '$.p[*]' }));
    assert.deepEqual(codesAt(both, 'ToleratedFailureCountPath'), ['FIELDS_CONFLICT']);
    assert.deepEqual(codesAt(both, 'ToleratedFailurePercentagePath'), ['PATH_NOT_REFERENCE']);
  });

  it('check ItemBatcher fields', () => {
    assert.deepEqual(check(map({ ItemBatcher: { MaxItemsPerBatch: 10, BatchInput: { 'k.$': '$.k' } } })), []);
    const problems = check(map({ ItemBatcher: { MaxItemsPerBatch: 0, MaxInputBytesPerBatch: 5, MaxInputBytesPerBatchPath: '$.b', BatchInput: { 'k.$': 'k' }, Size: 1 } }));
    assert.deepEqual(codesAt(problems, 'ItemBatcher/MaxItemsPerBatch'), ['NUMBER_OUT_OF_RANGE']);
    assert.deepEqual(codesAt(problems, 'ItemBatcher/MaxInputBytesPerBatchPath'), ['FIELDS_CONFLICT']);
    assert.deepEqual(codesAt(problems, 'ItemBatcher/BatchInput/k.$'), ['PATH_INVALID']);
    assert.deepEqual(codesAt(problems, 'ItemBatcher/Size'), ['FIELD_UNKNOWN']);
  });

  it('need a batch limit in ItemBatcher', () => {
    assert.deepEqual(codesAt(check(map({ ItemBatcher: { BatchInput: { a: 1 } } })), 'ItemBatcher'), ['FIELD_REQUIRED']);
    assert.deepEqual(check(map({ ItemBatcher: { MaxInputBytesPerBatchPath: '$.bytes' } })), []);
  });

  it('accept ItemReader and ResultWriter as objects', () => {
    const reader = { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'CSV' }, Parameters: { Bucket: 'b' } };
    assert.deepEqual(check(map({ ItemReader: reader, ResultWriter: { Resource: 'arn:aws:states:::s3:putObject' }, Label: 'rows' })), []);
    assert.deepEqual(codesAt(check(map({ ItemReader: 'file.csv' })), 'ItemReader'), ['FIELD_TYPE']);
  });

  it('take Items in JSONata and ItemsPath in JSONPath', () => {
    assert.deepEqual(codesAt(check(map({ Items: [1] })), 'Items'), ['FIELD_NOT_ALLOWED']);
    assert.deepEqual(codesAt(check(map({ ItemsPath: '$.list' }), 'JSONata'), 'ItemsPath'), ['FIELD_NOT_ALLOWED']);
  });
});
