/**
 * The in-memory runner's fast paths against its general one. Without history it steps synchronous
 * answers in the same call, counts children that end together in one step and lets the core run
 * fan-outs that cannot wait inline; with history (`keepHistory`) every child is a thread of its own.
 * Both must end every conformance case as the case expects.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import type { StateMachine } from '../../asl/index.ts';
import { validateStateMachine } from '../../asl/index.ts';
import { ResourceRegistry, type InvocationContext } from '../../resources/index.ts';
import type { Json } from '../../shared/index.ts';
import { MemoryRunner } from './runner.ts';

// The conformance fixtures and their resources live under test/, outside this package's rootDir: loaded
// by URL, with the little of their types used here.
interface Case {
  file: string;
  name: string;
  definition: Json;
  input?: Json;
  executionName?: string;
  expect: { status: string };
}
const fixtures = (path: string): Promise<unknown> => import(new URL(`../../../test/${path}`, import.meta.url).href);
const { checkOutcome, loadCases } = (await fixtures('conformance/cases.ts')) as {
  checkOutcome(expect: Case['expect'], got: { status: string; output?: Json; error?: string; cause?: string }): void;
  loadCases(): Case[];
};
const { registerTestResources } = (await fixtures('support/test-resources.ts')) as { registerTestResources(registry: ResourceRegistry): ResourceRegistry };

const registry = registerTestResources(new ResourceRegistry());
const runners = [false, true].map((keepHistory) => new MemoryRunner({ registry, virtualTime: true, keepHistory }));
after(() => runners.forEach((runner) => runner.close()));

describe('MemoryRunner with and without history', { concurrency: true }, () => {
  for (const c of loadCases()) {
    if (c.expect.status === 'INVALID') continue;
    it(`ends "${c.name}" (${c.file}) as expected either way`, async () => {
      assert.deepEqual(validateStateMachine(c.definition, { isKnownResource: (name) => registry.has(name) }), []);
      for (const runner of runners) {
        const result = await runner.run(c.definition as unknown as StateMachine, c.input ?? {}, { name: c.executionName ?? 'execution', workflowName: 'conformance' });
        checkOutcome(c.expect, { status: result.status, output: result.output, error: result.error, cause: result.cause });
      }
    });
  }
});

const mapOfTasks = (resource: string, MaxConcurrency: number): StateMachine =>
  ({
    StartAt: 'M',
    States: {
      M: {
        Type: 'Map',
        MaxConcurrency,
        ItemProcessor: { StartAt: 'T', States: { T: { Type: 'Task', Resource: resource, End: true } } },
        End: true,
      },
    },
  }) as unknown as StateMachine;

describe('MemoryRunner', () => {
  it('joins Map iterations whose tasks answer at once, within MaxConcurrency, in item order', async () => {
    const running: number[] = [];
    let peak = 0;
    const local = new ResourceRegistry()
      .register('sync', (input) => input)
      .register('async', async (input) => {
        running.push(0);
        peak = Math.max(peak, running.length);
        await new Promise((resolve) => setImmediate(resolve));
        running.pop();
        return input;
      });
    const runner = new MemoryRunner({ registry: local });
    const items = Array.from({ length: 25 }, (_, i) => i);
    for (const [resource, limit, most] of [['sync', 0, 0], ['sync', 3, 0], ['async', 4, 4], ['async', 0, 25]] as const) {
      peak = 0;
      const result = await runner.run(mapOfTasks(resource, limit), items);
      assert.deepEqual(result, { executionId: result.executionId, status: 'SUCCEEDED', output: items }, `${resource}, MaxConcurrency ${limit}`);
      assert.equal(peak, most);
    }
    runner.close();
  });

  it('goes on with a step that evaluated JSONata once its promise settles, keeping the thread busy meanwhile', async () => {
    const definition = {
      StartAt: 'A',
      States: {
        A: { Type: 'Pass', Parameters: { 'n.$': 'States.MathAdd($.n, 1)' }, Next: 'B' },
        B: { Type: 'Pass', QueryLanguage: 'JSONata', Output: { n: '{% $states.input.n * 10 %}' }, Next: 'C' },
        C: { Type: 'Task', Resource: 'test:echo', End: true },
      },
    } as unknown as StateMachine;
    const runner = new MemoryRunner({ registry });
    const results = await Promise.all([1, 2, 3].map((n) => runner.run(definition, { n })));
    assert.deepEqual(results.map((r) => r.output), [{ n: 20 }, { n: 30 }, { n: 40 }]);
    runner.close();
  });

  it('hands a handler a context whose heartbeat works taken out of it, and whose signal aborts on timeout', async () => {
    let seen: InvocationContext | null = null;
    const local = new ResourceRegistry().register('hang', (_input, context) => {
      seen = context;
      const { heartbeat } = context;
      heartbeat();
      return new Promise<Json>((_resolve, reject) => context.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    });
    const runner = new MemoryRunner({ registry: local, virtualTime: true });
    const definition = { StartAt: 'T', States: { T: { Type: 'Task', Resource: 'hang', TimeoutSeconds: 1, HeartbeatSeconds: 1, End: true } } };
    const result = await runner.run(definition as unknown as StateMachine, {}, { executionId: 'e-1', workflowName: 'w' });
    assert.equal(result.status, 'FAILED');
    assert.equal(result.error, 'States.Timeout');
    const context = seen as unknown as InvocationContext;
    assert.deepEqual([context.executionId, context.stateName, context.attempt, context.idempotencyKey], ['e-1', 'T', 0, 'e-1:T:0']);
    assert.equal(context.signal.aborted, true);
    runner.close();
  });
});
