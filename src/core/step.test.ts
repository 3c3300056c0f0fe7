import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { StateMachine } from '../asl/index.ts';
import type { Json } from '../shared/index.ts';
import { maxTransitionsPerStep } from './limits.ts';
import { compileMachine } from './machine.ts';
import type { Command, ExecutionContext, Snapshot, StepEnv, StepEvent, StepResult } from './model.ts';
import { step } from './step.ts';

const context: ExecutionContext = {
  Execution: { Id: 'e1', Input: {}, Name: 'e1', StartTime: '2026-01-01T00:00:00.000Z' },
  StateMachine: { Id: 'm', Name: 'm' },
};

function env(now = 1_000_000, random = () => 0.5): StepEnv {
  let tokens = 0;
  return {
    now,
    random,
    hash: (algorithm, data) => createHash(algorithm.replace('-', '').toLowerCase()).update(data).digest('hex'),
    newTaskToken: () => `token-${++tokens}`,
    context,
  };
}



function machine(definition: unknown) {
  return compileMachine(definition as StateMachine);
}

async function start(definition: unknown, input: Json = {}, at = 1_000_000): Promise<StepResult> {
  return await step(machine(definition), null, { type: 'start', input }, env(at));
}

function only<T extends Command['type']>(result: StepResult, type: T): Extract<Command, { type: T }>[] {
  return result.commands.filter((c): c is Extract<Command, { type: T }> => c.type === type);
}

const taskMachine = (fields: Record<string, unknown>) => ({
  StartAt: 'T',
  States: { T: { Type: 'Task', Resource: 'r', End: true, ...fields } },
});

describe('step', () => {
  it('runs Pass and Choice states in one step and completes with the output', async () => {
    const result = await start(
      {
        StartAt: 'P',
        States: {
          P: { Type: 'Pass', Result: 3, ResultPath: '$.n', Next: 'C' },
          C: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericEquals: 3, Next: 'S' }] },
          S: { Type: 'Succeed' },
        },
      },
      { a: 1 },
    );
    assert.equal(result.snapshot.status, 'SUCCEEDED');
    assert.deepEqual(result.commands, [{ type: 'complete', output: { a: 1, n: 3 } }]);
    assert.deepEqual(
      result.events.map((e) => e.type),
      ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ChoiceStateEntered', 'ChoiceStateExited', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded'],
    );
  });

  it('asks for an invoke and waits; the task result finishes the state', async () => {
    const m = machine(taskMachine({ Parameters: { 'x.$': '$.v' } }));
    const first = await step(m, null, { type: 'start', input: { v: 7 } }, env());
    const [invoke] = only(first, 'invoke');
    assert.deepEqual(
      { resource: invoke.resource, input: invoke.input, stateName: invoke.stateName, attempt: invoke.attempt, taskToken: invoke.taskToken },
      { resource: 'r', input: { x: 7 }, stateName: 'T', attempt: 0, taskToken: null },
    );
    assert.equal(first.snapshot.status, 'RUNNING');
    const done = await step(m, first.snapshot, { type: 'taskSucceeded', invocationId: invoke.invocationId, output: 'ok' }, env());
    assert.deepEqual(done.commands, [{ type: 'complete', output: 'ok' }]);
  });

  it('turns TimeoutSeconds and HeartbeatSeconds into timers, and a timeout into States.Timeout', async () => {
    const m = machine(taskMachine({ TimeoutSeconds: 10, HeartbeatSeconds: 3 }));
    const first = await step(m, null, { type: 'start', input: {} }, env(0));
    const timers = only(first, 'wakeAt');
    assert.deepEqual(timers.map((t) => [t.purpose, t.at]), [['timeout', 10_000], ['heartbeat', 3_000]]);
    const [invoke] = only(first, 'invoke');
    const fired = await step(m, first.snapshot, { type: 'timerFired', timerId: timers[0].timerId }, env(10_000));
    assert.equal(fired.snapshot.status, 'FAILED');
    assert.equal(fired.snapshot.error, 'States.Timeout');
    assert.deepEqual(only(fired, 'cancelInvocation').map((c) => c.invocationId), [invoke.invocationId]);
  });

  it('replaces the heartbeat timer on a heartbeat and ignores the stale one', async () => {
    const m = machine(taskMachine({ HeartbeatSeconds: 5 }));
    const first = await step(m, null, { type: 'start', input: {} }, env(0));
    const [invoke] = only(first, 'invoke');
    const [oldTimer] = only(first, 'wakeAt');
    const beat = await step(m, first.snapshot, { type: 'taskHeartbeat', invocationId: invoke.invocationId }, env(4_000));
    assert.deepEqual(only(beat, 'cancelTimer').map((c) => c.timerId), [oldTimer.timerId]);
    const [newTimer] = only(beat, 'wakeAt');
    assert.equal(newTimer.at, 9_000);
    const stale = await step(m, beat.snapshot, { type: 'timerFired', timerId: oldTimer.timerId }, env(5_000));
    assert.equal(stale.snapshot.status, 'RUNNING');
    const missed = await step(m, stale.snapshot, { type: 'timerFired', timerId: newTimer.timerId }, env(9_000));
    assert.equal(missed.snapshot.error, 'States.HeartbeatTimeout');
  });

  it('waits with a timer at now + Seconds and moves on when that timer fires', async () => {
    const m = machine({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } });
    const first = await step(m, null, { type: 'start', input: { k: 1 } }, env(0));
    const [timer] = only(first, 'wakeAt');
    assert.deepEqual([timer.purpose, timer.at], ['wait', 60_000]);
    const other = await step(m, first.snapshot, { type: 'timerFired', timerId: 'nope' }, env(1));
    assert.equal(other.snapshot.status, 'RUNNING');
    const done = await step(m, other.snapshot, { type: 'timerFired', timerId: timer.timerId }, env(60_000));
    assert.deepEqual(done.commands, [{ type: 'complete', output: { k: 1 } }]);
  });

  it('backs off exponentially up to MaxDelaySeconds between retries', async () => {
    const m = machine(taskMachine({ Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 2, BackoffRate: 3, MaxAttempts: 4, MaxDelaySeconds: 10 }] }));
    let result = await step(m, null, { type: 'start', input: {} }, env(0));
    const delays: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      const [invoke] = only(result, 'invoke');
      assert.equal(invoke.attempt, attempt);
      result = await step(m, result.snapshot, { type: 'taskFailed', invocationId: invoke.invocationId, error: 'E' }, env(0));
      const [timer] = only(result, 'wakeAt');
      if (!timer) break;
      delays.push(timer.at);
      result = await step(m, result.snapshot, { type: 'timerFired', timerId: timer.timerId }, env(0));
    }
    assert.deepEqual(delays, [2_000, 6_000, 10_000, 10_000]);
    assert.equal(result.snapshot.error, 'E');
  });

  it('draws FULL jitter from the injected randomness only', async () => {
    const m = machine(taskMachine({ Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 10, JitterStrategy: 'FULL' }] }));
    const first = await step(m, null, { type: 'start', input: {} }, env(0));
    const [invoke] = only(first, 'invoke');
    const failed = await step(m, first.snapshot, { type: 'taskFailed', invocationId: invoke.invocationId, error: 'E' }, env(0, () => 0.25));
    assert.equal(only(failed, 'wakeAt')[0].at, 2_500);
  });

  it('starts at most MaxConcurrency Map iterations, then one per completion', async () => {
    const m = machine({
      StartAt: 'M',
      States: { M: { Type: 'Map', MaxConcurrency: 2, ItemProcessor: { StartAt: 'X', States: { X: { Type: 'Pass', End: true } } }, End: true } },
    });
    const first = await step(m, null, { type: 'start', input: [10, 20, 30] }, env());
    const [created] = only(first, 'createChildren');
    assert.deepEqual([created.inputs, created.machineIds], [[10, 20, 30], ['/States/M/ItemProcessor']]);
    const [group] = only(first, 'startChildren');
    assert.deepEqual([group.from, group.count], [0, 2]);
    const second = await step(m, first.snapshot, { type: 'childSucceeded', groupId: group.groupId, index: 1 }, env());
    assert.deepEqual(only(second, 'startChildren').map((c) => [c.from, c.count]), [[2, 1]]);
    const third = await step(m, second.snapshot, { type: 'childSucceeded', groupId: group.groupId, index: 0 }, env());
    assert.deepEqual(third.commands, []);
    const last = await step(m, third.snapshot, { type: 'childSucceeded', groupId: group.groupId, index: 2 }, env());
    assert.deepEqual(last.commands, [{ type: 'collectResults', groupId: group.groupId }]);
    const done = await step(m, last.snapshot, { type: 'childrenCollected', groupId: group.groupId, results: ['a', 'b', 'c'] }, env());
    assert.deepEqual(done.commands, [{ type: 'complete', output: ['a', 'b', 'c'] }]);
  });

  it('yields with a continue command after a bounded number of transitions', async () => {
    const loop = {
      StartAt: 'Inc',
      States: {
        Inc: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Next: 'Check' },
        Check: { Type: 'Choice', Choices: [{ Variable: '$.n', NumericLessThan: 1000, Next: 'Inc' }], Default: 'Done' },
        Done: { Type: 'Succeed' },
      },
    };
    const m = machine(loop);
    let result = await step(m, null, { type: 'start', input: { n: 0 } }, env());
    let yields = 0;
    while (result.snapshot.status === 'RUNNING') {
      assert.deepEqual(result.commands, [{ type: 'continue' }]);
      yields++;
      result = await step(m, result.snapshot, { type: 'continue' }, env());
    }
    assert.equal(yields, Math.floor(2000 / maxTransitionsPerStep));
    assert.deepEqual(result.snapshot.output, { n: 1000 });
  });

  it('aborts on stop, calling off the invocation and the timers', async () => {
    const m = machine(taskMachine({ TimeoutSeconds: 5 }));
    const first = await step(m, null, { type: 'start', input: {} }, env());
    const stopped = await step(m, first.snapshot, { type: 'stop', error: 'Stopped', cause: 'by a test' }, env());
    assert.equal(stopped.snapshot.status, 'ABORTED');
    assert.deepEqual(stopped.commands.map((c) => c.type), ['cancelInvocation', 'cancelTimer', 'fail']);
  });

  it('times the whole execution out with TimeoutSeconds', async () => {
    const m = machine({ TimeoutSeconds: 30, StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 3600, End: true } } });
    const first = await step(m, null, { type: 'start', input: {} }, env(0));
    const timer = only(first, 'wakeAt').find((t) => t.purpose === 'execution-timeout');
    assert.equal(timer?.at, 30_000);
    const out = await step(m, first.snapshot, { type: 'timerFired', timerId: timer!.timerId }, env(30_000));
    assert.equal(out.snapshot.status, 'TIMED_OUT');
    assert.equal(out.snapshot.error, 'States.Timeout');
  });

  it('gives the same result for the same snapshot, event and env: no hidden clock or randomness', async () => {
    const definition = {
      StartAt: 'P',
      States: { P: { Type: 'Pass', Parameters: { 'id.$': 'States.UUID()', 'r.$': 'States.MathRandom(1, 100)', 't.$': '$$.State.EnteredTime' }, End: true } },
    };
    const a = await step(machine(definition), null, { type: 'start', input: {} }, env(5, () => 0.3));
    const b = await step(machine(definition), null, { type: 'start', input: {} }, env(5, () => 0.3));
    assert.deepEqual(a, b);
  });
});

describe('snapshots', () => {
  /** Drives a machine to its end the way a durable runtime would: every snapshot through JSON. */
  async function drive(definition: unknown, input: Json, handler: (input: Json) => Json): Promise<Snapshot> {
    const m = machine(definition);
    const threads = new Map<string, Snapshot>();
    const queue: Array<{ thread: string; event: StepEvent }> = [{ thread: 'root', event: { type: 'start', input } }];
    const parents = new Map<string, { thread: string; groupId: string; index: number }>();
    const groups = new Map<string, { machineIds: string[]; inputs: Json[]; outerVars: Record<string, Json>; results: Json[] }>();
    let root: Snapshot | undefined;
    while (queue.length > 0) {
      const { thread, event } = queue.shift()!;
      const stored = threads.get(thread);
      const result = await step(m, stored ? (JSON.parse(JSON.stringify(stored)) as Snapshot) : null, event, env());
      threads.set(thread, JSON.parse(JSON.stringify(result.snapshot)) as Snapshot);
      if (thread === 'root') root = result.snapshot;
      for (const c of result.commands) {
        if (c.type === 'invoke') queue.push({ thread, event: { type: 'taskSucceeded', invocationId: c.invocationId, output: handler(c.input) } });
        if (c.type === 'wakeAt' && c.purpose !== 'execution-timeout') queue.push({ thread, event: { type: 'timerFired', timerId: c.timerId } });
        if (c.type === 'continue') queue.push({ thread, event: { type: 'continue' } });
        if (c.type === 'createChildren') groups.set(`${thread}/${c.groupId}`, { ...c, results: [] });
        if (c.type === 'collectResults') queue.push({ thread, event: { type: 'childrenCollected', groupId: c.groupId, results: groups.get(`${thread}/${c.groupId}`)!.results } });
        if (c.type === 'startChildren') {
          const group = groups.get(`${thread}/${c.groupId}`)!;
          for (let index = c.from; index < c.from + c.count; index++) {
            const id = `${thread}/${c.groupId}.${index}`;
            parents.set(id, { thread, groupId: c.groupId, index });
            const machineId = group.machineIds[group.machineIds.length === 1 ? 0 : index];
            queue.push({ thread: id, event: { type: 'start', machineId, input: group.inputs[index], outerVars: group.outerVars } });
          }
        }
        const parent = parents.get(thread);
        if (parent && c.type === 'complete') {
          groups.get(`${parent.thread}/${parent.groupId}`)!.results[parent.index] = c.output;
          queue.push({ thread: parent.thread, event: { type: 'childSucceeded', groupId: parent.groupId, index: parent.index } });
        }
        if (parent && c.type === 'fail') queue.push({ thread: parent.thread, event: { type: 'childFailed', groupId: parent.groupId, index: parent.index, error: c.error, cause: c.cause } });
      }
    }
    return root!;
  }

  it('count retries of every Retrier before the one used as 0, so stored counters are all numbers', async () => {
    const m = machine({
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: 'r', Retry: [{ ErrorEquals: ['Other'], MaxAttempts: 0 }, { ErrorEquals: ['States.ALL'], MaxAttempts: 2 }], End: true } },
    });
    const first = await step(m, null, { type: 'start', input: {} }, env());
    const [invoke] = only(first, 'invoke');
    const failed = await step(m, first.snapshot, { type: 'taskFailed', invocationId: invoke.invocationId, error: 'Boom' }, env());
    assert.deepEqual(JSON.parse(JSON.stringify(failed.snapshot.retryCounts)), [0, 1]);
  });

  it('survive a JSON round trip between every step, as a durable runtime stores them', async () => {
    const definition = {
      StartAt: 'Prepare',
      States: {
        Prepare: { Type: 'Pass', Assign: { factor: 10 }, Parameters: { 'items.$': 'States.ArrayRange(1, 4, 1)' }, Next: 'Each' },
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          MaxConcurrency: 2,
          ItemProcessor: {
            StartAt: 'Times',
            States: {
              Times: { Type: 'Task', Resource: 'double', Parameters: { 'n.$': '$', 'f.$': '$factor' }, Next: 'Pause' },
              Pause: { Type: 'Wait', Seconds: 100, End: true },
            },
          },
          ResultPath: '$.results',
          Next: 'Both',
        },
        Both: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Sum', States: { Sum: { Type: 'Pass', Parameters: { 'total.$': 'States.ArrayLength($.results)' }, End: true } } },
            { StartAt: 'Echo', States: { Echo: { Type: 'Task', Resource: 'double', Parameters: { n: 1, f: 1 }, End: true } } },
          ],
          End: true,
        },
      },
    };
    const handler = (input: Json) => {
      const { n, f } = input as { n: number; f: number };
      return n * f * 2;
    };
    const end = await drive(definition, {}, handler);
    assert.equal(end.status, 'SUCCEEDED');
    assert.deepEqual(end.output, [{ total: 4 }, 2]);
  });
});

describe('unsupported Map features', () => {
  it('fails a Map with an ItemReader with States.ItemReaderFailed, which Catch can handle', async () => {
    const result = await start({
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemReader: { Resource: 'arn:aws:states:::s3:getObject', Parameters: { Bucket: 'b', Key: 'k' } },
          ItemProcessor: { StartAt: 'X', States: { X: { Type: 'Pass', End: true } } },
          Catch: [{ ErrorEquals: ['States.ItemReaderFailed'], Next: 'Caught' }],
          End: true,
        },
        Caught: { Type: 'Pass', End: true },
      },
    });
    assert.equal(result.snapshot.status, 'SUCCEEDED');
    assert.equal((result.snapshot.output as { Error: string }).Error, 'States.ItemReaderFailed');
  });
});

describe('redrive', () => {
  it('runs a failed execution again from the failed state, keeping what ran before', async () => {
    const m = machine({
      StartAt: 'A',
      States: { A: { Type: 'Pass', Result: 1, ResultPath: '$.a', Next: 'T' }, T: { Type: 'Task', Resource: 'r', End: true } },
    });
    const first = await step(m, null, { type: 'start', input: {} }, env());
    const [invoke] = only(first, 'invoke');
    const failed = await step(m, first.snapshot, { type: 'taskFailed', invocationId: invoke.invocationId, error: 'Boom' }, env());
    assert.equal(failed.snapshot.status, 'FAILED');
    const again = await step(m, failed.snapshot, { type: 'redrive' }, env());
    assert.equal(again.snapshot.status, 'RUNNING');
    assert.equal(again.snapshot.redriveCount, 1);
    assert.deepEqual(again.events.map((e) => e.type), ['ExecutionRedriven', 'TaskStateEntered', 'TaskScheduled']);
    const [retry] = only(again, 'invoke');
    assert.deepEqual(retry.input, { a: 1 });
    const done = await step(m, again.snapshot, { type: 'taskSucceeded', invocationId: retry.invocationId, output: 'ok' }, env());
    assert.equal(done.snapshot.status, 'SUCCEEDED');
  });

  it('leaves a succeeded execution as it is', async () => {
    const done = await start({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });
    const again = await step(machine({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }), done.snapshot, { type: 'redrive' }, env());
    assert.deepEqual(again.commands, []);
  });
});
