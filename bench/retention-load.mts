/**
 * Fills a Nightshift database with stored (finished) one-Task executions for `bench/retention-cost.mts`,
 * in bulk, in the rows the engine writes today: one `executions` row each and its `history` rows (one per
 * committed step since 0016_history_batches.sql: two for a one-Task execution).
 *
 * One execution is run by the engine first and serves as the template: every stored execution is a copy
 * of its row and its history rows with its own UUIDv7 id (which begins with its start time, as the
 * engine's ids do), name (= id, as the engine names it), root, times, and `input` / `output` carrying its
 * own number (`{"i": n}`), so the GIN indexes on them get a key per execution as they would with real
 * inputs. The history batches are copied byte for byte (their events' details hold the template's input:
 * same size). Copies are written in start-time order in transactions of `chunk` executions, so every
 * index grows as it does under the engine (new keys at the right edge of the time-ordered ones).
 */
import { statfs } from 'node:fs/promises';
import type { Sql } from './durable-modules.mts';
import type { NightshiftBench } from './durable-nightshift.mts';
import { formatRate } from './report.mts';

export const day = 86_400_000;

export interface StoredWindow {
  /** Start time of the first stored execution, ms. */
  fromMs: number;
  /** ms between two stored executions' starts. */
  spacingMs: number;
  count: number;
}

/**
 * The stored executions are spread evenly over `days` days ending now: with a retention of
 * `days - 2` days, the oldest two days' worth have expired and the rest have not.
 */
export function storedWindow(count: number, days: number, nowMs: number): StoredWindow {
  const spacingMs = (days * day) / count;
  return { fromMs: nowMs - days * day, spacingMs, count };
}

/** The start time of stored execution `index`, ms: the retention cutoff that removes the `index` before it. */
export const startOf = (w: StoredWindow, index: number): number => w.fromMs + index * w.spacingMs;

// A UUIDv7 for time `at`: a random (v4) UUID whose first 48 bits are replaced by the milliseconds since
// the epoch and whose version nibble is set to 7.
const uuidAt = `encode(set_byte(b, 6, (get_byte(b, 6) & 15) | 112), 'hex')::uuid`;
const uuidBytes = `overlay(uuid_send(gen_random_uuid()) placing substring(int8send(floor(extract(epoch from a.at) * 1000)::bigint) from 3) from 1 for 6)`;

// jsonb_populate_record keeps every column of the template that the object does not name, so the copy
// follows the table's columns whatever later migrations add. It is called in a lateral join: written
// `(jsonb_populate_record(...)).*` it would run once per column (40× slower).
const copyChunk = `
  with made as (
    insert into nightshift.executions
    select r.*
    from nightshift.executions t,
    lateral (
      select g, a.at, ${uuidAt} as id
      from generate_series($2::bigint, $3::bigint - 1) g,
      lateral (select to_timestamp(($4::float8 + g * $5::float8) / 1000) as at) a,
      lateral (select ${uuidBytes} as b) bytes
    ) v,
    lateral jsonb_populate_record(t, jsonb_build_object(
      'id', v.id, 'name', v.id::text, 'root_id', v.id,
      'input', jsonb_set(t.input, '{i}', to_jsonb(v.g)), 'output', jsonb_set(t.output, '{i}', to_jsonb(v.g)),
      'started_at', v.at, 'stopped_at', v.at + (t.stopped_at - t.started_at), 'updated_at', v.at + (t.updated_at - t.started_at))) r
    where t.id = $1
    order by v.at
    returning id, started_at
  )
  insert into nightshift.history (execution_id, first_seq, batch, created_at)
  select m.id, h.first_seq, h.batch, m.started_at + (h.created_at - t.started_at)
  from made m cross join nightshift.executions t join nightshift.history h on h.execution_id = t.id
  where t.id = $1
  order by m.started_at, h.first_seq`;

/**
 * Writes `window.count` copies of execution `templateId`, `chunk` per transaction, calling `progress`
 * after each chunk with the number written so far; `check` runs before each chunk and may stop the load
 * by throwing (the disk is filling up). The secondary indexes of both tables are dropped for the load
 * and built again after it (`CREATE INDEX` sorts once: ~10× faster than 10 M inserts into 14 indexes
 * on 2 shared cores), and the rows skip their foreign-key checks (session_replication_role = replica):
 * they are copies of a row that passed them. The primary keys stay, filled in time order as the engine
 * fills them.
 */
export async function loadStored(
  sql: Sql, templateId: string, window: StoredWindow, chunk: number, progress: (done: number) => void, check: () => Promise<void>,
): Promise<{ indexSeconds: number }> {
  const indexes = await sql.unsafe<{ name: string; definition: string }[]>(
    `select i.indexname as name, i.indexdef as definition from pg_indexes i
     where i.schemaname = 'nightshift' and i.tablename in ('executions', 'history')
       and not exists (select 1 from pg_constraint c where c.conname = i.indexname and c.contype = 'p')`,
  );
  for (const index of indexes) await sql.unsafe(`drop index nightshift.${index.name}`);
  for (let from = 0; from < window.count; from += chunk) {
    await check();
    const to = Math.min(window.count, from + chunk);
    await sql.begin(async (tx) => {
      await tx.unsafe('set local session_replication_role = replica');
      await tx.unsafe(copyChunk, [templateId, from, to, window.fromMs, window.spacingMs] as never);
    });
    progress(to);
  }
  const began = performance.now();
  for (const index of indexes) {
    await sql.begin(async (tx) => {
      await tx.unsafe(`set local maintenance_work_mem = '1GB'`);
      await tx.unsafe(index.definition);
    });
  }
  return { indexSeconds: (performance.now() - began) / 1000 };
}

/**
 * Runs one execution on `bench` (the template), then writes `window.count` copies of it (`loadStored`),
 * logging every 5%; stops when the database's disk has less than `minFreeBytes` free.
 */
export async function loadStoredCopies(
  bench: NightshiftBench, window: StoredWindow, chunk: number, minFreeBytes: number, log: (line: string) => void,
): Promise<{ seconds: number; indexSeconds: number }> {
  await bench.enqueue(1);
  await bench.workOff(1, 32);
  const [template] = await bench.pool.unsafe<{ id: string }[]>(`select id from nightshift.executions where status = 'SUCCEEDED' limit 1`);
  const began = performance.now();
  let reported = 0;
  const { indexSeconds } = await loadStored(bench.pool, template.id, window, chunk, (done) => {
    if (done - reported < window.count / 20 && done < window.count) return;
    reported = done;
    const seconds = (performance.now() - began) / 1000;
    log(`  loaded ${done.toLocaleString('en-US')} of ${window.count.toLocaleString('en-US')} (${formatRate(done / seconds)}/s)`);
  }, async () => {
    const free = await dataDirectoryFree(bench.pool);
    if (free < minFreeBytes) throw new Error(`less than ${(minFreeBytes / 2 ** 30).toFixed(0)} GiB free on the database's disk: load stopped`);
  });
  return { seconds: (performance.now() - began) / 1000, indexSeconds };
}

/** Bytes free on the disk of the server's data directory (the server runs on this machine). */
export async function dataDirectoryFree(sql: Sql): Promise<number> {
  const [row] = await sql.unsafe<{ setting: string }[]>(`select setting from pg_settings where name = 'data_directory'`);
  const fs = await statfs(row?.setting ?? '/');
  return fs.bavail * fs.bsize;
}

export interface StoredSize {
  executions: number;
  history: number;
  /** Of which indexes (both tables). */
  indexes: number;
  /** Of which TOAST (both tables). */
  toast: number;
}

/** Bytes on disk of the two tables that hold stored executions, with their indexes and TOAST. */
export async function storedSize(sql: Sql): Promise<StoredSize> {
  const [row] = await sql.unsafe<{ executions: string; history: string; indexes: string; toast: string }[]>(
    `select pg_total_relation_size('nightshift.executions')::text as executions,
            pg_total_relation_size('nightshift.history')::text as history,
            (pg_indexes_size('nightshift.executions') + pg_indexes_size('nightshift.history'))::text as indexes,
            (coalesce(pg_total_relation_size(nullif((select reltoastrelid from pg_class where oid = 'nightshift.executions'::regclass), 0)), 0)
             + coalesce(pg_total_relation_size(nullif((select reltoastrelid from pg_class where oid = 'nightshift.history'::regclass), 0)), 0))::text as toast`,
  );
  return { executions: Number(row.executions), history: Number(row.history), indexes: Number(row.indexes), toast: Number(row.toast) };
}

export async function storedCount(sql: Sql): Promise<number> {
  const [row] = await sql.unsafe<{ n: string }[]>(`select count(*)::text as n from nightshift.executions`);
  return Number(row.n);
}

export async function walLsn(sql: Sql): Promise<string> {
  const [row] = await sql.unsafe<{ lsn: string }[]>('select pg_current_wal_lsn()::text as lsn');
  return row.lsn;
}

/** WAL bytes written by the whole server since `lsn` (other databases' writes count too on a shared server). */
export async function walSince(sql: Sql, lsn: string): Promise<number> {
  const [row] = await sql.unsafe<{ bytes: string }[]>('select pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text as bytes', [lsn]);
  return Number(row.bytes);
}
