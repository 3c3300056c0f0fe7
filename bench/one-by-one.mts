/**
 * Executions started one by one while the worker runs, as `bench/start-one-by-one.mts` measures them
 * (and `bench/soak.mts` on an empty and a loaded database): callers each start an item and start the
 * next as soon as the start call returns; a probe on its own connection sees the committed completions.
 */
import { startExecution, type DurableRuntime, type ServiceDeps, type Sql } from './durable-modules.mts';
import { threeStepWorkflowName, workflowName, type NightshiftBench } from './durable-nightshift.mts';
import { inParallel, percentile, sleep, within } from './durable-support.mts';

/** One engine in one configuration running workflows of `steps` steps. */
export interface Contestant {
  label: string;
  steps: 1 | 3;
  /** Starts the worker(s). */
  begin(): Promise<void>;
  /** Starts item `i`; answers its id once the start is committed. */
  start(i: number): Promise<string>;
  /** Ids of items started and not finished (a committed start may appear here). */
  unfinished(): Promise<Set<string>>;
  end(): Promise<void>;
}

export interface RoundResult {
  perSecond: number;
  p50: number;
  p99: number;
  startCallP50: number;
  startCallP99: number;
}

export interface OneByOne {
  executions: number;
  callers: number;
  /** ms between two questions of the completion probe. */
  pollMs: number;
}

/**
 * Nightshift with one runtime: the starts and the worker (concurrency 32) share the process and its
 * pool, as `nightshift serve` does. `triggers`: the worker also runs scheduled runs' jobs, as boot wires it.
 */
export function nightshiftContestant(bench: NightshiftBench, probe: Sql, steps: 1 | 3, triggers = false): Contestant {
  let worker: DurableRuntime | null = null;
  let deps: ServiceDeps | null = null;
  const workflow = steps === 1 ? workflowName : threeStepWorkflowName;
  return {
    label: 'nightshift',
    steps,
    async begin() {
      const runtime = bench.runtime(32, bench.pool, triggers);
      worker = runtime.runtime;
      deps = runtime.deps;
      await worker.start();
    },
    async start(i) {
      const view = await startExecution(deps!, { workflow, input: { i } });
      return view.executionId;
    },
    async unfinished() {
      const rows = await probe.unsafe<{ id: string }[]>(`select id::text as id from nightshift.executions where kind = 'execution' and status = 'RUNNING'`);
      return new Set(rows.map((r) => r.id));
    },
    async end() {
      await worker?.stop(5_000);
      worker = null;
    },
  };
}

/** Completions per second from the first start to the last committed completion, and start→completion times. */
export async function measureOneByOne(contestant: Contestant, { executions, callers, pollMs }: OneByOne): Promise<RoundResult> {
  await contestant.begin();
  try {
    const startedAt = new Map<string, number>();
    const pending = new Set<string>();
    const latencies: number[] = [];
    const startCalls: number[] = [];
    let startsDone = false;
    let lastDone = 0;
    const probe = async (): Promise<void> => {
      while (!startsDone || pending.size > 0) {
        const asked = [...pending];
        const unfinished = await contestant.unfinished();
        const now = performance.now();
        for (const id of asked) {
          if (unfinished.has(id)) continue;
          latencies.push(now - startedAt.get(id)!);
          pending.delete(id);
          lastDone = now;
        }
        await sleep(pollMs);
      }
    };
    const first = performance.now();
    const probing = probe();
    await inParallel(executions, callers, async (i) => {
      const t = performance.now();
      const id = await contestant.start(i);
      const returned = performance.now();
      startedAt.set(id, t);
      pending.add(id);
      startCalls.push(returned - t);
    });
    startsDone = true;
    await within(probing, 300_000, `${contestant.label} finishing ${executions} executions`);
    return {
      perSecond: executions / ((lastDone - first) / 1000),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      startCallP50: percentile(startCalls, 50),
      startCallP99: percentile(startCalls, 99),
    };
  } finally {
    await contestant.end();
  }
}
