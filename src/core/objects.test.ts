import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StateMachine } from '../asl/index.ts';
import type { Json, JsonObject } from '../shared/index.ts';
import { compileMachine } from './machine.ts';
import type { StepEnv, StepResult } from './model.ts';
import { setMember, withMember } from './objects.ts';
import { step } from './step.ts';

const env: StepEnv = {
  now: 0,
  random: () => 0.5,
  hash: () => '',
  newTaskToken: () => 't',
  context: { Execution: { Id: 'e', Input: {}, Name: 'e', StartTime: '2026-01-01T00:00:00.000Z' }, StateMachine: { Id: 'm', Name: 'm' } },
};

const parsed = (text: string): JsonObject => JSON.parse(text) as JsonObject;

function run(pass: Record<string, unknown>, input: Json): Json {
  const machine = compileMachine({ StartAt: 'P', States: { P: { Type: 'Pass', End: true, ...pass } } } as unknown as StateMachine);
  return (step(machine, null, { type: 'start', input }, env) as StepResult).snapshot.output as Json;
}

describe('JSON objects built member by member', () => {
  it('keep a "__proto__" key an ordinary member, never the prototype', () => {
    const target: JsonObject = {};
    setMember(target, '__proto__', { polluted: true });
    assert.equal(Object.getPrototypeOf(target), Object.prototype);
    assert.deepEqual(Object.keys(target), ['__proto__']);
    const copy = withMember(parsed('{"__proto__": {"x": 1}, "a": 1}'), 'b', 2);
    assert.equal(Object.getPrototypeOf(copy), Object.prototype);
    assert.equal(JSON.stringify(copy), '{"__proto__":{"x":1},"a":1,"b":2}');
  });

  it('copy like a spread: a present member keeps its place, a new one comes last', () => {
    const source = { b: 1, a: 2, 3: 'three' };
    assert.deepEqual(Object.entries(withMember(source, 'b', 9)), Object.entries({ ...source, b: 9 }));
    assert.deepEqual(Object.entries(withMember(source, 'z', 9)), Object.entries({ ...source, z: 9 }));
    assert.deepEqual(source, { b: 1, a: 2, 3: 'three' });
  });

  it('build Parameters and ResultPath output with "__proto__" as data', () => {
    const output = run({ Parameters: parsed('{"__proto__": {"x": 1}, "a.$": "$.a"}') }, { a: 7 });
    assert.equal(JSON.stringify(output), '{"__proto__":{"x":1},"a":7}');
    assert.equal(Object.getPrototypeOf(output), Object.prototype);
    const written = run({ Result: 'r', ResultPath: '$.__proto__' }, { a: 1 });
    assert.equal(JSON.stringify(written), '{"a":1,"__proto__":"r"}');
    assert.equal(Object.getPrototypeOf(written), Object.prototype);
  });
});
