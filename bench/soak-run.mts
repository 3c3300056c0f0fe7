/**
 * The soak of `bench/soak.mts`: open-loop starts of one-Task executions at a fixed rate for a number of
 * minutes, the worker in the same process (wired as boot wires it, scheduled runs' jobs included), and
 * every 10 s a sample of this process's memory, the handler calls and arrivals since the last sample,
 * the executions still running and the database's size.
 */
import { startExecution } from './durable-modules.mts';
import { workflowName, type NightshiftBench } from './durable-nightshift.mts';
import { sleep, waitUntilNone } from './durable-support.mts';
import { OpenLoop } from './open-loop.mts';
import { formatRate, markdownTable } from './report.mts';

export const sampleEveryMs = 10_000;
/** Start calls outstanding at once, as in latency-under-load.mts: more arrivals than this are missed. */
const maxInFlight = 64;

export interface SoakSample {
  /** Seconds since the arrivals began. */
  at: number;
  rss: number;
  heapUsed: number;
  /** Since the previous sample. */
  arrived: number;
  completed: number;
  missed: number;
  /** Executions started and not finished, at the sample. */
  running: number;
  databaseBytes: number;
}

export interface Soak {
  perSecond: number;
  samples: SoakSample[];
  /** Arrivals over the whole soak, per second. */
  carried: number;
  missed: number;
  failed: number;
  /** The first failed start's error, if any. */
  failure: string | null;
  /** Still running when the arrivals stopped, and the seconds until the last of them finished. */
  backlog: number;
  drainSeconds: number;
}

export async function databaseBytes(bench: NightshiftBench): Promise<number> {
  const [row] = await bench.pool.unsafe<{ bytes: string }[]>('select pg_database_size(current_database())::text as bytes');
  return Number(row.bytes);
}

/** A collection first when `--expose-gc` gave one, so the sample shows what is alive, not what awaits collection. */
function memory(): { rss: number; heapUsed: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

export async function soak(bench: NightshiftBench, perSecond: number, minutes: number, log: (line: string) => void): Promise<Soak> {
  const { runtime, deps } = bench.runtime(32, bench.pool, true);
  await runtime.start();
  try {
    const samples: SoakSample[] = [];
    const load = new OpenLoop(perSecond, maxInFlight, (i) => startExecution(deps, { workflow: workflowName, input: { i } }));
    let last = { arrived: 0, completed: bench.counter.calls, missed: 0 };
    for (let n = 1; n * sampleEveryMs <= minutes * 60_000; n++) {
      await sleep(n * sampleEveryMs - load.seconds * 1000);
      const now = { arrived: load.arrived, completed: bench.counter.calls, missed: load.missed };
      const sample = {
        at: load.seconds, ...memory(), arrived: now.arrived - last.arrived, completed: now.completed - last.completed,
        missed: now.missed - last.missed, running: await bench.running(), databaseBytes: await databaseBytes(bench),
      };
      samples.push(sample);
      last = now;
      if (n % 6 === 0) log(`  minute ${n / 6}: ${minuteLine(samples.slice(-6))}`);
    }
    const seconds = load.seconds;
    await load.stop();
    const backlog = await bench.running();
    const drained = performance.now();
    await waitUntilNone(() => bench.running(), 600_000, 100);
    return {
      perSecond, samples, carried: load.arrived / seconds, missed: load.missed, failed: load.failed, backlog,
      failure: load.failures.length === 0 ? null : String(load.failures[0]),
      drainSeconds: (performance.now() - drained) / 1000,
    };
  } finally {
    await runtime.stop(5_000);
  }
}

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
const sum = (samples: SoakSample[], key: 'arrived' | 'completed' | 'missed'): number => samples.reduce((total, s) => total + s[key], 0);

function minuteLine(minute: SoakSample[]): string {
  const end = minute[minute.length - 1];
  return `${sum(minute, 'arrived')} arrived, ${sum(minute, 'completed')} completed, ${end.running} running, ` +
    `RSS ${mib(end.rss)} MiB, heap ${mib(end.heapUsed)} MiB`;
}

/** The samples grouped by minute (6 per minute; a last partial minute is left out). */
function minutesOf(samples: SoakSample[]): SoakSample[][] {
  const perMinute = 60_000 / sampleEveryMs;
  return Array.from({ length: Math.floor(samples.length / perMinute) }, (_, m) => samples.slice(m * perMinute, (m + 1) * perMinute));
}

export function soakTable(result: Soak): string {
  const rows = minutesOf(result.samples).map((minute, m) => {
    const end = minute[minute.length - 1];
    return [
      String(m + 1), formatRate(sum(minute, 'arrived')), formatRate(sum(minute, 'completed')), String(sum(minute, 'missed')), String(end.running),
      mib(Math.min(...minute.map((s) => s.rss))), mib(Math.max(...minute.map((s) => s.rss))), mib(end.heapUsed), (end.databaseBytes / 2 ** 30).toFixed(2),
    ];
  });
  const headers = ['minute', 'arrived', 'completed', 'missed', 'running at end', 'RSS min MiB', 'RSS max MiB', 'heap used at end MiB', 'database GiB'];
  return markdownTable(headers, rows, headers.map(() => true));
}

const percent = (ratio: number): string => `${ratio >= 1 ? '+' : ''}${((ratio - 1) * 100).toFixed(1)}%`;

/**
 * The soak's verdicts: memory after the warm-up against the end and the band over the rest of the soak
 * (target ±10%), completions per minute against the rate carried, the backlog, the database's growth.
 */
export function soakSummary(result: Soak, warmupMinutes: number, databaseBytesBefore: number): string[] {
  const warm = result.samples.filter((s) => s.at >= warmupMinutes * 60 - 1);
  if (warm.length === 0) return ['soak: no sample after the warm-up'];
  const base = warm[0];
  const end = warm[warm.length - 1];
  const band = (key: 'rss' | 'heapUsed') => {
    const values = warm.map((s) => s[key]);
    const max = Math.max(...values);
    const min = Math.min(...values);
    const within = max / base[key] <= 1.1 && min / base[key] >= 0.9;
    return `${mib(base[key])} MiB after the warm-up (${base.at.toFixed(0)} s), ${mib(end[key])} MiB at the end (${percent(end[key] / base[key])}); ` +
      `over the soak after the warm-up min ${mib(min)} (${percent(min / base[key])}), max ${mib(max)} (${percent(max / base[key])}): ` +
      `${within ? 'within' : '**outside**'} ±10% of the value after the warm-up`;
  };
  const perMinute = minutesOf(result.samples).map((minute) => sum(minute, 'completed'));
  const expected = result.carried * 60;
  const completed = sum(result.samples, 'completed');
  const grown = end.databaseBytes - databaseBytesBefore;
  return [
    `RSS: ${band('rss')}`,
    `heap used: ${band('heapUsed')}`,
    perMinute.length === 0 ? 'completions per minute: the soak was shorter than a minute' :
      `completions per minute: min ${formatRate(Math.min(...perMinute))} (${percent(Math.min(...perMinute) / expected)}), ` +
        `max ${formatRate(Math.max(...perMinute))} (${percent(Math.max(...perMinute) / expected)}) against ${formatRate(expected)} carried ` +
        `(${formatRate(result.carried)}/s asked ${formatRate(result.perSecond)}/s); missed arrivals ${result.missed}, ` +
        `failed starts ${result.failed}${result.failure === null ? '' : ` (first: ${result.failure})`}`,
    `backlog: ${result.backlog} executions running when the arrivals stopped, all finished ${result.drainSeconds.toFixed(1)} s later`,
    `database: ${(databaseBytesBefore / 2 ** 30).toFixed(2)} GiB before the soak, ${(end.databaseBytes / 2 ** 30).toFixed(2)} GiB at its end: ` +
      `+${(grown / 2 ** 20).toFixed(0)} MiB, ${formatRate(completed > 0 ? grown / completed : 0)} bytes per completed execution (no retention ran)`,
  ];
}
