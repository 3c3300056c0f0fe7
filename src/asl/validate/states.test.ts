import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateStateMachine, type ValidateOptions } from './index.ts';
import type { Problem } from '../problems.ts';

/** A one-state machine named S, in the given top-level query language. */
function check(state: Record<string, unknown>, language = 'JSONPath', options?: ValidateOptions): Problem[] {
  return validateStateMachine({ QueryLanguage: language, StartAt: 'S', States: { S: state } }, options);
}

function codesAt(problems: Problem[], field: string): string[] {
  const pointer = field === '' ? '/States/S' : `/States/S/${field}`;
  return problems.filter((p) => p.pointer === pointer).map((p) => p.code);
}

describe('the allowed fields of each state type', () => {
  it('rejects a field that no state type has and suggests the closest', () => {
    const problems = check({ Type: 'Pass', Reslt: 1, End: true });
    assert.deepEqual(codesAt(problems, 'Reslt'), ['FIELD_UNKNOWN']);
    assert.match(problems[0].message, /Did you mean "Result"\?/);
  });

  it('rejects a field that belongs to another state type', () => {
    assert.deepEqual(codesAt(check({ Type: 'Task', Resource: 'r', Seconds: 5, End: true }), 'Seconds'), ['FIELD_NOT_ALLOWED']);
    assert.deepEqual(codesAt(check({ Type: 'Succeed', Resource: 'r' }), 'Resource'), ['FIELD_NOT_ALLOWED']);
  });

  it('rejects the JSONPath fields in a JSONata state and names the replacement', () => {
    const problems = check(
      { Type: 'Task', Resource: 'r', InputPath: '$', Parameters: {}, ResultSelector: {}, ResultPath: '$.r', OutputPath: '$', TimeoutSecondsPath: '$.t', End: true },
      'JSONata',
    );
    for (const field of ['InputPath', 'Parameters', 'ResultSelector', 'ResultPath', 'OutputPath', 'TimeoutSecondsPath']) {
      assert.deepEqual(codesAt(problems, field), ['FIELD_NOT_ALLOWED'], field);
    }
    assert.match(problems.find((p) => p.pointer.endsWith('/Parameters'))?.message ?? '', /Use Arguments instead/);
  });

  it('rejects the JSONata fields in a JSONPath state', () => {
    const problems = check({ Type: 'Task', Resource: 'r', Arguments: {}, Output: {}, End: true });
    assert.deepEqual(codesAt(problems, 'Arguments'), ['FIELD_NOT_ALLOWED']);
    assert.deepEqual(codesAt(problems, 'Output'), ['FIELD_NOT_ALLOWED']);
  });

  it('accepts Assign in both query languages but not on Succeed or Fail', () => {
    assert.deepEqual(check({ Type: 'Pass', Assign: { x: 1 }, End: true }), []);
    assert.deepEqual(check({ Type: 'Pass', Assign: { x: '{% 1 %}' }, End: true }, 'JSONata'), []);
    assert.deepEqual(codesAt(check({ Type: 'Succeed', Assign: { x: 1 } }), 'Assign'), ['FIELD_NOT_ALLOWED']);
    assert.deepEqual(codesAt(check({ Type: 'Fail', Assign: { x: 1 } }), 'Assign'), ['FIELD_NOT_ALLOWED']);
  });

  it('accepts Output on Succeed in JSONata and InputPath/OutputPath in JSONPath', () => {
    assert.deepEqual(check({ Type: 'Succeed', Output: { done: true } }, 'JSONata'), []);
    assert.deepEqual(check({ Type: 'Succeed', InputPath: '$.a', OutputPath: '$.b' }), []);
  });

  it('rejects InputPath and OutputPath on a Fail state', () => {
    const problems = check({ Type: 'Fail', InputPath: '$', OutputPath: '$' });
    assert.deepEqual(codesAt(problems, 'InputPath'), ['FIELD_NOT_ALLOWED']);
    assert.deepEqual(codesAt(problems, 'OutputPath'), ['FIELD_NOT_ALLOWED']);
  });
});

describe('Task states', () => {
  it('requires a Resource string', () => {
    assert.deepEqual(codesAt(check({ Type: 'Task', End: true }), 'Resource'), ['FIELD_REQUIRED']);
    assert.deepEqual(codesAt(check({ Type: 'Task', Resource: 5, End: true }), 'Resource'), ['FIELD_TYPE']);
  });

  it('reports a Resource that isKnownResource does not know', () => {
    const problems = check({ Type: 'Task', Resource: 'send-emial', End: true }, 'JSONPath', { isKnownResource: (n) => n === 'send-email' });
    assert.deepEqual(codesAt(problems, 'Resource'), ['RESOURCE_UNKNOWN']);
  });

  it('asks isKnownResource about the name without .sync, .sync:2 or .waitForTaskToken', () => {
    const asked: string[] = [];
    const isKnownResource = (name: string) => {
      asked.push(name);
      return true;
    };
    for (const resource of ['workflow:start.sync', 'arn:aws:states:::states:startExecution.sync:2', 'http:invoke.waitForTaskToken', 'sql:query']) {
      assert.deepEqual(check({ Type: 'Task', Resource: resource, End: true }, 'JSONPath', { isKnownResource }), []);
    }
    assert.deepEqual(asked, ['workflow:start', 'arn:aws:states:::states:startExecution', 'http:invoke', 'sql:query']);
  });

  it('requires TimeoutSeconds and HeartbeatSeconds to be positive integers', () => {
    const problems = check({ Type: 'Task', Resource: 'r', TimeoutSeconds: 0, HeartbeatSeconds: 2.5, End: true });
    assert.deepEqual(codesAt(problems, 'TimeoutSeconds'), ['NUMBER_OUT_OF_RANGE']);
    assert.deepEqual(codesAt(problems, 'HeartbeatSeconds'), ['NUMBER_OUT_OF_RANGE']);
    assert.deepEqual(codesAt(check({ Type: 'Task', Resource: 'r', TimeoutSeconds: '60', End: true }), 'TimeoutSeconds'), ['FIELD_TYPE']);
  });

  it('rejects TimeoutSeconds with TimeoutSecondsPath, and HeartbeatSeconds with HeartbeatSecondsPath', () => {
    const problems = check({
      Type: 'Task', Resource: 'r', TimeoutSeconds: 60, TimeoutSecondsPath: '$.t', HeartbeatSeconds: 5, HeartbeatSecondsPath: '$.h', End: true,
    });
    assert.deepEqual(codesAt(problems, 'TimeoutSecondsPath'), ['FIELDS_CONFLICT']);
    assert.deepEqual(codesAt(problems, 'HeartbeatSecondsPath'), ['FIELDS_CONFLICT']);
  });

  it('requires HeartbeatSeconds to be smaller than TimeoutSeconds', () => {
    const problems = check({ Type: 'Task', Resource: 'r', TimeoutSeconds: 60, HeartbeatSeconds: 60, End: true });
    assert.deepEqual(codesAt(problems, 'HeartbeatSeconds'), ['HEARTBEAT_NOT_BELOW_TIMEOUT']);
    assert.deepEqual(check({ Type: 'Task', Resource: 'r', TimeoutSeconds: 60, HeartbeatSeconds: 59, End: true }), []);
  });

  it('accepts JSONata expressions for TimeoutSeconds only in JSONata states', () => {
    assert.deepEqual(check({ Type: 'Task', Resource: 'r', TimeoutSeconds: '{% $states.input.t %}', End: true }, 'JSONata'), []);
    assert.deepEqual(codesAt(check({ Type: 'Task', Resource: 'r', TimeoutSeconds: '{% 5 %}', End: true }), 'TimeoutSeconds'), ['FIELD_TYPE']);
  });

  it('requires TimeoutSecondsPath to be a Reference Path', () => {
    assert.deepEqual(codesAt(check({ Type: 'Task', Resource: 'r', TimeoutSecondsPath: '$..t', End: true }), 'TimeoutSecondsPath'), ['PATH_NOT_REFERENCE']);
  });

  it('accepts Credentials as an object', () => {
    assert.deepEqual(check({ Type: 'Task', Resource: 'r', Credentials: { 'RoleArn.$': '$.role' }, End: true }), []);
    assert.deepEqual(codesAt(check({ Type: 'Task', Resource: 'r', Credentials: 'x', End: true }), 'Credentials'), ['FIELD_TYPE']);
  });
});

describe('Wait states', () => {
  it('requires exactly one of Seconds, SecondsPath, Timestamp and TimestampPath', () => {
    assert.deepEqual(codesAt(check({ Type: 'Wait', End: true }), ''), ['FIELD_REQUIRED']);
    const problems = check({ Type: 'Wait', Seconds: 5, TimestampPath: '$.at', End: true });
    assert.deepEqual(codesAt(problems, 'TimestampPath'), ['FIELDS_CONFLICT']);
  });

  it('requires Seconds to be a non-negative integer', () => {
    assert.deepEqual(check({ Type: 'Wait', Seconds: 0, End: true }), []);
    assert.deepEqual(codesAt(check({ Type: 'Wait', Seconds: -1, End: true }), 'Seconds'), ['NUMBER_OUT_OF_RANGE']);
    assert.deepEqual(codesAt(check({ Type: 'Wait', Seconds: 1.5, End: true }), 'Seconds'), ['NUMBER_OUT_OF_RANGE']);
  });

  it('requires Timestamp to be an RFC 3339 timestamp with uppercase T and Z', () => {
    assert.deepEqual(check({ Type: 'Wait', Timestamp: '2016-03-14T01:59:00Z', End: true }), []);
    assert.deepEqual(check({ Type: 'Wait', Timestamp: '2016-03-14T01:59:00.123+02:00', End: true }), []);
    for (const bad of ['2016-03-14t01:59:00z', '2016-03-14 01:59:00Z', '2016-02-30T01:59:00Z', '2016-03-14T01:59:00', 'tomorrow']) {
      assert.deepEqual(codesAt(check({ Type: 'Wait', Timestamp: bad, End: true }), 'Timestamp'), ['TIMESTAMP_INVALID'], bad);
    }
  });

  it('requires SecondsPath and TimestampPath to be Reference Paths', () => {
    assert.deepEqual(codesAt(check({ Type: 'Wait', SecondsPath: '$.a[*]', End: true }), 'SecondsPath'), ['PATH_NOT_REFERENCE']);
    assert.deepEqual(codesAt(check({ Type: 'Wait', TimestampPath: 'at', End: true }), 'TimestampPath'), ['PATH_INVALID']);
  });

  it('takes Seconds or Timestamp as expressions in JSONata and has no Path forms there', () => {
    assert.deepEqual(check({ Type: 'Wait', Seconds: '{% $states.input.delay %}', End: true }, 'JSONata'), []);
    assert.deepEqual(check({ Type: 'Wait', Timestamp: '{% $states.input.at %}', End: true }, 'JSONata'), []);
    const problems = check({ Type: 'Wait', SecondsPath: '$.delay', End: true }, 'JSONata');
    assert.deepEqual(codesAt(problems, 'SecondsPath'), ['FIELD_NOT_ALLOWED']);
  });
});

describe('Fail states', () => {
  it('rejects Error with ErrorPath and Cause with CausePath', () => {
    const problems = check({ Type: 'Fail', Error: 'E', ErrorPath: '$.e', Cause: 'c', CausePath: '$.c' });
    assert.deepEqual(codesAt(problems, 'ErrorPath'), ['FIELDS_CONFLICT']);
    assert.deepEqual(codesAt(problems, 'CausePath'), ['FIELDS_CONFLICT']);
  });

  it('accepts paths and intrinsic calls in ErrorPath and CausePath', () => {
    assert.deepEqual(check({ Type: 'Fail', ErrorPath: '$.error', CausePath: "States.Format('failed: {}', $.why)" }), []);
  });

  it('reports a broken intrinsic call or path in CausePath and ErrorPath', () => {
    assert.deepEqual(codesAt(check({ Type: 'Fail', CausePath: 'States.Format($.a' }), 'CausePath'), ['INTRINSIC_INVALID']);
    assert.deepEqual(codesAt(check({ Type: 'Fail', ErrorPath: 'error' }), 'ErrorPath'), ['PATH_INVALID']);
  });

  it('requires Error and Cause to be strings', () => {
    assert.deepEqual(codesAt(check({ Type: 'Fail', Error: 42 }), 'Error'), ['FIELD_TYPE']);
  });

  it('has no ErrorPath or CausePath in JSONata and compiles expressions in Error and Cause', () => {
    const problems = check({ Type: 'Fail', ErrorPath: '$.e', Cause: '{% $states.input. %}' }, 'JSONata');
    assert.deepEqual(codesAt(problems, 'ErrorPath'), ['FIELD_NOT_ALLOWED']);
    assert.deepEqual(codesAt(problems, 'Cause'), ['JSONATA_INVALID']);
  });
});

describe('Pass states', () => {
  it('accepts any JSON as Result and checks Parameters as a payload template', () => {
    assert.deepEqual(check({ Type: 'Pass', Result: [1, 'two', null], ResultPath: '$.r', End: true }), []);
    assert.deepEqual(codesAt(check({ Type: 'Pass', Parameters: { 'x.$': 'x' }, End: true }), 'Parameters/x.$'), ['PATH_INVALID']);
  });

  it('replaces Result by Output in JSONata', () => {
    assert.deepEqual(codesAt(check({ Type: 'Pass', Result: 1, End: true }, 'JSONata'), 'Result'), ['FIELD_NOT_ALLOWED']);
  });
});
