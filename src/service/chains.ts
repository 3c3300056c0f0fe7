/**
 * The recursion guard. Executions started by a workflow (workflow:start, now or after a delay) join
 * their parent's chain: same root, one hop deeper. A chain may not grow deeper than `maxDepth` nor
 * past `maxRunsPerChain` executions in all, so a workflow that schedules itself by mistake in a
 * tight loop stops with CHAIN_LIMIT_EXCEEDED (the Task fails with Workflow.ChainLimitExceeded).
 */
import { countChainExecutions } from '../store/index.ts';
import { EngineError } from '../shared/index.ts';
import type { ChainLimits, ServiceDeps } from './deps.ts';

export const defaultChainLimits: ChainLimits = { maxDepth: 100, maxRunsPerChain: 10_000 };

/** Where a new execution would sit: its chain's root and its own depth (the parent's plus one). */
export interface ChainPosition {
  rootId: string;
  depth: number;
}

/** Throws CHAIN_LIMIT_EXCEEDED when one more execution at `position` would pass a limit. */
export async function checkChainLimits(deps: Pick<ServiceDeps, 'sql' | 'limits'>, position: ChainPosition): Promise<void> {
  const limits = deps.limits ?? defaultChainLimits;
  if (position.depth > limits.maxDepth) {
    throw new EngineError(
      'CHAIN_LIMIT_EXCEEDED',
      `This start would be ${position.depth} workflow:start hops from the root of its chain (${position.rootId}); the limit is ${limits.maxDepth}`,
      { details: { rootId: position.rootId, depth: position.depth, maxDepth: limits.maxDepth } },
    );
  }
  const runs = await countChainExecutions(deps.sql, position.rootId, limits.maxRunsPerChain);
  if (runs >= limits.maxRunsPerChain) {
    throw new EngineError(
      'CHAIN_LIMIT_EXCEEDED',
      `The chain rooted at ${position.rootId} has run ${runs} executions, its budget of ${limits.maxRunsPerChain}`,
      { details: { rootId: position.rootId, runs, maxRunsPerChain: limits.maxRunsPerChain } },
    );
  }
}
