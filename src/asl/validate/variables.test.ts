import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateStateMachine } from './index.ts';

const branchAssigning = (assign: Record<string, unknown>) => ({
  StartAt: 'B',
  States: { B: { Type: 'Pass', Assign: assign, End: true } },
});

describe('variable scopes', () => {
  it('reject an inner state assigning a variable that an outer state assigns', () => {
    const problems = validateStateMachine({
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Assign: { x: 1 }, Next: 'P' },
        P: { Type: 'Parallel', End: true, Branches: [branchAssigning({ x: 2 })] },
      },
    });
    assert.deepEqual(problems.map((p) => [p.code, p.pointer]), [['VARIABLE_SCOPE_CONFLICT', '/States/P/Branches/0/States/B/Assign/x']]);
  });

  it('count assignments in choice rules and catchers of the outer level, and ".$" keys by their name', () => {
    const problems = validateStateMachine({
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Variable: '$.a', IsPresent: true, Next: 'M', Assign: { seen: true } }], Default: 'M' },
        M: {
          Type: 'Map',
          End: true,
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'C', Assign: { failed: true } }],
          ItemProcessor: branchAssigning({ 'seen.$': '$.x', failed: false }),
        },
      },
    });
    assert.deepEqual(problems.map((p) => p.pointer).sort(), [
      '/States/M/ItemProcessor/States/B/Assign/failed',
      '/States/M/ItemProcessor/States/B/Assign/seen.$',
    ]);
  });

  it('let sibling branches use the same names', () => {
    const problems = validateStateMachine({
      StartAt: 'P',
      States: { P: { Type: 'Parallel', End: true, Branches: [branchAssigning({ x: 1 }), { StartAt: 'D', States: { D: { Type: 'Pass', Assign: { x: 2 }, End: true } } }] } },
    });
    assert.deepEqual(problems, []);
  });
});
