/**
 * DBOS Transact (`@dbos-inc/dbos-sdk`, 5.x: its newest major, which declares Node >= 20) in the
 * start-one-by-one scenario: workflows of one and of three steps, each step an in-process function that
 * answers its input, started with `DBOS.startWorkflow` in the process that runs them. DBOS checkpoints
 * every step's output in its system database (`dbos.operation_outputs`) and the workflow's status in
 * `dbos.workflow_status` (PENDING, then SUCCESS): as durable as Nightshift's steps. DBOS is one
 * singleton per process: `open()` launches it once, `close()` shuts it down.
 *
 * Settings: its defaults, except the system database pool (10 by default) raised to 20, the size of a
 * Nightshift worker's pool, and its log level (errors only).
 */
import { DBOS } from '@dbos-inc/dbos-sdk';
import { connect, type Sql } from './durable-modules.mts';
import { createDatabase, dropDatabase } from './durable-support.mts';

export const dbosDatabase = `bench_dbos_${process.pid}`;

const answer = async (i: number): Promise<number> => i;

/** One step, then the workflow returns. */
const oneStep = DBOS.registerWorkflow(
  async (i: number): Promise<number> => DBOS.runStep(() => answer(i), { name: 'noop' }),
  { name: 'bench-one' },
);

/** Three steps one after the other. */
const threeSteps = DBOS.registerWorkflow(
  async (i: number): Promise<number> => {
    const a = await DBOS.runStep(() => answer(i), { name: 'one' });
    const b = await DBOS.runStep(() => answer(a), { name: 'two' });
    return DBOS.runStep(() => answer(b), { name: 'three' });
  },
  { name: 'bench-three' },
);

export class DbosBench {
  private probe: Sql | null = null;

  private constructor() {}

  /** A fresh system database; DBOS launched on it (it migrates its own schema). */
  static async open(): Promise<DbosBench> {
    const url = await createDatabase(dbosDatabase);
    DBOS.setConfig({ name: 'nightshift-bench', systemDatabaseUrl: url, systemDatabasePoolSize: 20, logLevel: 'error' });
    await DBOS.launch();
    const bench = new DbosBench();
    bench.probe = connect(url, { max: 1, applicationName: 'dbos-bench-probe' });
    return bench;
  }

  /** Starts workflow `i` (of `steps` steps) and answers its id once DBOS has recorded it as PENDING. */
  async start(i: number, steps: 1 | 3): Promise<string> {
    const handle = await DBOS.startWorkflow(steps === 1 ? oneStep : threeSteps)(i);
    return handle.workflowID;
  }

  /** Ids of workflows not finished yet (workflow_status_status_index). */
  async unfinished(): Promise<Set<string>> {
    const rows = await this.probe!.unsafe<{ id: string }[]>(
      `select workflow_uuid as id from dbos.workflow_status where status in ('PENDING', 'ENQUEUED')`,
    );
    return new Set(rows.map((r) => r.id));
  }

  async close(): Promise<void> {
    await DBOS.shutdown();
    await this.probe?.end();
    this.probe = null;
    await dropDatabase(dbosDatabase);
  }
}
