/**
 * What every resource must do, whatever it talks to: answer JSON, fail with a named ASL error through
 * TaskFailure, stop when its signal is aborted, and answer a value that survives JSON serialization (the
 * runtime stores it as jsonb). A resource's test file calls `resourceContract` once per resource name.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TaskFailure, type InvocationContext, type ResourceHandler } from '../../src/resources/index.ts';
import type { Json } from '../../src/shared/index.ts';

export interface ResourceFixture {
  handler: ResourceHandler;
  /** An input the resource answers successfully. */
  validInput: Json;
  /** An input the resource fails on with `expectedError`. */
  failingInput: Json;
  expectedError: string;
  /** An input that keeps the resource busy until it is aborted (a peer that never answers). */
  slowInput?: Json;
  /** How many effects the peer has seen so far (requests received, mails sent), to check an aborted call makes none. */
  effects?(): number;
  close(): Promise<void>;
}

/** How long a resource may take to give up once its signal is aborted. */
const abortBudgetMs = 1000;

/** A context as the runtime builds one; `signal` defaults to one that never aborts. */
export function makeContext(overrides: Partial<InvocationContext> = {}): InvocationContext {
  const executionId = overrides.executionId ?? 'execution-1';
  const stateName = overrides.stateName ?? 'Call';
  const attempt = overrides.attempt ?? 0;
  return {
    executionId,
    workflowName: 'contract',
    stateName,
    attempt,
    idempotencyKey: `${executionId}:${stateName}:${attempt}`,
    taskToken: null,
    signal: new AbortController().signal,
    heartbeat: () => {},
    identity: null,
    authored: null,
    ...overrides,
  };
}

export function resourceContract(name: string, make: () => Promise<ResourceFixture>): void {
  const withFixture = (test: (fixture: ResourceFixture) => Promise<void>) => async () => {
    const fixture = await make();
    try {
      await test(fixture);
    } finally {
      await fixture.close();
    }
  };

  describe(`resource contract: ${name}`, () => {
    it('answers JSON for a valid input', withFixture(async ({ handler, validInput }) => {
      const output = await invoke(handler, validInput, makeContext());
      assert.ok(isJson(output), `${name} answered something that is not JSON: ${String(output)}`);
    }));

    it('answers a value that round-trips through JSON.stringify and JSON.parse', withFixture(async ({ handler, validInput }) => {
      const output = await invoke(handler, validInput, makeContext());
      assert.deepStrictEqual(JSON.parse(JSON.stringify(output)), output);
    }));

    it('fails with a TaskFailure carrying the expected error name', withFixture(async ({ handler, failingInput, expectedError }) => {
      const thrown = await rejection(invoke(handler, failingInput, makeContext()));
      assert.ok(thrown instanceof TaskFailure, `${name} threw ${describeThrown(thrown)} instead of a TaskFailure`);
      assert.equal(thrown.error, expectedError);
      assert.ok(thrown.causeText === undefined || typeof thrown.causeText === 'string');
    }));

    it('rejects at once, without any effect, when the signal is already aborted', withFixture(async (fixture) => {
      const controller = new AbortController();
      controller.abort(new Error('aborted before the call'));
      const before = fixture.effects?.();
      const context = makeContext({ signal: controller.signal });
      await withinBudget(rejection(invoke(fixture.handler, fixture.validInput, context)));
      if (before !== undefined) assert.equal(fixture.effects?.(), before, `${name} acted although its signal was aborted`);
    }));

    it('stops promptly when the signal is aborted during the call', withFixture(async (fixture) => {
      const controller = new AbortController();
      const context = makeContext({ signal: controller.signal });
      const outcome = invoke(fixture.handler, fixture.slowInput ?? fixture.validInput, context).then(
        () => 'resolved' as const,
        () => 'rejected' as const,
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      controller.abort(new Error('aborted during the call'));
      const settled = await withinBudget(outcome);
      // Without a slow input the call may have finished before the abort; with one it must give up.
      if (fixture.slowInput !== undefined) assert.equal(settled, 'rejected');
    }));
  });
}

/** Calls the handler so that a synchronous throw becomes a rejection, as the runtime sees it. */
function invoke(handler: ResourceHandler, input: Json, context: InvocationContext): Promise<Json> {
  return Promise.resolve().then(() => handler(input, context));
}

async function rejection(promise: Promise<Json>): Promise<unknown> {
  try {
    await promise;
  } catch (thrown) {
    return thrown;
  }
  assert.fail('expected the call to fail, but it answered');
}

async function withinBudget<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running ${abortBudgetMs} ms after the abort`)), abortBudgetMs);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

function isJson(value: unknown): value is Json {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJson);
  if (typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  return Object.values(value).every(isJson);
}

function describeThrown(thrown: unknown): string {
  return thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
}
