/**
 * Fan-out and join for Parallel branches and Map iterations. The snapshot holds every child's input and
 * result; the runtime starts children when told (`startChildren`) and reports each end. MaxConcurrency
 * is kept here, so it holds however many workers run the children.
 */
import type { State } from '../../asl/index.ts';
import { jsonByteSize, type Json } from '../../shared/index.ts';
import { finishWithResult } from '../io.ts';
import { maxPayloadBytes } from '../limits.ts';
import type { ChildrenPending, StepEvent } from '../model.ts';
import { suspended, type Outcome } from '../outcome.ts';
import type { Turn } from '../turn.ts';

export interface FanOut {
  stateType: 'Parallel' | 'Map';
  inputs: Json[];
  machineIds: string[];
  maxConcurrency: number;
  toleratedCount: number | null;
  toleratedPercentage: number | null;
  effectiveInput: Json;
}

export async function startFanOut(turn: Turn, state: State, name: string, fanOut: FanOut): Promise<Outcome> {
  if (fanOut.inputs.length === 0) {
    turn.record(`${fanOut.stateType}StateSucceeded`, name, {});
    return finishWithResult(turn, state, turn.snap.stateInput, []);
  }
  const pending: ChildrenPending = {
    kind: 'children',
    groupId: turn.nextId('g'),
    ...fanOut,
    nextIndex: 0,
    running: 0,
    results: new Array(fanOut.inputs.length).fill(null),
    succeeded: 0,
    failed: 0,
  };
  turn.snap.pending = pending;
  startMore(turn, name, pending);
  return suspended;
}

function startMore(turn: Turn, name: string, pending: ChildrenPending): void {
  const limit = pending.maxConcurrency > 0 ? pending.maxConcurrency : Infinity;
  const children = [];
  while (pending.nextIndex < pending.inputs.length && pending.running < limit) {
    const index = pending.nextIndex++;
    pending.running++;
    const machineId = pending.machineIds.length === 1 ? pending.machineIds[0] : pending.machineIds[index];
    children.push({ index, machineId, input: pending.inputs[index] });
    if (pending.stateType === 'Map') turn.record('MapIterationStarted', name, { index });
  }
  if (children.length > 0) {
    turn.command({ type: 'startChildren', groupId: pending.groupId, outerVars: turn.visibleVariables(), children });
  }
}

function tolerated(pending: ChildrenPending): boolean {
  const { failed, inputs, toleratedCount, toleratedPercentage } = pending;
  if (toleratedCount === null && toleratedPercentage === null) return false;
  const countOk = toleratedCount === null || failed <= toleratedCount;
  const percentOk = toleratedPercentage === null || (failed / inputs.length) * 100 <= toleratedPercentage;
  return countOk && percentOk;
}

export async function resumeFanOut(turn: Turn, state: State, name: string, event: StepEvent): Promise<Outcome> {
  const pending = turn.snap.pending;
  if (pending?.kind !== 'children') return suspended;
  if (event.type !== 'childSucceeded' && event.type !== 'childFailed') return suspended;
  if (event.groupId !== pending.groupId || event.index < 0 || event.index >= pending.inputs.length) return suspended;
  // step() owns the snapshot it was handed: updating the join in place keeps a 10 000-item Map linear.
  const next = pending;
  next.running--;
  const kind = pending.stateType === 'Map' ? 'MapIteration' : 'ParallelBranch';
  if (event.type === 'childSucceeded') {
    next.succeeded++;
    next.results[event.index] = event.output;
    if (pending.stateType === 'Map') turn.record(`${kind}Succeeded`, name, { index: event.index });
  } else {
    next.failed++;
    const failure = event.cause === undefined ? { error: event.error } : { error: event.error, cause: event.cause };
    next.results[event.index] = event.cause === undefined ? { Error: event.error } : { Error: event.error, Cause: event.cause };
    if (pending.stateType === 'Map') turn.record(`${kind}Failed`, name, { index: event.index, ...failure });
    if (!tolerated(next)) {
      turn.command({ type: 'cancelChildren', groupId: pending.groupId });
      turn.snap.pending = null;
      turn.record(`${pending.stateType}StateFailed`, name, failure);
      const thresholdSet = pending.toleratedCount !== null || pending.toleratedPercentage !== null;
      return {
        kind: 'failed',
        failure: thresholdSet
          ? { error: 'States.ExceedToleratedFailureThreshold', cause: `The number of failed items exceeded the tolerated failure threshold (${next.failed} failed)` }
          : failure,
      };
    }
  }
  if (next.succeeded + next.failed < next.inputs.length) {
    startMore(turn, name, next);
    return suspended;
  }
  turn.snap.pending = null;
  if (jsonByteSize(next.results) > maxPayloadBytes) {
    const cause = `The state '${name}' produced results exceeding the maximum number of bytes service limit.`;
    return { kind: 'failed', failure: { error: 'States.DataLimitExceeded', cause } };
  }
  turn.record(`${pending.stateType}StateSucceeded`, name, {});
  return finishWithResult(turn, state, turn.snap.stateInput, next.results);
}
