import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileParametersSchema, loadWorkflow } from './index.ts';

const definition = { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } };
const load = (document: unknown) => loadWorkflow(JSON.stringify(document, null, 1), 'wf.json');

describe('patterns that run over callers\' input', () => {
  it('answers a catastrophic-backtracking pattern over a hostile input at once, on a linear-time engine', { timeout: 20_000 }, () => {
    // On a backtracking engine this call takes 2^40 steps (hours); the test's timeout fails it there.
    const validate = compileParametersSchema({ type: 'object', properties: { s: { type: 'string', pattern: '^(a+)+$' } } });
    assert.equal(validate({ s: `${'a'.repeat(40)}!` }), false);
    assert.equal(validate({ s: 'a'.repeat(100_000) }), true);
  });

  it('applies patternProperties on the same engine, each key with its own pattern', () => {
    const validate = compileParametersSchema({
      type: 'object',
      properties: { s: { type: 'string', pattern: '^(a+)+$' } },
      patternProperties: { '^x(y+)+$': { type: 'number' }, '^é\\u00e9$': { type: 'string' } },
    });
    assert.equal(validate({ [`x${'y'.repeat(40)}!`]: 'not a number' }), true);
    assert.equal(validate({ xyyy: 'not a number' }), false);
    assert.equal(validate({ 'éé': 1 }), false);
    assert.equal(validate({ s: 'aa', xy: 2, 'éé': 'ok' }), true);
  });

  it('refuses at load a pattern with a backreference or lookaround, at its pointer and line', () => {
    const { workflow, problems } = load({
      name: 'hostile',
      parameters: { type: 'object', properties: { s: { type: 'string', pattern: '^(a)\\1$' }, t: { pattern: '^(?=a)' } }, patternProperties: { '(?!x)': {} }, default: { pattern: '(a)\\1' } },
      definition,
    });
    assert.equal(workflow, null);
    assert.deepEqual(problems.map((p) => [p.code, p.pointer, p.line]), [
      ['PATTERN_UNSUPPORTED', '/parameters/properties/s/pattern', 8],
      ['PATTERN_UNSUPPORTED', '/parameters/properties/t/pattern', 11],
      ['PATTERN_UNSUPPORTED', '/parameters/patternProperties/(?!x)', 15],
    ]);
    assert.match(problems[0].message, /"\^\(a\)\\\\1\$" cannot run in linear time/);
  });

  it('refuses at load a JSONata regex literal the linear-time engine cannot run', () => {
    const state = { Type: 'Pass', Output: '{% $match($states.input.s, /(a)\\1/) %}', End: true };
    const { problems } = load({ QueryLanguage: 'JSONata', StartAt: 'A', States: { A: state } });
    assert.deepEqual(problems.map((p) => [p.code, p.pointer]), [['PATTERN_UNSUPPORTED', '/States/A/Output']]);
  });
});
