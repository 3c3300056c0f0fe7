/**
 * The recursion guard. Executions started by a workflow (workflow:start, now or after a delay) join
 * their parent's chain: same root, one hop deeper. A chain may not grow deeper than `maxDepth` nor
 * past `maxRunsPerChain` executions in all, so a workflow that schedules itself by mistake in a
 * tight loop stops with CHAIN_LIMIT_EXCEEDED (the Task fails with Workflow.ChainLimitExceeded).
 */
import { countChainRuns, returnChainRun, starterState, takeChainRun, type Queryable } from '../store/index.ts';
import { EngineError, limitsOf } from '../shared/index.ts';
import type { ServiceDeps } from './deps.ts';

/** Where a new execution would sit: its chain's root and its own depth (the parent's plus one). */
export interface ChainPosition {
  rootId: string;
  depth: number;
}

/** Throws CHAIN_LIMIT_EXCEEDED when one more execution at `position` would pass a limit (a check only: scheduling asks it early). */
export async function checkChainLimits(deps: Pick<ServiceDeps, 'sql' | 'limits'>, position: ChainPosition): Promise<void> {
  const limits = checkDepth(deps, position);
  const runs = await countChainRuns(deps.sql, position.rootId, limits.maxRunsPerChain);
  if (runs >= limits.maxRunsPerChain) throw budgetSpent(position, runs, limits.maxRunsPerChain);
}

/**
 * Takes the place of one more execution in the chain's budget, in one statement that racing starts
 * cannot both pass (store/chains.ts); throws CHAIN_LIMIT_EXCEEDED with the chain's count when full.
 * A start that then does not happen gives its place back (returnChainPlace).
 */
export async function takeChainPlace(deps: Pick<ServiceDeps, 'sql' | 'limits'>, position: ChainPosition): Promise<void> {
  const limits = checkDepth(deps, position);
  const place = await takeChainRun(deps.sql, position.rootId, limits.maxRunsPerChain);
  if (!place.taken) throw budgetSpent(position, place.runs, limits.maxRunsPerChain);
}

export async function returnChainPlace(deps: Pick<ServiceDeps, 'sql'>, position: ChainPosition): Promise<void> {
  await returnChainRun(deps.sql, position.rootId);
}

function checkDepth(deps: Pick<ServiceDeps, 'limits'>, position: ChainPosition) {
  const limits = limitsOf(deps.limits);
  if (position.depth > limits.maxDepth) {
    throw new EngineError(
      'CHAIN_LIMIT_EXCEEDED',
      `This start would be ${position.depth} workflow:start hops from the root of its chain (${position.rootId}); the limit is ${limits.maxDepth}`,
      { details: { rootId: position.rootId, depth: position.depth, maxDepth: limits.maxDepth } },
    );
  }
  return limits;
}

function budgetSpent(position: ChainPosition, runs: number, maxRunsPerChain: number): EngineError {
  return new EngineError(
    'CHAIN_LIMIT_EXCEEDED',
    `The chain rooted at ${position.rootId} has run ${runs} executions, its budget of ${maxRunsPerChain}`,
    { details: { rootId: position.rootId, runs, maxRunsPerChain } },
  );
}

/**
 * Refuses a start or a scheduled run asked by a thread whose execution was stopped or is being
 * stopped (CONFLICT; a scheduled run is then cancelled with the reason). An execution that ended
 * otherwise still starts what it scheduled: that is how a workflow schedules its next round.
 */
export async function checkStarter(sql: Queryable, threadId: string): Promise<void> {
  const starter = await starterState(sql, threadId);
  if (starter && (starter.stopping || starter.status === 'ABORTED')) {
    throw new EngineError('CONFLICT', `The execution ${starter.executionId} that asked for this start was stopped`, {
      details: { stoppedExecutionId: starter.executionId },
    });
  }
}
