/**
 * The executions recorded mid-flight for the replay tests: each names its workflows, how it starts, the
 * point where the recorder stops the engine and dumps its rows, and what finishing it takes (time, which
 * the replay moves on, or a task token answer).
 */
import { loadWorkflow } from '../../src/asl/index.ts';
import { registerBuiltinResources, ResourceRegistry } from '../../src/resources/index.ts';
import { registerWorkflowResources } from '../../src/boot/workflow-resources.ts';
import { DurableRuntime } from '../../src/runtime/index.ts';
import { deployWorkflow, type ServiceDeps } from '../../src/service/index.ts';
import type { Json } from '../../src/shared/index.ts';
import type { Sql } from '../../src/store/index.ts';
import { registerTestResources } from '../support/test-resources.ts';
import type { VirtualClock } from '../support/virtual-clock.ts';

export interface Scenario {
  name: string;
  /** What the recording holds, in words. */
  description: string;
  workflows: Record<string, Json>;
  start: { workflow: string; input: Json };
  /** True once the execution is where it is recorded (asked whenever the engine is quiet). */
  recordWhen(sql: Sql): Promise<boolean>;
  /** The answer sent to the execution's task token after loading, if it waits for one. */
  answer?: Json;
  /** Recorded right after the start, before any worker ran: its first jobs are queued, not taken. */
  beforeWorkers?: boolean;
}

const hour = 3600;

async function count(sql: Sql, where: string): Promise<number> {
  const [{ n }] = await sql.unsafe<Array<{ n: number }>>(`select count(*)::int as n from nightshift.executions where ${where}`);
  return n;
}

const waiting = (kind: string, where = `kind = 'execution'`) => (sql: Sql) => count(sql, `${where} and status = 'RUNNING' and snapshot -> 'pending' ->> 'kind' = '${kind}'`).then((n) => n > 0);

export const scenarios: Scenario[] = [
  {
    name: 'invoke',
    description: 'with its first Task call queued and not yet made',
    workflows: {
      'replay-invoke': {
        StartAt: 'Call',
        States: {
          Call: { Type: 'Task', Resource: 'test:echo', Parameters: { 'order.$': '$.order', 'state.$': '$$.State.Name' }, ResultPath: '$.echo', Next: 'Done' },
          Done: { Type: 'Pass', OutputPath: '$.echo', End: true },
        },
      },
    },
    start: { workflow: 'replay-invoke', input: { order: 7 } },
    recordWhen: async () => true,
    beforeWorkers: true,
  },
  {
    name: 'wait',
    description: 'in a Wait of one day, after a Pass',
    workflows: {
      'replay-wait': {
        StartAt: 'Greet',
        States: {
          Greet: { Type: 'Pass', Result: 'hello', ResultPath: '$.greeting', Next: 'Sleep' },
          Sleep: { Type: 'Wait', Seconds: 24 * hour, Next: 'Done' },
          Done: { Type: 'Pass', Parameters: { 'greeting.$': '$.greeting', 'user.$': '$.user', waited: true }, End: true },
        },
      },
    },
    start: { workflow: 'replay-wait', input: { user: 'ada' } },
    recordWhen: waiting('wait'),
  },
  {
    name: 'map',
    description: 'in a Map of four items, one at a time, two iterations done and the third waiting',
    workflows: {
      'replay-map': {
        StartAt: 'Each',
        States: {
          Each: {
            Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 1, ResultPath: '$.results', End: true,
            ItemSelector: { 'item.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' },
            ItemProcessor: {
              StartAt: 'Pause',
              States: {
                Pause: { Type: 'Wait', Seconds: hour, Next: 'Echo' },
                Echo: { Type: 'Task', Resource: 'test:echo', End: true },
              },
            },
          },
        },
      },
    },
    start: { workflow: 'replay-map', input: { items: ['a', 'b', 'c', 'd'] } },
    recordWhen: async (sql) => (await count(sql, `kind = 'branch' and status = 'SUCCEEDED'`)) === 2,
  },
  {
    name: 'task-token',
    description: 'waiting on a task token (test:echo.waitForTaskToken), answered after loading',
    workflows: {
      'replay-token': {
        StartAt: 'Approve',
        States: {
          Approve: {
            Type: 'Task', Resource: 'test:echo.waitForTaskToken', Parameters: { 'token.$': '$$.Task.Token', 'order.$': '$.order' },
            ResultPath: '$.approval', TimeoutSeconds: 7 * 24 * hour, Next: 'Ship',
          },
          Ship: { Type: 'Pass', Parameters: { 'order.$': '$.order', 'approvedBy.$': '$.approval.by' }, End: true },
        },
      },
    },
    start: { workflow: 'replay-token', input: { order: 42 } },
    recordWhen: waiting('task'),
    answer: { by: 'grace' },
  },
  {
    name: 'retry',
    description: 'between two attempts of a Task whose first attempt failed (Retry after one hour)',
    workflows: {
      'replay-retry': {
        StartAt: 'Charge',
        States: {
          Charge: {
            Type: 'Task', Resource: 'test:flaky', Parameters: { failures: 1, 'attempt.$': '$$.State.RetryCount' },
            Retry: [{ ErrorEquals: ['Test.Flaky'], IntervalSeconds: hour, MaxAttempts: 2 }], ResultPath: '$.charge', Next: 'Count',
          },
          Count: { Type: 'Pass', Parameters: { 'amount.$': '$.amount', 'chargedOnAttempt.$': '$.charge.attempt' }, End: true },
        },
      },
    },
    start: { workflow: 'replay-retry', input: { amount: 10 } },
    recordWhen: waiting('retry'),
  },
  {
    name: 'parallel',
    description: 'in a Parallel whose first branch is done and second waits',
    workflows: {
      'replay-parallel': {
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel', End: true,
            Branches: [
              { StartAt: 'Quick', States: { Quick: { Type: 'Pass', Result: 'quick', End: true } } },
              { StartAt: 'Slow', States: { Slow: { Type: 'Wait', Seconds: hour, Next: 'Late' }, Late: { Type: 'Pass', Result: 'slow', End: true } } },
            ],
          },
        },
      },
    },
    start: { workflow: 'replay-parallel', input: {} },
    recordWhen: async (sql) => (await count(sql, `kind = 'branch' and status = 'SUCCEEDED'`)) === 1 && waiting('wait', `kind = 'branch'`)(sql),
  },
  {
    name: 'child',
    description: 'a parent in workflow:start.sync while its child workflow waits',
    workflows: {
      'replay-parent': {
        StartAt: 'Child',
        States: { Child: { Type: 'Task', Resource: 'workflow:start.sync', Parameters: { workflow: 'replay-child', 'input.$': '$' }, ResultPath: '$.child', End: true } },
      },
      'replay-child': {
        StartAt: 'Pause',
        States: {
          Pause: { Type: 'Wait', Seconds: hour, Next: 'Double' },
          Double: { Type: 'Pass', Parameters: { 'doubled.$': 'States.MathAdd($.n, $.n)' }, End: true },
        },
      },
    },
    start: { workflow: 'replay-parent', input: { n: 21 } },
    recordWhen: waiting('wait', `kind = 'execution' and parent_id is not null`),
  },
];

export interface ReplayEngine {
  runtime: DurableRuntime;
  deps: ServiceDeps;
}

/** The engine a scenario runs on: builtins, the conformance test resources and workflow:start. */
export function replayEngine(sql: Sql, clock: VirtualClock): ReplayEngine {
  const registry = registerTestResources(registerBuiltinResources(new ResourceRegistry()));
  const runtime = new DurableRuntime({ sql, registry, clock, concurrency: 8, pollMs: 100, leaseMs: 10_000 });
  const deps: ServiceDeps = { sql, runtime, clock };
  registerWorkflowResources(registry, deps);
  return { runtime, deps };
}

export async function deployScenario(deps: ServiceDeps, scenario: Scenario): Promise<void> {
  for (const [name, definition] of Object.entries(scenario.workflows)) {
    const { workflow, problems } = loadWorkflow(JSON.stringify(definition), `${name}.json`, { isKnownResource: () => true });
    if (!workflow) throw new Error(`invalid replay workflow ${name}: ${JSON.stringify(problems)}`);
    await deployWorkflow(deps, workflow);
  }
}
