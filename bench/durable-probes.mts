/**
 * Looking at Postgres and the machine while Nightshift runs (used by durable-profile.mts): CPU of this
 * process, of the database's backends and of the whole machine; what the backends wait on; and every
 * statement with its server time, read back from the server log.
 */
import { existsSync, openSync, readSync, closeSync, readFileSync, statSync } from 'node:fs';
import type { Sql } from './durable-modules.mts';
import { sleep } from './durable-support.mts';

export interface CpuSnapshot {
  /** CPU seconds spent between `earlier` and this snapshot; the machine's busy share of that wall time. */
  since(earlier: CpuSnapshot): { node: number; postgres: number | null; machineBusy: number };
  readonly backends: Map<number, number> | null;
  readonly node: number;
  readonly machine: { busy: number; total: number };
}

/** Clock ticks per second of /proc's CPU counters (USER_HZ, 100 on Linux). */
const ticksPerSecond = 100;

export async function cpuSnapshot(sql: Sql): Promise<CpuSnapshot> {
  const rows = await sql.unsafe<{ pid: number }[]>(
    `select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()`,
  );
  const backends = existsSync('/proc/self/stat') ? new Map(rows.map((r) => [r.pid, processTicks(r.pid)])) : null;
  const usage = process.cpuUsage();
  const snapshot: CpuSnapshot = {
    backends,
    node: (usage.user + usage.system) / 1e6,
    machine: machineTicks(),
    since(earlier) {
      let postgres: number | null = null;
      if (backends && earlier.backends) {
        postgres = 0;
        for (const [pid, ticks] of backends) postgres += (ticks - (earlier.backends.get(pid) ?? 0)) / ticksPerSecond;
      }
      const total = snapshot.machine.total - earlier.machine.total;
      return { node: snapshot.node - earlier.node, postgres, machineBusy: total > 0 ? (snapshot.machine.busy - earlier.machine.busy) / total : 0 };
    },
  };
  return snapshot;
}

/** utime + stime of a process, in ticks; 0 when it is gone or not on this machine. */
export function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at index 2: state, ppid, ...
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** The whole machine's busy and total CPU ticks since boot (/proc/stat); zeros where there is none. */
export function machineTicks(): { busy: number; total: number } {
  try {
    const [, ...counts] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = counts.map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/**
 * Samples the other client backends of the database every `everyMs`: `state | wait_event_type:wait_event`
 * ("active | CPU" when running). `stop()` answers how often each was seen and closes `sql`.
 */
export function sampleWaits(sql: Sql, everyMs: number): { stop(): Promise<Map<string, number>> } {
  const seen = new Map<string, number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const rows = await sql.unsafe<{ what: string }[]>(
        `select coalesce(state, 'starting') || ' | ' || coalesce(wait_event_type || ':' || wait_event, 'CPU') as what
         from pg_stat_activity
         where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()`,
      );
      for (const { what } of rows) seen.set(what, (seen.get(what) ?? 0) + 1);
      await sleep(everyMs);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await sql.end();
      return seen;
    },
  };
}

export interface LoggedStatement {
  /** The statement text, whitespace collapsed, parameters left as $n. */
  text: string;
  /** Server time: parse + bind + execute of this statement. */
  ms: number;
}

/** What the server log gives between two marks, read as `T` records of this database. */
export interface ServerLog<T> {
  mark(): Promise<number>;
  read(from: number, to: number): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * Turns `setting` on for the database (sessions opened from now on) and reads this database's records
 * back from the server log between two marks with `parse`; `close` resets the setting.
 */
async function serverLog<T>(sql: Sql, setting: string, value: string, parse: (text: string, db: string) => T[]): Promise<ServerLog<T>> {
  const [{ db }] = await sql.unsafe<{ db: string }[]>('select current_database() as db');
  const [{ file }] = await sql.unsafe<{ file: string | null }[]>('select pg_current_logfile() as file');
  const path = file ?? '/var/log/postgresql/postgresql-15-main.log';
  if (!existsSync(path)) throw new Error(`cannot read the server log (${path}); run without the statement log`);
  await sql.unsafe(`alter database "${db}" set ${setting} = ${value}`);
  return {
    async mark() {
      // The server writes the log asynchronously from our point of view: let it catch up.
      await sleep(200);
      return statSync(path).size;
    },
    async read(from, to) {
      return parse(readRange(path, from, to), db);
    },
    async close() {
      await sql.unsafe(`alter database "${db}" reset ${setting}`);
    },
  };
}

/** `log_min_duration_statement = 0`: every statement of the database with its server time. */
export function statementLog(sql: Sql): Promise<ServerLog<LoggedStatement>> {
  return serverLog(sql, 'log_min_duration_statement', '0', parseLog);
}

function readRange(path: string, from: number, to: number): string {
  const buffer = Buffer.alloc(to - from);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, from);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8');
}

/** One log record: `<time> <zone> [pid] user@db LOG:  duration: N ms  <verb>[ name]: <text>`, text maybe on several lines. */
const recordStart = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \S+ \[\d+\] /;
const durationLine = /^\S+ \S+ \S+ \[\d+\] \S+@(\S+) LOG:  duration: ([\d.]+) ms  (statement|parse|bind|execute)[^:]*: ([\s\S]*)$/;

function parseLog(text: string, db: string): LoggedStatement[] {
  const records: string[] = [];
  for (const line of text.split('\n')) {
    if (recordStart.test(line) || records.length === 0) records.push(line);
    else records[records.length - 1] += `\n${line}`;
  }
  const statements: LoggedStatement[] = [];
  // Parse and bind times are added to the execute that follows them on the same backend.
  const pending = new Map<string, number>();
  for (const record of records) {
    const match = durationLine.exec(record);
    if (!match || match[1] !== db) continue;
    const backend = /\[(\d+)\]/.exec(record)![1];
    const ms = Number(match[2]);
    if (match[3] === 'parse' || match[3] === 'bind') {
      pending.set(backend, (pending.get(backend) ?? 0) + ms);
      continue;
    }
    statements.push({ text: match[4].replace(/\s+/g, ' ').trim().slice(0, 110), ms: ms + (pending.get(backend) ?? 0) });
    pending.delete(backend);
  }
  return statements;
}

export interface StatementCpu {
  /** The statement text, whitespace collapsed. */
  text: string;
  /** Executions (EXECUTE messages and simple queries). */
  calls: number;
  /** CPU seconds (user + system) of its parse, bind and execute messages. */
  cpu: number;
}

/**
 * `log_statement_stats = on`: the server logs the CPU time each message of each statement used
 * (getrusage), which the server's own statement timings (`statementLog`) cannot tell apart from waiting.
 * `read` sums it by statement.
 */
export function statementCpuLog(sql: Sql): Promise<ServerLog<StatementCpu>> {
  return serverLog(sql, 'log_statement_stats', 'on', parseUsage);
}

/** `LOG:  <KIND> [MESSAGE ]STATISTICS` … `!\t<u> s user, <s> s system, …` … `STATEMENT:  <text>`, one record per message. */
const usageRecord = /@(\S+) LOG: {2}(\w+) (?:MESSAGE )?STATISTICS[\s\S]*?!\t([\d.]+) s user, ([\d.]+) s system[\s\S]*?STATEMENT: {2}([\s\S]*)$/;

function parseUsage(text: string, db: string): StatementCpu[] {
  const byText = new Map<string, StatementCpu>();
  for (const record of text.split(/\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \S+ \[\d+\] \S+ LOG: {2})/)) {
    const match = usageRecord.exec(record);
    if (!match || match[1] !== db) continue;
    const key = match[5].replace(/\s+/g, ' ').trim().slice(0, 100);
    const entry = byText.get(key) ?? { text: key, calls: 0, cpu: 0 };
    if (match[2] === 'EXECUTE' || match[2] === 'QUERY') entry.calls += 1;
    entry.cpu += Number(match[3]) + Number(match[4]);
    byText.set(key, entry);
  }
  return [...byText.values()].sort((a, b) => b.cpu - a.cpu);
}
