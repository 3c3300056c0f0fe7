import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultLimits } from '../shared/index.ts';
import { loadWorkflow } from './index.ts';

function chain(states: number, nested = 0): Record<string, unknown> {
  const States: Record<string, unknown> = {};
  for (let i = 0; i < states; i++) States[`S${nested}_${i}`] = i === states - 1 ? { Type: 'Pass', End: true } : { Type: 'Pass', Next: `S${nested}_${i + 1}` };
  return { StartAt: `S${nested}_0`, States };
}

describe('the size of a definition', () => {
  it('refuses a definition with more states than limits.maxDefinitionStates, pointing at its States, without validating it', () => {
    const text = JSON.stringify({ name: 'big', definition: chain(11) }, null, 1);
    const { workflow, problems } = loadWorkflow(text, 'big.json', { limits: { maxStates: 10 } });
    assert.equal(workflow, null);
    assert.deepEqual(problems.map((p) => [p.code, p.pointer, p.file, p.line]), [['DEFINITION_TOO_LARGE', '/definition/States', 'big.json', 5]]);
    assert.match(problems[0].message, /more than 10 states .*limits\.maxDefinitionStates/);
  });

  it('counts the states of Parallel branches and Map processors too', () => {
    const definition = {
      StartAt: 'P',
      States: { P: { Type: 'Parallel', Branches: [chain(4, 1), chain(4, 2)], Next: 'M' }, M: { Type: 'Map', ItemProcessor: chain(4, 3), End: true } },
    };
    assert.deepEqual(loadWorkflow(JSON.stringify(definition), 'nested.json', { limits: { maxStates: 14 } }).problems, []);
    const { problems } = loadWorkflow(JSON.stringify(definition), 'nested.json', { limits: { maxStates: 13 } });
    assert.deepEqual(problems.map((p) => [p.code, p.pointer]), [['DEFINITION_TOO_LARGE', '/States']]);
  });

  it('refuses a file over limits.maxDefinitionBytes before parsing it', () => {
    const text = `{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}, "Comment": "${'é'.repeat(600)}"}`;
    const { workflow, problems } = loadWorkflow(text, 'wide.json', { limits: { maxBytes: 1000 } });
    assert.equal(workflow, null);
    assert.deepEqual(problems.map((p) => [p.code, p.file, p.line, p.column]), [['DEFINITION_TOO_LARGE', 'wide.json', 1, 1]]);
    assert.match(problems[0].message, /1279 bytes, more than the 1000 .*limits\.maxDefinitionBytes/);
    assert.deepEqual(loadWorkflow(text, 'wide.json', { limits: { maxBytes: 1279 } }).problems, []);
  });

  it('has defaults of 1 MiB and 10 000 states', () => {
    assert.equal(defaultLimits.maxDefinitionBytes, 1024 * 1024);
    assert.equal(defaultLimits.maxDefinitionStates, 10_000);
    assert.equal(loadWorkflow(JSON.stringify(chain(10_001)), 'more.json').problems[0]?.code, 'DEFINITION_TOO_LARGE');
  });

  it('reports a key written twice in the same mapping at the second one, in a mapping of thousands of keys', () => {
    const states = Array.from({ length: 5000 }, (_, i) => `"S${i}": {"Type": "Pass", "End": true}`);
    states.push('"S17": {"Type": "Pass", "End": true}');
    const { problems } = loadWorkflow(`{"StartAt": "S0", "States": {\n${states.join(',\n')}}}`, 'twice.json', { limits: { maxStates: 10_000 } });
    assert.deepEqual(problems.filter((p) => p.code === 'DUPLICATE_KEY').map((p) => [p.pointer, p.line]), [['/States/S17', 5002]]);
  });
});
