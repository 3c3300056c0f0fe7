/**
 * The core's fast paths: step() answering at once when no JSONata is evaluated, fan-outs whose children
 * cannot wait run inline when no history is kept, and several children's ends counted in one step. Each
 * must give what the general path gives.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { StateMachine } from '../asl/index.ts';
import type { Json } from '../shared/index.ts';
import { compileMachine, type Machine } from './machine.ts';
import type { Command, ExecutionContext, Snapshot, StepEnv, StepEvent, StepResult } from './model.ts';
import { step } from './step.ts';

const context: ExecutionContext = {
  Execution: { Id: 'e1', Input: {}, Name: 'e1', StartTime: '2026-01-01T00:00:00.000Z' },
  StateMachine: { Id: 'm', Name: 'm' },
};

function env(recordHistory = true): StepEnv {
  let draws = 0;
  return { now: 1_000, random: () => (draws++ % 10) / 10, hash: () => 'hash', newTaskToken: () => 'token', context, recordHistory };
}

const machine = (definition: unknown): Machine => compileMachine(definition as StateMachine);

function only<T extends Command['type']>(result: StepResult, type: T): Extract<Command, { type: T }>[] {
  return result.commands.filter((c): c is Extract<Command, { type: T }> => c.type === type);
}

/**
 * Drives a machine to its end the way a runtime would: tasks answered with their input, children run
 * as threads of their own (each driven here too), their results collected.
 */
async function drive(m: Machine, input: Json, recordHistory: boolean, machineId = ''): Promise<StepResult> {
  const e = env(recordHistory);
  let result = await step(m, null, { type: 'start', machineId, input }, e);
  const children = new Map<string, { machineIds: string[]; inputs: Json[]; results: Json[] }>();
  for (;;) {
    const events: StepEvent[] = [];
    for (const command of result.commands) events.push(...(await answer(m, command, children, recordHistory)));
    if (events.length === 0) return result;
    for (const event of events) result = await step(m, result.snapshot, event, e);
  }
}

async function answer(m: Machine, command: Command, children: Map<string, { machineIds: string[]; inputs: Json[]; results: Json[] }>, recordHistory: boolean): Promise<StepEvent[]> {
  if (command.type === 'invoke') return [{ type: 'taskSucceeded', invocationId: command.invocationId, output: command.input }];
  if (command.type === 'createChildren') children.set(command.groupId, { machineIds: command.machineIds, inputs: command.inputs, results: [] });
  if (command.type === 'collectResults') return [{ type: 'childrenCollected', groupId: command.groupId, results: children.get(command.groupId)!.results }];
  if (command.type !== 'startChildren') return [];
  const group = children.get(command.groupId)!;
  const events: StepEvent[] = [];
  for (let index = command.from; index < command.from + command.count; index++) {
    const id = group.machineIds.length === 1 ? group.machineIds[0] : group.machineIds[index];
    const end = (await drive(m, group.inputs[index], recordHistory, id)).snapshot;
    group.results[index] = end.status === 'SUCCEEDED' ? (end.output as Json) : { Error: end.error as string, Cause: end.cause as string };
    events.push(end.status === 'SUCCEEDED' ? { type: 'childSucceeded', groupId: command.groupId, index } : { type: 'childFailed', groupId: command.groupId, index, error: end.error as string, cause: end.cause });
  }
  return events;
}

const mapOf = (itemProcessor: unknown, fields: Record<string, unknown> = {}) => ({
  StartAt: 'M',
  States: { M: { Type: 'Map', ItemsPath: '$.items', ItemProcessor: itemProcessor, ResultPath: '$.out', End: true, ...fields } },
});

const pricing = {
  StartAt: 'Price',
  States: {
    Price: { Type: 'Pass', Parameters: { 'net.$': 'States.MathAdd($.price, -1)', 'label.$': "States.Format('at {}', $.price)" }, Next: 'Cheap?' },
    'Cheap?': { Type: 'Choice', Choices: [{ Variable: '$.net', NumericLessThan: 10, Next: 'Cheap' }], Default: 'Dear' },
    Cheap: { Type: 'Pass', Result: 'cheap', ResultPath: '$.kind', End: true },
    Dear: { Type: 'Pass', Result: 'dear', ResultPath: '$.kind', End: true },
  },
};

const items = { items: [{ price: 3 }, { price: 30 }, { price: 7 }] };

function end(result: StepResult): Pick<Snapshot, 'status' | 'output' | 'error' | 'cause'> {
  const { status, output, error, cause } = result.snapshot;
  return { status, output, error, cause };
}

describe('step answers at once', () => {
  it('returns a plain result, not a promise, when no state evaluates JSONata', () => {
    const result = step(machine(mapOf(pricing)), null, { type: 'start', input: items }, env(false));
    assert.ok(!(result instanceof Promise));
    assert.equal(result.snapshot.status, 'SUCCEEDED');
  });

  it('returns a promise once a JSONata state is evaluated, with the same result as the JSONPath twin', async () => {
    const jsonPath = { StartAt: 'A', States: { A: { Type: 'Pass', Parameters: { 'sum.$': 'States.MathAdd($.a, $.b)' }, Next: 'B' }, B: { Type: 'Succeed' } } };
    const jsonata = { QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', Output: { sum: '{% $states.input.a + $states.input.b %}' }, Next: 'B' }, B: { Type: 'Succeed' } } };
    const sync = step(machine(jsonPath), null, { type: 'start', input: { a: 2, b: 3 } }, env());
    const later = step(machine(jsonata), null, { type: 'start', input: { a: 2, b: 3 } }, env());
    assert.ok(!(sync instanceof Promise));
    assert.ok(later instanceof Promise);
    const resolved = await later;
    assert.deepEqual(resolved.snapshot, (sync as StepResult).snapshot);
    assert.deepEqual(resolved.events, (sync as StepResult).events);
    assert.deepEqual(resolved.commands, (sync as StepResult).commands);
  });

  it('catches an error thrown at once as it catches one from a rejected promise', async () => {
    const catching = (QueryLanguage: string, fields: Record<string, unknown>) =>
      machine({
        QueryLanguage,
        StartAt: 'A',
        States: {
          A: { Type: 'Task', Resource: 'r', ...fields, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], End: true },
          Caught: { Type: 'Succeed' },
        },
      });
    const sync = step(catching('JSONPath', { Parameters: { 'x.$': '$.missing' } }), null, { type: 'start', input: {} }, env());
    const later = step(catching('JSONata', { Arguments: '{% $undefinedFunction() %}' }), null, { type: 'start', input: {} }, env());
    assert.ok(!(sync instanceof Promise));
    assert.ok(later instanceof Promise);
    assert.equal((sync.snapshot.output as { Error: string }).Error, 'States.ParameterPathFailure');
    assert.equal(((await later).snapshot.output as { Error: string }).Error, 'States.QueryEvaluationError');
  });
});

describe('inline fan-outs', () => {
  it('run a Map whose iterations cannot wait inside the step, with the results of iterations run as threads', async () => {
    const m = machine(mapOf(pricing));
    const inline = await step(m, null, { type: 'start', input: items }, env(false));
    assert.deepEqual(inline.commands.map((c) => c.type), ['complete']);
    assert.deepEqual(end(inline), end(await drive(m, items, true)));
    assert.deepEqual(inline.snapshot.output, {
      items: items.items,
      out: [
        { net: 2, label: 'at 3', kind: 'cheap' },
        { net: 29, label: 'at 30', kind: 'dear' },
        { net: 6, label: 'at 7', kind: 'cheap' },
      ],
    });
  });

  it('run JSONata states inside inline iterations (the step answers with a promise)', async () => {
    const processor = { QueryLanguage: 'JSONata', StartAt: 'Double', States: { Double: { Type: 'Pass', Output: '{% $states.input.price * 2 %}', End: true } } };
    const m = machine(mapOf(processor));
    const result = step(m, null, { type: 'start', input: items }, env(false));
    assert.ok(result instanceof Promise);
    const done = await result;
    assert.deepEqual(done.commands.map((c) => c.type), ['complete']);
    assert.deepEqual(end(done), end(await drive(m, items, true)));
    assert.deepEqual((done.snapshot.output as { out: Json }).out, [6, 60, 14]);
  });

  it('run nested Maps and Parallels inline, and catch an iteration failure on the Map', async () => {
    const failing = { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'E.Inner', Cause: 'no' } } };
    const inner = { StartAt: 'P', States: { P: { Type: 'Parallel', Branches: [mapOf(pricing), failing], End: true } } };
    const m = machine({
      StartAt: 'M',
      States: {
        M: { Type: 'Map', ItemsPath: '$.batches', ItemProcessor: inner, Catch: [{ ErrorEquals: ['E.Inner'], ResultPath: '$.caught', Next: 'Done' }], Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    });
    const input = { batches: [items, items] };
    const inline = await step(m, null, { type: 'start', input }, env(false));
    assert.deepEqual(inline.commands.map((c) => c.type), ['complete']);
    assert.deepEqual(end(inline), end(await drive(m, input, true)));
    assert.deepEqual((inline.snapshot.output as { caught: Json }).caught, { Error: 'E.Inner', Cause: 'no' });
  });

  it('count failures within the tolerance as threads do, and fail past it with the same cause', async () => {
    const failing = { StartAt: 'C', States: { C: { Type: 'Choice', Choices: [{ Variable: '$.price', NumericGreaterThan: 5, Next: 'F' }], Default: 'Ok' }, F: { Type: 'Fail', Error: 'E.Dear', Cause: 'too dear' }, Ok: { Type: 'Succeed' } } };
    for (const ToleratedFailureCount of [2, 1, 0]) {
      const m = machine(mapOf(failing, { ToleratedFailureCount }));
      const inline = await step(m, null, { type: 'start', input: items }, env(false));
      assert.equal(only(inline, 'createChildren').length, 0);
      assert.deepEqual(end(inline), end(await drive(m, items, true)), `ToleratedFailureCount ${ToleratedFailureCount}`);
    }
  });

  it('fall back to threads when an iteration can wait, loop, or history is kept', () => {
    const waiting = [
      { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'r', End: true } } },
      { StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 1, End: true } } },
      { StartAt: 'M', States: { M: { Type: 'Map', Retry: [{ ErrorEquals: ['States.ALL'] }], ItemProcessor: pricing, End: true } } },
      { StartAt: 'L', States: { L: { Type: 'Choice', Choices: [{ Variable: '$.price', NumericLessThan: 0, Next: 'L' }], Default: 'S' }, S: { Type: 'Succeed' } } },
    ];
    for (const processor of waiting) {
      const result = step(machine(mapOf(processor)), null, { type: 'start', input: items }, env(false)) as StepResult;
      assert.deepEqual(result.commands.map((c) => c.type), ['createChildren', 'startChildren'], JSON.stringify(processor));
    }
    const kept = step(machine(mapOf(pricing)), null, { type: 'start', input: items }, env(true)) as StepResult;
    assert.deepEqual(kept.commands.map((c) => c.type), ['createChildren', 'startChildren']);
  });
});

describe('children ending together', () => {
  it('count several successes in one step as they count one by one, starting more within MaxConcurrency', () => {
    const m = machine(mapOf({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'r', End: true } } }, { MaxConcurrency: 2 }));
    const input = { items: [1, 2, 3, 4, 5] };
    const first = step(m, null, { type: 'start', input }, env(false)) as StepResult;
    const [group] = only(first, 'startChildren');
    const both = step(m, first.snapshot, { type: 'childrenSucceeded', groupId: group.groupId, indexes: [0, 1] }, env(false)) as StepResult;
    assert.deepEqual(only(both, 'startChildren').map((c) => [c.from, c.count]), [[2, 2]]);
    const stale = step(m, both.snapshot, { type: 'childrenSucceeded', groupId: 'g-other', indexes: [2] }, env(false)) as StepResult;
    assert.deepEqual(stale.commands, []);
    const rest = step(m, stale.snapshot, { type: 'childrenSucceeded', groupId: group.groupId, indexes: [3, 2, 9] }, env(false)) as StepResult;
    assert.deepEqual(only(rest, 'startChildren').map((c) => [c.from, c.count]), [[4, 1]]);
    const last = step(m, rest.snapshot, { type: 'childSucceeded', groupId: group.groupId, index: 4 }, env(false)) as StepResult;
    assert.deepEqual(last.commands, [{ type: 'collectResults', groupId: group.groupId }]);
  });
});
