/**
 * Property-based: generated and mutated definitions and files never crash the validator. Every answer is
 * a list of problems, each with a stable code and a JSON pointer; a definition with no problem runs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadWorkflow, parseSource, validateStateMachine, type Problem } from './index.ts';

const scale = Number(process.env.NIGHTSHIFT_FUZZ_SCALE ?? 1);

const valid = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Parameters: { 'id.$': "States.Format('o-{}', $.n)", 'items.$': '$.items' }, Next: 'Route' },
    Route: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: 3, Next: 'Each' }], Default: 'Done' },
    Each: {
      Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 2,
      ItemProcessor: { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: 'noop', Retry: [{ ErrorEquals: ['States.ALL'] }], End: true } } },
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done' }],
      Next: 'Wait',
    },
    Wait: { Type: 'Wait', Seconds: 1, Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
};

function checkProblems(problems: Problem[]): void {
  assert.ok(Array.isArray(problems));
  for (const problem of problems) {
    assert.equal(typeof problem.code, 'string');
    assert.match(problem.code, /^[A-Z][A-Z0-9_]*$/, `stable code: ${problem.code}`);
    assert.equal(typeof problem.message, 'string');
    assert.ok(problem.pointer === '' || problem.pointer.startsWith('/'), `pointer: ${problem.pointer}`);
  }
}

/** A copy of `value` with the node at a random path replaced. */
function mutate(value: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return replacement;
  const keys = Object.keys(value as object);
  if (keys.length === 0) return replacement;
  const key = keys[path[0] % keys.length];
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as unknown as Record<string, unknown>) : { ...(value as Record<string, unknown>) };
  copy[key] = mutate((value as Record<string, unknown>)[key], path.slice(1), replacement);
  return copy;
}

const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('$', '$$', '$.a[*]', '$..x', "States.Format('{}', $.a)", 'States.Nope()', '{% $x + %}', '{% 1 %}', 'Pass', 'Task', 'Missing', -1, 0, 1.5, null, [], {}),
);

describe('validator fuzzing', () => {
  it('the valid base definition has no problem', () => {
    assert.deepEqual(validateStateMachine(valid, { isKnownResource: (r) => r === 'noop' }), []);
  });

  it('never throws on mutated definitions, and reports problems with codes and pointers', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 6 }), anyValue, (path, replacement) => {
        const definition = mutate(valid, path, replacement);
        checkProblems(validateStateMachine(definition, { isKnownResource: (r) => r === 'noop' }));
      }),
      { numRuns: 600 * scale },
    );
  });

  it('never throws on arbitrary JSON as a definition', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => checkProblems(validateStateMachine(value))), { numRuns: 400 * scale });
  });

  it('never throws on arbitrary text as a workflow file, YAML or JSON', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.constantFrom('wf.yaml', 'wf.json'), (text, file) => {
        parseSource(text, file);
        checkProblems(loadWorkflow(text, file).problems);
      }),
      { numRuns: 400 * scale },
    );
  });

  it('never throws on mutated wrapper files', () => {
    const wrapper = { name: 'fuzzed', mode: 'persistent', auth: 'key', parameters: { type: 'object' }, triggers: [{ http: {} }], definition: valid };
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 7 }), anyValue, (path, replacement) => {
        checkProblems(loadWorkflow(JSON.stringify(mutate(wrapper, path, replacement)), 'fuzzed.json', { isKnownResource: (r) => r === 'noop' }).problems);
      }),
      { numRuns: 400 * scale },
    );
  });
});
