import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateStateMachine } from './index.ts';
import type { Problem } from '../problems.ts';

const pass = { Type: 'Pass', End: true };

function codesAt(problems: Problem[], pointer: string): string[] {
  return problems.filter((p) => p.pointer === pointer).map((p) => p.code);
}

describe('the top level of a state machine', () => {
  it('accepts a minimal machine without any problem', () => {
    assert.deepEqual(validateStateMachine({ StartAt: 'A', States: { A: pass } }), []);
  });

  it('requires StartAt and States', () => {
    const problems = validateStateMachine({});
    assert.deepEqual(codesAt(problems, '/StartAt'), ['FIELD_REQUIRED']);
    assert.deepEqual(codesAt(problems, '/States'), ['FIELD_REQUIRED']);
  });

  it('reports a document that is not an object', () => {
    assert.deepEqual(validateStateMachine([1]).map((p) => p.code), ['FIELD_TYPE']);
  });

  it('requires StartAt to name an existing state and suggests the closest one', () => {
    const problems = validateStateMachine({ StartAt: 'Chrage', States: { Charge: pass } });
    assert.deepEqual(codesAt(problems, '/StartAt'), ['START_AT_UNKNOWN']);
    assert.match(problems[0].message, /Did you mean "Charge"\?/);
  });

  it('requires States to contain at least one state', () => {
    assert.deepEqual(codesAt(validateStateMachine({ StartAt: 'A', States: {} }), '/States'), ['STATES_EMPTY']);
  });

  it('checks Version, TimeoutSeconds, QueryLanguage and Comment', () => {
    const problems = validateStateMachine({
      StartAt: 'A', States: { A: pass }, Version: '2.0', TimeoutSeconds: 0, QueryLanguage: 'XPath', Comment: 5,
    });
    assert.deepEqual(codesAt(problems, '/Version'), ['ENUM_INVALID']);
    assert.deepEqual(codesAt(problems, '/TimeoutSeconds'), ['NUMBER_OUT_OF_RANGE']);
    assert.deepEqual(codesAt(problems, '/QueryLanguage'), ['ENUM_INVALID']);
    assert.deepEqual(codesAt(problems, '/Comment'), ['FIELD_TYPE']);
  });

  it('requires TimeoutSeconds to be an integer', () => {
    assert.deepEqual(codesAt(validateStateMachine({ StartAt: 'A', States: { A: pass }, TimeoutSeconds: 1.5 }), '/TimeoutSeconds'), ['NUMBER_OUT_OF_RANGE']);
  });

  it('reports unknown top-level fields with a suggestion', () => {
    const problems = validateStateMachine({ StartAt: 'A', States: { A: pass }, TimeoutSecond: 5 });
    assert.deepEqual(codesAt(problems, '/TimeoutSecond'), ['FIELD_UNKNOWN']);
    assert.match(problems[0].message, /Did you mean "TimeoutSeconds"\?/);
  });

  it('prefixes every pointer with the given pointer', () => {
    const problems = validateStateMachine({ StartAt: 'A', States: { A: { Type: 'Pass' } } }, { pointer: '/definition' });
    assert.deepEqual(problems.map((p) => p.pointer), ['/definition/States/A']);
  });
});

describe('state names', () => {
  it('accepts names of 80 characters and rejects longer ones', () => {
    const ok = 'n'.repeat(80);
    const long = 'n'.repeat(81);
    assert.deepEqual(validateStateMachine({ StartAt: ok, States: { [ok]: pass } }), []);
    const problems = validateStateMachine({ StartAt: long, States: { [long]: pass } });
    assert.deepEqual(codesAt(problems, `/States/${long}`), ['STATE_NAME_TOO_LONG']);
  });

  it('escapes "/" and "~" of state names in pointers', () => {
    const problems = validateStateMachine({ StartAt: 'a/b~c', States: { 'a/b~c': { Type: 'Pass' } } });
    assert.deepEqual(problems.map((p) => p.pointer), ['/States/a~1b~0c']);
  });

  it('requires names to be unique across branches and processors', () => {
    const problems = validateStateMachine({
      StartAt: 'P',
      States: {
        P: { Type: 'Parallel', End: true, Branches: [{ StartAt: 'P', States: { P: pass } }] },
      },
    });
    assert.deepEqual(codesAt(problems, '/States/P/Branches/0/States/P'), ['STATE_NAME_DUPLICATE']);
  });
});

describe('Type and QueryLanguage of a state', () => {
  it('requires Type', () => {
    assert.deepEqual(codesAt(validateStateMachine({ StartAt: 'A', States: { A: { End: true } } }), '/States/A/Type'), ['FIELD_REQUIRED']);
  });

  it('rejects an unknown Type and suggests the closest one', () => {
    const problems = validateStateMachine({ StartAt: 'A', States: { A: { Type: 'Tsak', End: true } } });
    assert.deepEqual(codesAt(problems, '/States/A/Type'), ['STATE_TYPE_UNKNOWN']);
    assert.match(problems[0].message, /Did you mean "Task"\?/);
  });

  it('requires a state to be an object', () => {
    assert.deepEqual(codesAt(validateStateMachine({ StartAt: 'A', States: { A: 'Pass' } }), '/States/A'), ['FIELD_TYPE']);
  });

  it('accepts a JSONata state inside a JSONPath state machine', () => {
    const states = { A: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $states.input %}', End: true } };
    assert.deepEqual(validateStateMachine({ StartAt: 'A', States: states }), []);
  });

  it('rejects a JSONPath state inside a JSONata state machine', () => {
    const states = { A: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true } };
    const problems = validateStateMachine({ QueryLanguage: 'JSONata', StartAt: 'A', States: states });
    assert.deepEqual(codesAt(problems, '/States/A/QueryLanguage'), ['QUERY_LANGUAGE_CONFLICT']);
  });

  it('rejects a JSONPath state nested in a branch of a JSONata state machine', () => {
    const branch = { StartAt: 'B', States: { B: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true } } };
    const problems = validateStateMachine({
      QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Parallel', Branches: [branch], End: true } },
    });
    assert.deepEqual(codesAt(problems, '/States/P/Branches/0/States/B/QueryLanguage'), ['QUERY_LANGUAGE_CONFLICT']);
  });

  it('rejects a QueryLanguage that is neither JSONPath nor JSONata', () => {
    const problems = validateStateMachine({ StartAt: 'A', States: { A: { Type: 'Pass', QueryLanguage: 'jsonata', End: true } } });
    assert.deepEqual(codesAt(problems, '/States/A/QueryLanguage'), ['ENUM_INVALID']);
  });

  it('gives states without their own QueryLanguage the top level one', () => {
    const problems = validateStateMachine({
      QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', Parameters: {}, End: true } },
    });
    assert.deepEqual(codesAt(problems, '/States/A/Parameters'), ['FIELD_NOT_ALLOWED']);
  });
});

describe('Next and End', () => {
  it('requires Next or End on Pass, Task, Wait, Parallel and Map', () => {
    const states = {
      Pass: { Type: 'Pass' },
      Task: { Type: 'Task', Resource: 'r' },
      Wait: { Type: 'Wait', Seconds: 1 },
      Parallel: { Type: 'Parallel', Branches: [{ StartAt: 'B', States: { B: pass } }] },
      Map: { Type: 'Map', ItemProcessor: { StartAt: 'I', States: { I: pass } } },
    };
    const problems = validateStateMachine({ StartAt: 'Pass', States: states });
    for (const name of Object.keys(states)) assert.deepEqual(codesAt(problems, `/States/${name}`).filter((c) => c !== 'STATE_UNREACHABLE'), ['TRANSITION_REQUIRED'], name);
  });

  it('rejects a state with both Next and End', () => {
    const problems = validateStateMachine({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B', End: true }, B: pass } });
    assert.deepEqual(codesAt(problems, '/States/A/End'), ['TRANSITION_CONFLICT']);
  });

  it('accepts End only when it is true', () => {
    const problems = validateStateMachine({ StartAt: 'A', States: { A: { Type: 'Pass', End: false } } });
    assert.deepEqual(codesAt(problems, '/States/A/End'), ['END_INVALID']);
  });

  it('rejects Next and End on Choice, Succeed and Fail', () => {
    const states = {
      C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsPresent: true, Next: 'S' }], End: true },
      S: { Type: 'Succeed', Next: 'F' },
      F: { Type: 'Fail', End: true },
    };
    const problems = validateStateMachine({ StartAt: 'C', States: states });
    assert.deepEqual(codesAt(problems, '/States/C/End'), ['FIELD_NOT_ALLOWED']);
    assert.deepEqual(codesAt(problems, '/States/S/Next'), ['FIELD_NOT_ALLOWED']);
    assert.deepEqual(codesAt(problems, '/States/F/End'), ['FIELD_NOT_ALLOWED']);
  });

  it('reports a Next that names no state, suggesting the closest name', () => {
    const problems = validateStateMachine({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Chrage' }, Charge: pass } });
    assert.deepEqual(codesAt(problems, '/States/A/Next'), ['NEXT_TARGET_MISSING']);
    const problem = problems.find((p) => p.pointer === '/States/A/Next');
    assert.equal(problem?.message, 'State "A": Next names "Chrage", which does not exist. Did you mean "Charge"?');
  });

  it('reports Default, choice rule and catcher targets that name no state', () => {
    const states = {
      C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsNull: true, Next: 'Nowhere' }], Default: 'Gone' },
      T: { Type: 'Task', Resource: 'r', End: true, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Lost' }] },
    };
    const problems = validateStateMachine({ StartAt: 'C', States: states });
    assert.deepEqual(codesAt(problems, '/States/C/Choices/0/Next'), ['NEXT_TARGET_MISSING']);
    assert.deepEqual(codesAt(problems, '/States/C/Default'), ['NEXT_TARGET_MISSING']);
    assert.deepEqual(codesAt(problems, '/States/T/Catch/0/Next'), ['NEXT_TARGET_MISSING']);
  });
});

describe('reachability', () => {
  it('reports states that no transition reaches from StartAt', () => {
    const problems = validateStateMachine({ StartAt: 'A', States: { A: pass, Orphan: pass } });
    assert.deepEqual(problems.map((p) => [p.code, p.pointer]), [['STATE_UNREACHABLE', '/States/Orphan']]);
  });

  it('counts Default, choice rules and catchers as transitions', () => {
    const states = {
      C: { Type: 'Choice', Choices: [{ Variable: '$.x', IsNull: true, Next: 'T' }], Default: 'D' },
      T: { Type: 'Task', Resource: 'r', End: true, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'H' }] },
      D: pass,
      H: pass,
    };
    assert.deepEqual(validateStateMachine({ StartAt: 'C', States: states }), []);
  });

  it('reports unreachable states inside a Map processor', () => {
    const processor = { StartAt: 'I', States: { I: pass, Lonely: pass } };
    const problems = validateStateMachine({ StartAt: 'M', States: { M: { Type: 'Map', ItemProcessor: processor, End: true } } });
    assert.deepEqual(problems.map((p) => [p.code, p.pointer]), [['STATE_UNREACHABLE', '/States/M/ItemProcessor/States/Lonely']]);
  });
});

describe('many problems at once', () => {
  it('reports every problem of a definition in one pass', () => {
    const problems = validateStateMachine({
      StartAt: 'Start',
      Extra: true,
      States: {
        Start: { Type: 'Task', Next: 'Wiat', TimeoutSeconds: -5 },
        Wait: { Type: 'Wait', End: true },
        Stop: { Type: 'Fail', Error: 'E', ErrorPath: '$.e' },
      },
    });
    const codes = problems.map((p) => p.code).sort();
    assert.deepEqual(codes, [
      'FIELDS_CONFLICT',
      'FIELD_REQUIRED',
      'FIELD_REQUIRED',
      'FIELD_UNKNOWN',
      'NEXT_TARGET_MISSING',
      'NUMBER_OUT_OF_RANGE',
      'STATE_UNREACHABLE',
      'STATE_UNREACHABLE',
    ]);
  });
});

describe('names that every JavaScript object answers to (toString, constructor, valueOf, …)', () => {
  const names = ['toString', 'constructor', 'valueOf', 'hasOwnProperty', '__proto__'];

  it('are no state a StartAt or a Next can name unless States has it', () => {
    for (const name of names) {
      const start = validateStateMachine({ StartAt: name, States: { A: { Type: 'Succeed' } } });
      assert.deepEqual(codesAt(start, '/StartAt'), ['START_AT_UNKNOWN'], `StartAt ${name}`);
      const next = validateStateMachine({ StartAt: 'A', States: { A: { Type: 'Pass', Next: name } } });
      assert.deepEqual(codesAt(next, '/States/A/Next'), ['NEXT_TARGET_MISSING'], `Next ${name}`);
    }
  });

  it('are no Choice operator: a rule with one is reported, not looked up on the prototype', () => {
    for (const name of names.filter((n) => n !== '__proto__')) {
      const problems = validateStateMachine({
        StartAt: 'C',
        States: { C: { Type: 'Choice', Choices: [{ Variable: '$.x', [name]: false, Next: 'D' }], Default: 'D' }, D: { Type: 'Succeed' } },
      });
      assert.ok(problems.some((p) => p.pointer === `/States/C/Choices/0/${name}` && p.code === 'FIELD_UNKNOWN'), `${name}: ${JSON.stringify(problems)}`);
    }
  });
});
