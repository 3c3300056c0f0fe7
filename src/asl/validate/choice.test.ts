import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateStateMachine } from './index.ts';
import type { Problem } from '../problems.ts';

/** A Choice state C whose rules may go to Yes; the top-level query language is given. */
function check(choice: Record<string, unknown>, language = 'JSONPath'): Problem[] {
  return validateStateMachine({
    QueryLanguage: language,
    StartAt: 'C',
    States: { C: { Type: 'Choice', Default: 'Yes', ...choice }, Yes: { Type: 'Succeed' } },
  });
}

function rules(...choices: unknown[]): Problem[] {
  return check({ Choices: choices });
}

function codesAt(problems: Problem[], path: string): string[] {
  return problems.filter((p) => p.pointer === `/States/C/${path}`).map((p) => p.code);
}

describe('the Choices field', () => {
  it('is required and must be a non-empty array', () => {
    assert.deepEqual(codesAt(validateStateMachine({ StartAt: 'C', States: { C: { Type: 'Choice' } } }), 'Choices'), ['FIELD_REQUIRED']);
    assert.deepEqual(codesAt(check({ Choices: [] }), 'Choices'), ['ARRAY_EMPTY']);
    assert.deepEqual(codesAt(check({ Choices: {} }), 'Choices'), ['FIELD_TYPE']);
  });

  it('holds rule objects', () => {
    assert.deepEqual(codesAt(rules('StringEquals'), 'Choices/0'), ['FIELD_TYPE']);
  });
});

describe('JSONPath choice rules', () => {
  it('need Next at the top level', () => {
    assert.deepEqual(codesAt(rules({ Variable: '$.x', IsPresent: true }), 'Choices/0/Next'), ['FIELD_REQUIRED']);
  });

  it('reject Next and Assign inside And, Or and Not', () => {
    const problems = rules({ Not: { Variable: '$.x', IsNull: true, Next: 'Yes', Assign: { a: 1 } }, Next: 'Yes' });
    assert.deepEqual(codesAt(problems, 'Choices/0/Not/Next'), ['FIELD_NOT_ALLOWED']);
    assert.deepEqual(codesAt(problems, 'Choices/0/Not/Assign'), ['FIELD_NOT_ALLOWED']);
  });

  it('accept Assign and Comment on top-level rules', () => {
    assert.deepEqual(rules({ Variable: '$.x', IsPresent: true, Next: 'Yes', Assign: { seen: true }, Comment: 'c' }), []);
  });

  it('need exactly one operator', () => {
    assert.deepEqual(codesAt(rules({ Variable: '$.x', Next: 'Yes' }), 'Choices/0'), ['CHOICE_OPERATOR_MISSING']);
    const problems = rules({ Variable: '$.x', StringEquals: 'a', IsPresent: true, Next: 'Yes' });
    assert.deepEqual(codesAt(problems, 'Choices/0/IsPresent'), ['CHOICE_OPERATOR_CONFLICT']);
  });

  it('report a misspelt operator once, with a suggestion', () => {
    const problems = rules({ Variable: '$.x', StringEqual: 'a', Next: 'Yes' });
    assert.deepEqual(problems.map((p) => [p.code, p.pointer]), [['FIELD_UNKNOWN', '/States/C/Choices/0/StringEqual']]);
    assert.match(problems[0].message, /Did you mean "StringEquals"\?/);
  });

  it('need a Variable that is a Path for comparisons', () => {
    assert.deepEqual(codesAt(rules({ StringEquals: 'a', Next: 'Yes' }), 'Choices/0/Variable'), ['FIELD_REQUIRED']);
    assert.deepEqual(codesAt(rules({ Variable: 'x', StringEquals: 'a', Next: 'Yes' }), 'Choices/0/Variable'), ['PATH_INVALID']);
    assert.deepEqual(rules({ Variable: '$count', NumericGreaterThan: 3, Next: 'Yes' }), []);
  });

  it('check each operator takes the right operand type', () => {
    const cases: Array<[string, unknown]> = [
      ['StringEquals', 1],
      ['StringLessThanEquals', true],
      ['NumericEquals', '1'],
      ['NumericGreaterThanEquals', null],
      ['BooleanEquals', 'true'],
      ['TimestampEquals', 'yesterday'],
      ['TimestampLessThan', 5],
      ['StringEqualsPath', 'not a path'],
      ['NumericLessThanPath', 3],
      ['IsPresent', 'yes'],
      ['IsTimestamp', 1],
      ['StringMatches', 4],
    ];
    for (const [operator, operand] of cases) {
      const codes = codesAt(rules({ Variable: '$.x', [operator]: operand, Next: 'Yes' }), `Choices/0/${operator}`);
      assert.equal(codes.length, 1, operator);
    }
  });

  it('accept well-typed operands of every family', () => {
    const ok = [
      { StringGreaterThan: 'm' },
      { NumericLessThan: 2.5 },
      { BooleanEquals: false },
      { TimestampGreaterThanEquals: '2024-01-01T00:00:00Z' },
      { TimestampEqualsPath: '$.other' },
      { IsNumeric: false },
      { StringMatches: 'log-*.txt' },
    ];
    for (const operator of ok) assert.deepEqual(rules({ Variable: '$.x', ...operator, Next: 'Yes' }), [], JSON.stringify(operator));
  });

  it('allow only \\* and \\\\ as escapes in StringMatches', () => {
    assert.deepEqual(rules({ Variable: '$.x', StringMatches: 'a\\*b\\\\c*', Next: 'Yes' }), []);
    assert.deepEqual(codesAt(rules({ Variable: '$.x', StringMatches: 'a\\d', Next: 'Yes' }), 'Choices/0/StringMatches'), ['CHOICE_OPERAND_INVALID']);
  });

  it('need non-empty arrays for And and Or and an object for Not', () => {
    assert.deepEqual(codesAt(rules({ And: [], Next: 'Yes' }), 'Choices/0/And'), ['ARRAY_EMPTY']);
    assert.deepEqual(codesAt(rules({ Or: {}, Next: 'Yes' }), 'Choices/0/Or'), ['FIELD_TYPE']);
    assert.deepEqual(codesAt(rules({ Not: [], Next: 'Yes' }), 'Choices/0/Not'), ['FIELD_TYPE']);
  });

  it('check the rules nested in And, Or and Not with their own pointers', () => {
    const problems = rules({
      And: [{ Variable: '$.a', NumericEquals: 'one' }, { Or: [{ Not: { Variable: '$.b' } }] }],
      Next: 'Yes',
    });
    assert.deepEqual(codesAt(problems, 'Choices/0/And/0/NumericEquals'), ['CHOICE_OPERAND_INVALID']);
    assert.deepEqual(codesAt(problems, 'Choices/0/And/1/Or/0/Not'), ['CHOICE_OPERATOR_MISSING']);
  });

  it('reject Variable next to And, Or or Not', () => {
    assert.deepEqual(codesAt(rules({ Variable: '$.x', Not: { Variable: '$.x', IsNull: true }, Next: 'Yes' }), 'Choices/0/Variable'), ['FIELD_NOT_ALLOWED']);
  });

  it('reject Condition and Output, which belong to JSONata', () => {
    const problems = rules({ Variable: '$.x', IsNull: true, Condition: true, Output: 1, Next: 'Yes' });
    assert.deepEqual(codesAt(problems, 'Choices/0/Condition'), ['FIELD_NOT_ALLOWED']);
    assert.deepEqual(codesAt(problems, 'Choices/0/Output'), ['FIELD_NOT_ALLOWED']);
  });
});

describe('JSONata choice rules', () => {
  it('need a Condition that is a boolean or an expression', () => {
    assert.deepEqual(check({ Choices: [{ Condition: '{% $states.input.n > 3 %}', Next: 'Yes' }] }, 'JSONata'), []);
    assert.deepEqual(check({ Choices: [{ Condition: true, Next: 'Yes' }] }, 'JSONata'), []);
    assert.deepEqual(codesAt(check({ Choices: [{ Next: 'Yes' }] }, 'JSONata'), 'Choices/0/Condition'), ['FIELD_REQUIRED']);
    const plain = check({ Choices: [{ Condition: '$states.input.n > 3', Next: 'Yes' }] }, 'JSONata');
    assert.deepEqual(codesAt(plain, 'Choices/0/Condition'), ['EXPRESSION_REQUIRED']);
  });

  it('accept Assign and Output', () => {
    const rule = { Condition: '{% true %}', Assign: { n: '{% 1 %}' }, Output: { x: 1 }, Next: 'Yes' };
    assert.deepEqual(check({ Choices: [rule] }, 'JSONata'), []);
  });

  it('reject JSONPath operators and Variable', () => {
    const problems = check({ Choices: [{ Variable: '$.x', StringEquals: 'a', Condition: true, Next: 'Yes' }] }, 'JSONata');
    assert.deepEqual(codesAt(problems, 'Choices/0/Variable'), ['FIELD_NOT_ALLOWED']);
    assert.deepEqual(codesAt(problems, 'Choices/0/StringEquals'), ['FIELD_NOT_ALLOWED']);
  });

  it('need Next', () => {
    assert.deepEqual(codesAt(check({ Choices: [{ Condition: true }] }, 'JSONata'), 'Choices/0/Next'), ['FIELD_REQUIRED']);
  });
});
