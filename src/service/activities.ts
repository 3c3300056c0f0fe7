/**
 * Verbs of activities: queue the task of an `activity:<name>` state, and hand it to a worker that
 * polls. The worker answers through the task-token verbs (sendTaskSuccess, sendTaskFailure,
 * sendTaskHeartbeat), like any other holder of a task token.
 */
import {
  claimActivityTask,
  enqueueActivityTask,
  findTaskToken,
  listenForActivityTasks,
  removeEndedActivityTasks,
} from '../store/index.ts';
import { EngineError, type Json } from '../shared/index.ts';
import type { ServiceDeps } from './deps.ts';
import { sendTaskHeartbeat } from './task-tokens.ts';

/** Longest a poll waits for a task: below the idle timeouts of common proxies and load balancers (30 s and up). */
export const maxActivityWaitSeconds = 20;

/** Checks between wake-ups start at this pause and double up to the next: NOTIFY wakes pollers sooner. */
const firstPauseMs = 100;
const longestPauseMs = 2_000;

export interface ActivityTaskRequest {
  activity: string;
  taskToken: string;
  input: Json;
  executionId: string;
  stateName: string;
}

export interface PollRequest {
  /** Recorded on the task as the worker that took it. */
  workerName?: string;
  /** 0 to 20 (default 20): how long to wait for a task when there is none yet. */
  waitSeconds?: number;
  /** Stops waiting (the client went away): no task is taken after it fires. */
  signal?: AbortSignal;
}

/** What a worker gets: the token to answer with, and the state's effective parameters. */
export interface ActivityTaskView {
  taskToken: string;
  input: Json;
}

type Deps = Pick<ServiceDeps, 'sql' | 'clock'>;

/** Queues the task for the activity's workers; a repeated call for the same token changes nothing. */
export async function queueActivityTask(deps: Deps, task: ActivityTaskRequest): Promise<void> {
  const outcome = await enqueueActivityTask(deps.sql, {
    activity: task.activity, token: task.taskToken, executionId: task.executionId, stateName: task.stateName,
    input: task.input, now: new Date(deps.clock.now()),
  });
  // Queued before, or the state stopped waiting (timed out, stopped): nothing to hand out either way.
  if (outcome === 'queued' || (await findTaskToken(deps.sql, task.taskToken))) return;
  throw new EngineError(
    'TASK_TOKEN_NOT_FOUND',
    `activity:${task.activity} can only be served to workers in a persistent execution (its task token is not in the database)`,
  );
}

/**
 * Takes the oldest task of the activity that its state still waits for. When there is none, waits
 * up to `waitSeconds` and answers as soon as one arrives (woken by NOTIFY, checked again now and
 * then because a notification may be lost); null when none came. Each task is handed out once.
 */
export async function pollActivity(deps: Deps & Pick<ServiceDeps, 'runtime'>, activity: string, request: PollRequest = {}): Promise<ActivityTaskView | null> {
  const waitSeconds = request.waitSeconds ?? maxActivityWaitSeconds;
  if (!(waitSeconds >= 0 && waitSeconds <= maxActivityWaitSeconds)) {
    throw new EngineError('INPUT_INVALID', `waitSeconds must be between 0 and ${maxActivityWaitSeconds}`);
  }
  const claim = async () => {
    if (request.signal?.aborted) return null;
    const task = await claimActivityTask(deps.sql, activity, request.workerName ?? null, new Date(deps.clock.now()));
    if (!task) return null;
    // The state's HeartbeatSeconds ran from when the task was queued: taking it counts as the worker's
    // first heartbeat, so the worker gets the full HeartbeatSeconds however long the task waited. Whatever
    // goes wrong here, the task is taken and must reach the worker (an ended token refuses its answer).
    await sendTaskHeartbeat(deps, task.taskToken).catch(() => undefined);
    return { taskToken: task.taskToken, input: task.input };
  };
  const ready = await claim();
  if (ready) return ready;
  // Nothing to hand out: a good moment to drop tasks whose state stopped waiting.
  await removeEndedActivityTasks(deps.sql, activity, new Date(deps.clock.now()));
  if (waitSeconds === 0) return null;
  return waitForTask(deps, activity, claim, waitSeconds * 1000, request.signal);
}

async function waitForTask(
  deps: Deps,
  activity: string,
  claim: () => Promise<ActivityTaskView | null>,
  waitMs: number,
  signal: AbortSignal | undefined,
): Promise<ActivityTaskView | null> {
  // The wait is wall time (an HTTP request's), unlike `now` in the claim, which follows deps.clock.
  const deadline = Date.now() + waitMs;
  const wake = createWake(signal);
  // Listening before the next check, so a task queued in between is not missed. Without a listening
  // connection the checks alone still find every task, only later.
  const listener = await listenForActivityTasks(deps.sql, (name) => {
    if (name === activity || name === '') wake.now();
  }).catch(() => null);
  try {
    let pause = firstPauseMs;
    for (;;) {
      const task = await claim();
      const left = deadline - Date.now();
      if (task || left <= 0 || signal?.aborted) return task;
      await wake.after(Math.min(left, pause));
      pause = Math.min(pause * 2, longestPauseMs);
    }
  } finally {
    wake.dispose();
    await listener?.unlisten().catch(() => undefined);
  }
}

/** A pause that ends early when `now()` is called (also just before it starts) or the signal fires. */
function createWake(signal: AbortSignal | undefined): { after(ms: number): Promise<void>; now(): void; dispose(): void } {
  let pending = false;
  let end: (() => void) | null = null;
  const now = () => {
    if (end) end();
    else pending = true;
  };
  signal?.addEventListener('abort', now);
  return {
    now,
    after: (ms) => new Promise<void>((resolve) => {
      if (pending || signal?.aborted) {
        pending = false;
        return resolve();
      }
      const timer = setTimeout(() => end?.(), ms);
      end = () => {
        clearTimeout(timer);
        end = null;
        resolve();
      };
    }),
    dispose: () => signal?.removeEventListener('abort', now),
  };
}
