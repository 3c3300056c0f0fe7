/** The durable benchmark's output: what ran where, then three Markdown tables with the ratios. */
import { readFile } from 'node:fs/promises';
import { commandLine, formatRate, formatRatio, machineLine, markdownTable } from './report.mts';
import type { PgbenchResult } from './durable-pgbench.mts';
import { nightshiftBuild } from './durable-modules.mts';
import { durabilitySettings, serverVersion } from './durable-support.mts';

export interface ThroughputRow {
  label: string;
  nightshift: boolean;
  enqueuePerSecond: number;
  workOffPerSecond: number;
  /** Each round's work-off rate, in round order. */
  rounds: number[];
  startupMs: number;
  nodeCpuUs: number;
  machineBusy: number;
}

export interface LatencyRow {
  label: string;
  path: string;
  nightshift: boolean;
  samples: number;
  p50: number;
  p99: number;
}

export interface RunFacts {
  items: number;
  rounds: number;
  loadAtStart: number[];
  loadAtEnd: number[];
  seconds: number;
}

export async function durabilityReport(facts: RunFacts): Promise<string[]> {
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  return [
    `date: ${new Date().toISOString()}`,
    `machine: ${machineLine()}`,
    `postgres: ${await serverVersion()} (${await durabilitySettings()})`,
    `nightshift: ${nightshiftBuild}; peers: graphile-worker ${await peerVersion('graphile-worker')}, pg-boss ${await peerVersion('pg-boss')}`,
    `command: ${commandLine()}`,
    `${facts.rounds} rounds, ${facts.items > 0 ? `${facts.items.toLocaleString('en-US')} items per work-off` : 'latency only'}, medians over rounds; took ${Math.round(facts.seconds)} s`,
    `load average at start ${load(facts.loadAtStart)}, at end ${load(facts.loadAtEnd)}`,
  ];
}

async function peerVersion(name: string): Promise<string> {
  const manifest = await readFile(new URL(`node_modules/${name}/package.json`, import.meta.url), 'utf8');
  return (JSON.parse(manifest) as { version: string }).version;
}

const ms = (value: number): string => value.toFixed(1);

function throughputTable(rows: ThroughputRow[], ceiling: number | null): string {
  const ours = rows.filter((r) => r.nightshift);
  const headers = [
    'engine, settings', 'queued / s', 'worked off / s', 'per round', 'first handler after', 'node CPU / item', 'machine busy',
    ...ours.map((r) => `${r.label.replace('nightshift, ', 'nightshift ')} / this`),
    ...(ceiling === null ? [] : ['÷ pgbench 16 clients']),
  ];
  const body = rows.map((row) => [
    row.label,
    formatRate(row.enqueuePerSecond),
    formatRate(row.workOffPerSecond),
    row.rounds.map(formatRate).join(', '),
    `${ms(row.startupMs)} ms`,
    `${Math.round(row.nodeCpuUs)} µs`,
    `${Math.round(row.machineBusy * 100)}%`,
    ...ours.map((n) => (n === row ? '' : formatRatio(n.workOffPerSecond / row.workOffPerSecond))),
    ...(ceiling === null ? [] : [formatRatio(row.workOffPerSecond / ceiling)]),
  ]);
  return markdownTable(headers, body, headers.map((_, i) => i > 0));
}

function latencyTable(rows: LatencyRow[]): string {
  const ours = rows.filter((r) => r.nightshift);
  const headers = [
    'engine, settings', 'how the item reaches the worker', 'samples / round', 'p50 ms', 'p99 ms',
    ...ours.map((_, i) => `nightshift (${i + 1}) / this: p50, p99`),
  ];
  const body = rows.map((row) => [
    row.nightshift ? `${row.label} (${ours.indexOf(row) + 1})` : row.label,
    row.path,
    String(row.samples),
    ms(row.p50),
    ms(row.p99),
    ...ours.map((n) => (n === row ? '' : `${formatRatio(n.p50 / row.p50)}, ${formatRatio(n.p99 / row.p99)}`)),
  ]);
  return markdownTable(headers, body, headers.map((_, i) => i > 1));
}

function pgbenchTable(results: PgbenchResult[], best: ThroughputRow | undefined): string {
  const headers = ['pgbench, one INSERT per transaction', 'commits / s', 'latency ms', ...(best ? [`${best.label} / this`] : [])];
  const body = results.map((r) => [
    `${r.clients} client${r.clients === 1 ? '' : 's'}`,
    formatRate(r.commitsPerSecond),
    r.latencyMs.toFixed(2),
    ...(best ? [formatRatio(best.workOffPerSecond / r.commitsPerSecond)] : []),
  ]);
  return markdownTable(headers, body, headers.map((_, i) => i > 0));
}

export function printReport(facts: string[], throughput: ThroughputRow[], latency: LatencyRow[], pgbench: PgbenchResult[]): void {
  const ceiling = pgbench.find((r) => r.clients === 16)?.commitsPerSecond ?? null;
  const best = throughput.filter((r) => r.nightshift).sort((a, b) => b.workOffPerSecond - a.workOffPerSecond)[0];
  const lines = [...facts];
  if (throughput.length > 0) {
    lines.push(
      '',
      'Throughput: work off already-queued items (Nightshift: one-Task executions, every step durable; peers: no-op jobs).',
      'Ratios are Nightshift / peer, work-off rates: above 1× Nightshift is faster.',
      '',
      throughputTable(throughput, ceiling),
    );
  }
  lines.push(
    '',
    'Latency: start or enqueue one item on an idle engine until its handler is called, sequential samples,',
    `1-10 ms random pauses. Ratios are Nightshift / peer: below 1× Nightshift is quicker.`,
    '',
    latencyTable(latency),
  );
  if (pgbench.length > 0) lines.push('', 'The database\'s own ceiling on this machine:', '', pgbenchTable(pgbench, best));
  console.log(lines.join('\n'));
}
