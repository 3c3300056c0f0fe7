/**
 * The table-change drain: how long from the commit of the app's writes until every execution they
 * cause is started, and how many statements the drain sends for it. Two shapes:
 *   one-transaction  1 000 rows inserted in one transaction (one delivery, halved while over 256 KiB)
 *   backlog          1 000 transactions of one row each (1 000 deliveries, 100 per drain)
 * The drain is called directly until the outbox is empty (no poll interval is counted). Run by hand:
 *
 *   node --import tsx bench/table-drain.mts [--rows=1000] [--rounds=3]
 *
 * NIGHTSHIFT_BENCH_DATABASE_URL (an admin URL; default postgres://postgres@127.0.0.1:5432/postgres)
 * is where a scratch database is created and dropped afterwards.
 */
import { randomBytes } from 'node:crypto';
import { loadWorkflow } from '../src/asl/index.ts';
import { registerBuiltinResources, ResourceRegistry } from '../src/resources/index.ts';
import { DurableRuntime } from '../src/runtime/index.ts';
import { deployWorkflow, type ServiceDeps } from '../src/service/index.ts';
import { systemClock } from '../src/shared/index.ts';
import { connect, migrate, type Sql } from '../src/store/index.ts';
import { drainOutbox, syncTableSubscriptions } from '../src/triggers/index.ts';

const args: Record<string, string> = Object.fromEntries(process.argv.slice(2).map((a) => {
  const [name, value = 'true'] = a.replace(/^--/, '').split('=');
  return [name, value];
}));
const rows = Number(args.rows ?? 1000);
const rounds = Number(args.rounds ?? 3);
const adminUrl = process.env.NIGHTSHIFT_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function urlOf(database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Counts the statements the pool sends while `work` runs (the driver's debug hook). */
async function counted<T>(sql: Sql, work: () => Promise<T>): Promise<{ value: T; statements: number }> {
  const options = (sql as unknown as { options: { debug?: unknown } }).options;
  let statements = 0;
  options.debug = () => {
    statements += 1;
  };
  try {
    return { value: await work(), statements };
  } finally {
    options.debug = false;
  }
}

async function drainAll(deps: ServiceDeps): Promise<number> {
  let executions = 0;
  for (;;) {
    const result = await drainOutbox(deps);
    executions += result.executions;
    if (result.transactions === 0) return executions;
  }
}

async function measure(sql: Sql, deps: ServiceDeps, shape: 'one-transaction' | 'backlog'): Promise<string> {
  await sql`truncate public.bench_rows`;
  if (shape === 'one-transaction') {
    await sql`insert into public.bench_rows (email, name) select 'user' || i || '@example.com', 'User ' || i from generate_series(1, ${rows}) i`;
  } else {
    for (let i = 0; i < rows; i++) await sql`insert into public.bench_rows (email, name) values (${`user${i}@example.com`}, ${`User ${i}`})`;
  }
  const t0 = performance.now();
  const { value: executions, statements } = await counted(sql, () => drainAll(deps));
  const ms = performance.now() - t0;
  await sql`delete from nightshift.executions where workflow_name = 'bench-watch'`;
  return `${shape}: ${executions} executions started in ${ms.toFixed(0)} ms, ${statements} statements`;
}

async function main(): Promise<void> {
  const name = `nightshift_bench_${randomBytes(4).toString('hex')}`;
  const admin = connect(adminUrl, { max: 1 });
  await admin.unsafe(`create database ${name}`);
  const sql = connect(urlOf(name), { max: 10, applicationName: 'nightshift-bench' });
  try {
    await migrate(sql);
    await sql`create table public.bench_rows (id serial primary key, email text, name text)`;
    const registry = registerBuiltinResources(new ResourceRegistry());
    // No worker: only the starts are measured.
    const runtime = new DurableRuntime({ sql, registry, concurrency: 0 });
    const deps: ServiceDeps = { sql, runtime, clock: systemClock };
    const wrapper = { name: 'bench-watch', triggers: [{ table: 'public.bench_rows', on: ['INSERT'] }], definition: { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } } };
    const { workflow, problems } = loadWorkflow(JSON.stringify(wrapper), 'bench-watch.json');
    if (!workflow) throw new Error(`the bench workflow does not load: ${JSON.stringify(problems)}`);
    await deployWorkflow(deps, workflow);
    await syncTableSubscriptions(deps, workflow.name, workflow.triggers);
    for (let round = 0; round < rounds; round++) {
      console.log(await measure(sql, deps, 'one-transaction'));
      console.log(await measure(sql, deps, 'backlog'));
    }
  } finally {
    await sql.end({ timeout: 5 });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

await main();
