/**
 * First steps computed before anything is written: most workflows' first step ends at a Task, a Wait or
 * the end, and writes only the execution's row, its history batch and its jobs. Such starts are inserted
 * already stepped (store's insertStartedExecutions): one statement instead of an insert, a step write and
 * a transaction around them. A first step that must write another row (branches, a task token, a
 * sql:query's work, a parent's callback) is found out here and taken the transactional way instead.
 */
import { newExecutionRow, type NewExecution, type Queryable, type SteppedStart } from '../../store/index.ts';
import { prepareStep, type CommitContext } from './commit.ts';
import type { ObservedStep } from './observe.ts';

export interface FirstSteps {
  starts: SteppedStart[];
  observed: ObservedStep[];
  /** Whether a job the steps add is due now (wake the workers once written). */
  dueNow: boolean;
}

/** What a first step touches instead of a transaction: any use means it writes more than its own row. */
class NoTransaction {
  touched = false;
  readonly queryable = new Proxy({}, {
    get: () => {
      this.touched = true;
      throw new Error('this first step needs a transaction');
    },
  }) as Queryable;
}

/**
 * Steps each start in memory; null as soon as one of them needs a transaction. `sql` reads the versions'
 * definitions not compiled yet (a committed read: a version is immutable once deployed).
 */
export async function firstStepsInMemory(ctx: CommitContext, sql: Queryable, executions: readonly NewExecution[]): Promise<FirstSteps | null> {
  const starts: SteppedStart[] = [];
  const observed: ObservedStep[] = [];
  const seen = new Set<string>();
  for (const execution of executions) {
    // The same execution twice (a held start admitted by its own hold) is inserted once, as the insert's conflict rule would.
    if (seen.has(execution.id)) continue;
    seen.add(execution.id);
    await ctx.machines.get(sql, execution.versionId);
    const row = newExecutionRow(execution);
    const guard = new NoTransaction();
    // An effect that needs the database throws through the guard (or is caught as a task failure: `touched` tells).
    const prepared = await prepareStep(ctx, guard.queryable, row, [{ type: 'start', input: row.input }]).catch((error: unknown) => {
      if (guard.touched) return null;
      throw error;
    });
    if (!prepared || guard.touched || prepared.cancelKeys.length > 0) return null;
    starts.push({ row: { ...row, ...prepared.write.update }, write: prepared.write, jobs: prepared.jobs });
    observed.push(prepared.observed);
  }
  // Read after stepping: a job stamped "now" by its step (a millisecond after the loop began) is due.
  const nowMs = ctx.clock.now();
  const dueNow = starts.some((start) => start.jobs.some((job) => job.runAt.getTime() <= nowMs));
  return { starts, observed, dueNow };
}
