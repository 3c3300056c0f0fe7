import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateStateMachine } from './index.ts';
import { compileExpression } from './jsonata.ts';
import type { Problem } from '../problems.ts';

/** S is the state under test; Handler is a target for its transitions (unreachable when S has none). */
function check(state: Record<string, unknown>, language = 'JSONata'): Problem[] {
  const problems = validateStateMachine({ QueryLanguage: language, StartAt: 'S', States: { S: state, Handler: { Type: 'Succeed' } } });
  return problems.filter((p) => p.pointer !== '/States/Handler');
}

function codesAt(problems: Problem[], field: string): string[] {
  return problems.filter((p) => p.pointer === `/States/S/${field}`).map((p) => p.code);
}

describe('JSONata expressions', () => {
  it('compile in Arguments, Output and Assign, nested at any depth', () => {
    const state = {
      Type: 'Task',
      Resource: 'r',
      Arguments: { user: '{% $states.input.user %}', list: ['{% $count + 1 %}'] },
      Output: '{% $merge([$states.input, $states.result]) %}',
      Assign: { count: '{% $count + 1 %}' },
      End: true,
    };
    assert.deepEqual(check(state), []);
  });

  it('report an expression that does not compile at its exact pointer, with the position', () => {
    const problems = check({ Type: 'Pass', Output: { a: { b: ['{% $states.input + %}'] } }, End: true });
    assert.deepEqual(codesAt(problems, 'Output/a/b/0'), ['JSONATA_INVALID']);
    assert.match(problems[0].message, /Unexpected end of expression \(at character \d+ of the string\)/);
  });

  it('report an empty expression', () => {
    assert.deepEqual(codesAt(check({ Type: 'Pass', Output: '{%   %}', End: true }), 'Output'), ['JSONATA_INVALID']);
  });

  it('compile in catchers and in Choice conditions', () => {
    const problems = check({
      Type: 'Choice',
      Choices: [{ Condition: '{% $states.input.x = %}', Next: 'Handler' }],
    });
    assert.deepEqual(codesAt(problems, 'Choices/0/Condition'), ['JSONATA_INVALID']);
    const caught = check({
      Type: 'Task', Resource: 'r', End: true,
      Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% $states.errorOutput. %}', Assign: { e: '{% ( %}' }, Next: 'Handler' }],
    });
    assert.deepEqual(codesAt(caught, 'Catch/0/Output'), ['JSONATA_INVALID']);
    assert.deepEqual(codesAt(caught, 'Catch/0/Assign/e'), ['JSONATA_INVALID']);
  });

  it('treat strings with "{%" or "%}" only inside the text as literals', () => {
    assert.deepEqual(check({ Type: 'Pass', Output: { a: 'cost: {% x %} each', b: 'x %}', c: '100%' }, End: true }), []);
  });

  it('reject a string that is an expression only once trimmed, or that opens "{%" and never closes', () => {
    const problems = check({ Type: 'Pass', Output: { trailing: '{% 1 + 1 %} ', leading: ' {% 1 %}', open: '{% 1 + 1' }, End: true });
    assert.deepEqual(codesAt(problems, 'Output/trailing'), ['JSONATA_INVALID']);
    assert.deepEqual(codesAt(problems, 'Output/leading'), ['JSONATA_INVALID']);
    assert.deepEqual(codesAt(problems, 'Output/open'), ['JSONATA_INVALID']);
  });

  it('are not evaluated in JSONPath states, where "{% %}" is plain text', () => {
    assert.deepEqual(check({ Type: 'Pass', Result: { a: '{% ( %}' }, End: true }, 'JSONPath'), []);
  });

  it('give the position within the whole string', () => {
    const finding = compileExpression('{% 1 + %}');
    assert.equal(finding?.code, 'JSONATA_INVALID');
    assert.match(finding?.message ?? '', /at character/);
    assert.equal(compileExpression('{% 1 + 2 %}'), undefined);
  });
});

describe('the reserved $states variable', () => {
  it('offers $states.input and $states.context everywhere', () => {
    const state = { Type: 'Pass', Output: { a: '{% $states.input.a %}', id: '{% $states.context.Execution.Id %}' }, End: true };
    assert.deepEqual(check(state), []);
  });

  it('offers $states.result only in Output and Assign of Task, Parallel and Map', () => {
    const task = { Type: 'Task', Resource: 'r', Output: '{% $states.result %}', Assign: { r: '{% $states.result.x %}' }, End: true };
    assert.deepEqual(check(task), []);
    assert.deepEqual(codesAt(check({ Type: 'Pass', Output: '{% $states.result %}', End: true }), 'Output'), ['JSONATA_STATES_UNAVAILABLE']);
    const args = check({ Type: 'Task', Resource: 'r', Arguments: { x: '{% $states.result %}' }, End: true });
    assert.deepEqual(codesAt(args, 'Arguments/x'), ['JSONATA_STATES_UNAVAILABLE']);
  });

  it('offers $states.errorOutput only in the Output and Assign of a catcher', () => {
    const catcher = { ErrorEquals: ['States.ALL'], Output: '{% $states.errorOutput %}', Assign: { e: '{% $states.errorOutput.Error %}' }, Next: 'Handler' };
    assert.deepEqual(check({ Type: 'Task', Resource: 'r', Catch: [catcher], End: true }), []);
    const outside = check({ Type: 'Task', Resource: 'r', Output: '{% $states.errorOutput %}', End: true });
    assert.deepEqual(codesAt(outside, 'Output'), ['JSONATA_STATES_UNAVAILABLE']);
    const result = check({ Type: 'Task', Resource: 'r', Catch: [{ ...catcher, Output: '{% $states.result %}' }], End: true });
    assert.deepEqual(codesAt(result, 'Catch/0/Output'), ['JSONATA_STATES_UNAVAILABLE']);
  });

  it('has no other members', () => {
    assert.deepEqual(codesAt(check({ Type: 'Pass', Output: '{% $states.inputs %}', End: true }), 'Output'), ['JSONATA_STATES_UNAVAILABLE']);
  });
});

describe('JSONPath syntax in JSONata states', () => {
  it('reports keys ending in ".$"', () => {
    const problems = check({ Type: 'Pass', Output: { 'total.$': '$.total' }, End: true });
    assert.deepEqual(codesAt(problems, 'Output/total.$'), ['JSONPATH_KEY_IN_JSONATA']);
  });
});

describe('JSONata-only field values', () => {
  it('accept Arguments as an object or an expression', () => {
    assert.deepEqual(check({ Type: 'Task', Resource: 'r', Arguments: '{% $states.input %}', End: true }), []);
    assert.deepEqual(codesAt(check({ Type: 'Task', Resource: 'r', Arguments: 5, End: true }), 'Arguments'), ['FIELD_TYPE']);
  });

  it('accept Items as an array or an expression', () => {
    const map = { Type: 'Map', ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Succeed' } } }, End: true };
    assert.deepEqual(check({ ...map, Items: [1, 2, 3] }), []);
    assert.deepEqual(check({ ...map, Items: '{% $states.input.list %}' }), []);
    assert.deepEqual(codesAt(check({ ...map, Items: 7 }), 'Items'), ['FIELD_TYPE']);
  });

  it('accept Output on every state type except Fail', () => {
    assert.deepEqual(check({ Type: 'Wait', Seconds: 1, Output: { a: 1 }, End: true }), []);
    assert.deepEqual(codesAt(check({ Type: 'Fail', Output: {} }), 'Output'), ['FIELD_NOT_ALLOWED']);
  });
});
