/**
 * Timing loops. A batch runs `count` executions, either one after another or with `inFlight` of them
 * running at once, and answers the wall-clock milliseconds it took; a timed run starts executions for a
 * given time and answers how many ran in how long.
 */
import type { Json } from '../src/shared/index.ts';
import type { PreparedWorkflow } from './engines.mts';

export type Mode = 'sequential' | 'concurrent';

export const modeLabels: Record<Mode, string> = { sequential: 'sequential', concurrent: '50 in flight' };

export const inFlight = 50;

export async function timeBatch(workflow: PreparedWorkflow, input: Json, count: number, mode: Mode): Promise<number> {
  collectGarbage();
  const started = performance.now();
  if (mode === 'sequential') await sequential(workflow, input, count);
  else await concurrent(workflow, input, count, inFlight);
  return performance.now() - started;
}

export async function executionsPerSecond(workflow: PreparedWorkflow, input: Json, count: number, mode: Mode): Promise<number> {
  return count / ((await timeBatch(workflow, input, count, mode)) / 1000);
}

export interface TimedRun {
  executions: number;
  ms: number;
}

/**
 * Starts executions until `ms` have passed (those started before then finish and count), from a
 * collected heap. Engines compared with timed runs of equal length bear alike whatever a slice's start
 * costs; with equal counts, the faster engine's slice is the shorter one and bears it alone (see
 * README.md, "Equal time, not equal counts").
 */
export async function timeFor(workflow: PreparedWorkflow, input: Json, ms: number, mode: Mode): Promise<TimedRun> {
  collectGarbage();
  const started = performance.now();
  const deadline = started + ms;
  let executions = 0;
  const lane = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await macrotask();
      await workflow.run(input);
      executions += 1;
    }
  };
  await Promise.all(Array.from({ length: mode === 'sequential' ? 1 : inFlight }, lane));
  return { executions, ms: performance.now() - started };
}

/**
 * Each execution starts from a macrotask, as one started by a request or a timer would. Without that a
 * batch is a single endless microtask checkpoint: WeakRefs and FinalizationRegistry cleanups wait for
 * its end, and aws-local-stepfunctions (AbortSignal.any per Map iteration) grew its heap by ~11 MiB per
 * 1 000 order executions and kept slowing down from round to round.
 */
const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function sequential(workflow: PreparedWorkflow, input: Json, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await macrotask();
    await workflow.run(input);
  }
}

/** `width` loops share one counter, so exactly `width` executions are in flight until the tail. */
async function concurrent(workflow: PreparedWorkflow, input: Json, count: number, width: number): Promise<void> {
  let started = 0;
  const lane = async (): Promise<void> => {
    while (started < count) {
      started += 1;
      await macrotask();
      await workflow.run(input);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, count) }, lane));
}

/** Starts each measurement from a collected heap when node runs with --expose-gc (scripts/bench.mjs does). */
function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
