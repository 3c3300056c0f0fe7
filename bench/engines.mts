/**
 * The two engines behind one shape: prepare a definition once, then run it as many times as asked.
 * Every Task is served by the same in-code no-op handler, so neither engine does any I/O.
 */
import { existsSync } from 'node:fs';
import { StateMachine } from 'aws-local-stepfunctions';
import type { StateMachine as Definition } from '../src/asl/index.ts';
import type { ResourceRegistry as Registry } from '../src/resources/index.ts';
import type { MemoryRunner as Runner } from '../src/runtime/memory/runner.ts';
import type { Json } from '../src/shared/index.ts';

// Nightshift as it ships: the compiled dist/ (`npm run build`, which `npm run bench` runs first), as the
// peer runs its own compiled build; the TypeScript sources through tsx only when there is no build.
const built = existsSync(new URL('../dist/runtime/memory/runner.js', import.meta.url));
const { ResourceRegistry } = (await import(built ? '../dist/resources/index.js' : '../src/resources/index.ts')) as { ResourceRegistry: typeof Registry };
const { MemoryRunner } = (await import(built ? '../dist/runtime/memory/runner.js' : '../src/runtime/memory/runner.ts')) as { MemoryRunner: typeof Runner };
export const nightshiftBuild = built ? 'dist (compiled)' : 'src (tsx)';

/** The Resource every benchmark Task names: an ARN, so the peer's validator accepts it unchanged. */
export const noopResource = 'arn:aws:lambda:us-east-1:123456789012:function:noop';

const noop = (input: Json): Json => input;

export interface PreparedWorkflow {
  run(input: Json): Promise<Json>;
}

export interface Engine {
  name: string;
  prepare(definition: Definition): PreparedWorkflow;
  close(): void;
}

export function nightshiftEngine(): Engine {
  const registry = new ResourceRegistry().register(noopResource, noop);
  const runner = new MemoryRunner({ registry });
  return {
    name: 'nightshift',
    prepare(definition) {
      return {
        async run(input) {
          const result = await runner.run(definition, input, { workflowName: 'bench' });
          if (result.status !== 'SUCCEEDED') throw new Error(`nightshift: ${result.status} ${result.error}: ${result.cause}`);
          return result.output ?? null;
        },
      };
    },
    close: () => runner.close(),
  };
}

export function awsLocalStepFunctionsEngine(): Engine {
  installPromiseWithResolvers();
  return {
    name: 'aws-local-stepfunctions',
    prepare(definition) {
      // The constructor validates the definition (ajv + JSONPath checks): done once, as a real user would.
      const machine = new StateMachine(definition as unknown as ConstructorParameters<typeof StateMachine>[0]);
      const taskResourceLocalHandlers = Object.fromEntries(taskStateNames(definition).map((name) => [name, noop]));
      return {
        run: (input) => machine.run(input, { overrides: { taskResourceLocalHandlers } }).result as Promise<Json>,
      };
    },
    close: () => undefined,
  };
}

/**
 * aws-local-stepfunctions 3.0.0 declares node >= 22 because every Task state calls
 * `Promise.withResolvers()` (TaskStateAction.execute), which Node 20's V8 lacks: without it each Task
 * fails with "Promise.withResolvers is not a function". Nothing else it uses is missing on Node 20, so
 * the benchmark supplies that one function, built as the specification describes.
 */
function installPromiseWithResolvers(): void {
  const promise = Promise as unknown as { withResolvers?: unknown };
  if (typeof promise.withResolvers === 'function') return;
  promise.withResolvers = function withResolvers<T>() {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const created = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise: created, resolve, reject };
  };
}

/** The peer overrides Tasks by state name; the name applies inside Map and Parallel machines too. */
function taskStateNames(machine: { States: Record<string, unknown> }): string[] {
  const names: string[] = [];
  for (const [name, state] of Object.entries(machine.States) as Array<[string, Record<string, unknown>]>) {
    if (state.Type === 'Task') names.push(name);
    const nested = [state.ItemProcessor, state.Iterator, ...((state.Branches as unknown[] | undefined) ?? [])];
    for (const child of nested) if (child) names.push(...taskStateNames(child as { States: Record<string, unknown> }));
  }
  return names;
}
