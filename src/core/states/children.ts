/**
 * Fan-out and join for Parallel branches and Map iterations. The core creates the children once
 * (`createChildren`), starts them in index order within MaxConcurrency (`startChildren`), counts their
 * ends, and when all have ended asks for their results (`collectResults`). MaxConcurrency is counted
 * here, so it holds however many workers run the children.
 */
import type { State } from '../../asl/index.ts';
import { exceedsJsonBytes, type Json, type JsonObject } from '../../shared/index.ts';
import type { Failure } from '../failure.ts';
import { runsInline } from '../inline.ts';
import { finishWithResult } from '../io.ts';
import { maxPayloadBytes } from '../limits.ts';
import type { Maybe } from '../maybe.ts';
import type { Machine } from '../machine.ts';
import type { ChildrenPending, StepEnv, StepEvent, StepResult } from '../model.ts';
import { suspended, type InlineChildren, type Outcome } from '../outcome.ts';
import type { Turn } from '../turn.ts';

export interface FanOut {
  stateType: 'Parallel' | 'Map';
  inputs: Json[];
  machineIds: string[];
  maxConcurrency: number;
  toleratedCount: number | null;
  toleratedPercentage: number | null;
}

export function startFanOut(turn: Turn, state: State, name: string, fanOut: FanOut): Maybe<Outcome> {
  if (fanOut.inputs.length === 0) return finishFanOut(turn, state, name, fanOut.stateType, []);
  const groupId = turn.nextId('g');
  if (!turn.history && runsInline(turn.machine, fanOut.machineIds)) {
    return { kind: 'inline', children: { ...fanOut, outerVars: turn.visibleVariables() } };
  }
  const pending: ChildrenPending = {
    kind: 'children',
    groupId,
    stateType: fanOut.stateType,
    total: fanOut.inputs.length,
    nextIndex: 0,
    running: 0,
    maxConcurrency: fanOut.maxConcurrency,
    succeeded: 0,
    failed: 0,
    toleratedCount: fanOut.toleratedCount,
    toleratedPercentage: fanOut.toleratedPercentage,
    collecting: false,
  };
  turn.snap.pending = pending;
  turn.command({
    type: 'createChildren',
    groupId: pending.groupId,
    machineIds: fanOut.machineIds,
    inputs: fanOut.inputs,
    outerVars: turn.visibleVariables(),
  });
  startMore(turn, name, pending);
  return suspended;
}

function startMore(turn: Turn, name: string, pending: ChildrenPending): void {
  const limit = pending.maxConcurrency > 0 ? pending.maxConcurrency : Infinity;
  const count = Math.min(pending.total - pending.nextIndex, limit - pending.running);
  if (count <= 0) return;
  const from = pending.nextIndex;
  pending.nextIndex += count;
  pending.running += count;
  turn.command({ type: 'startChildren', groupId: pending.groupId, from, count });
  if (pending.stateType === 'Map' && turn.history) {
    for (let index = from; index < from + count; index++) turn.record('MapIterationStarted', name, { index });
  }
}

/** The counts a fan-out's failure threshold is judged on. */
export interface FailureCounts {
  failed: number;
  total: number;
  toleratedCount: number | null;
  toleratedPercentage: number | null;
}

export function tolerated(counts: FailureCounts): boolean {
  const { failed, total, toleratedCount, toleratedPercentage } = counts;
  if (toleratedCount === null && toleratedPercentage === null) return false;
  const countOk = toleratedCount === null || failed <= toleratedCount;
  const percentOk = toleratedPercentage === null || (failed / total) * 100 <= toleratedPercentage;
  return countOk && percentOk;
}

export function resumeFanOut(turn: Turn, state: State, name: string, event: StepEvent): Maybe<Outcome> {
  const pending = turn.snap.pending;
  if (pending?.kind !== 'children' || !('groupId' in event) || event.groupId !== pending.groupId) return suspended;
  switch (event.type) {
    case 'childrenCollected':
      return pending.collecting ? collected(turn, state, name, pending, event.results) : suspended;
    case 'childSucceeded':
      return succeeded(turn, name, pending, event.index) ? afterEnds(turn, name, pending) : suspended;
    case 'childrenSucceeded': {
      let counted = false;
      for (const index of event.indexes) counted = succeeded(turn, name, pending, index) || counted;
      return counted ? afterEnds(turn, name, pending) : suspended;
    }
    case 'childFailed':
      return childFailed(turn, name, pending, event);
    default:
      return suspended;
  }
}

/** Whether a child the fan-out still counts (started, not collected yet) ended; it is counted. */
function running(pending: ChildrenPending, index: number): boolean {
  return !pending.collecting && index >= 0 && index < pending.nextIndex;
}

function succeeded(turn: Turn, name: string, pending: ChildrenPending, index: number): boolean {
  if (!running(pending, index)) return false;
  // step() owns the snapshot it was handed: the counters are updated in place.
  pending.running--;
  pending.succeeded++;
  if (pending.stateType === 'Map' && turn.history) turn.record('MapIterationSucceeded', name, { index });
  return true;
}

function childFailed(turn: Turn, name: string, pending: ChildrenPending, event: Extract<StepEvent, { type: 'childFailed' }>): Outcome {
  if (!running(pending, event.index)) return suspended;
  pending.running--;
  pending.failed++;
  const failure = event.cause === undefined ? { error: event.error } : { error: event.error, cause: event.cause };
  if (pending.stateType === 'Map') turn.record('MapIterationFailed', name, { index: event.index, ...failure });
  if (tolerated(pending)) return afterEnds(turn, name, pending);
  turn.command({ type: 'cancelChildren', groupId: pending.groupId });
  turn.snap.pending = null;
  turn.record(`${pending.stateType}StateFailed`, name, failure);
  return fanOutFailed(pending, failure);
}

/** A child failed beyond what the state tolerates: the state fails with its error, or with the threshold's. */
export function fanOutFailed(counts: FailureCounts, failure: Failure): Outcome {
  const thresholdSet = counts.toleratedCount !== null || counts.toleratedPercentage !== null;
  return {
    kind: 'failed',
    failure: thresholdSet
      ? { error: 'States.ExceedToleratedFailureThreshold', cause: `The number of failed items exceeded the tolerated failure threshold (${counts.failed} of ${counts.total} failed)` }
      : failure,
  };
}

/** Children ended: start more within MaxConcurrency, or, once all have ended, ask for their results. */
function afterEnds(turn: Turn, name: string, pending: ChildrenPending): Outcome {
  if (pending.succeeded + pending.failed < pending.total) {
    startMore(turn, name, pending);
    return suspended;
  }
  pending.collecting = true;
  turn.command({ type: 'collectResults', groupId: pending.groupId });
  return suspended;
}

function collected(turn: Turn, state: State, name: string, pending: ChildrenPending, results: Json[]): Maybe<Outcome> {
  turn.snap.pending = null;
  if (results.length !== pending.total) {
    throw new Error(`collected ${results.length} results for ${pending.total} children of ${name}`);
  }
  return finishFanOut(turn, state, name, pending.stateType, results);
}

/** Every child has ended (those that failed within the tolerance gave their error): the state's result. */
export function finishFanOut(turn: Turn, state: State, name: string, stateType: FanOut['stateType'], results: Json[]): Maybe<Outcome> {
  if (exceedsJsonBytes(results, maxPayloadBytes)) {
    const cause = `The state '${name}' produced results exceeding the maximum number of bytes service limit.`;
    return { kind: 'failed', failure: { error: 'States.DataLimitExceeded', cause } };
  }
  turn.record(`${stateType}StateSucceeded`, name, {});
  return finishWithResult(turn, state, turn.snap.stateInput, results);
}

/** step() itself, handed in by the step loop (children.ts is below it). */
export type StepFunction = (machine: Machine, snapshot: null, event: StepEvent, env: StepEnv) => Maybe<StepResult>;

interface InlineRun extends FailureCounts {
  turn: Turn;
  state: State;
  name: string;
  children: InlineChildren;
  step: StepFunction;
  results: Json[];
}

/**
 * Runs a fan-out's children inside this step (see inline.ts): each through step() itself, from its start
 * to its end, in index order as the runtime would start them; results and failures count as they do for
 * children run as threads. Measured on bench/workflows/map-100.json: 70 -> 50 µs of CPU per execution.
 */
export function runChildrenInline(turn: Turn, state: State, name: string, children: InlineChildren, step: StepFunction): Maybe<Outcome> {
  const { toleratedCount, toleratedPercentage } = children;
  const run: InlineRun = { turn, state, name, children, step, results: [], failed: 0, total: children.inputs.length, toleratedCount, toleratedPercentage };
  return runFrom(run, 0);
}

function runFrom(run: InlineRun, from: number): Maybe<Outcome> {
  const { turn, children } = run;
  for (let index = from; index < run.total; index++) {
    const machineId = children.machineIds.length === 1 ? children.machineIds[0] : children.machineIds[index];
    const event: StepEvent = { type: 'start', machineId, input: children.inputs[index], outerVars: children.outerVars };
    const result = run.step(turn.machine, null, event, turn.env);
    if (result instanceof Promise) return result.then((later) => childEnded(run, index, later) ?? runFrom(run, index + 1));
    const failed = childEnded(run, index, result);
    if (failed) return failed;
  }
  return finishFanOut(turn, run.state, run.name, children.stateType, run.results);
}

/** Keeps a child's result; answers the fan-out's failure when this child failed beyond the tolerance. */
function childEnded(run: InlineRun, index: number, result: StepResult): Outcome | null {
  const end = result.commands[result.commands.length - 1];
  if (end?.type === 'complete') {
    run.results[index] = end.output;
    return null;
  }
  if (end?.type !== 'fail') throw new Error(`an inline child of ${run.name} ended its step with '${end?.type}'`);
  run.failed++;
  run.results[index] = failedChildResult(end.error, end.cause);
  return tolerated(run) ? null : fanOutFailed(run, end.cause === undefined ? { error: end.error } : { error: end.error, cause: end.cause });
}

/** The result a tolerated failed child contributes to its Map's results. */
export function failedChildResult(error: string, cause: string | undefined): JsonObject {
  return cause === undefined ? { Error: error } : { Error: error, Cause: cause };
}
