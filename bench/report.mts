/** What a benchmark prints besides its numbers: the machine, the command, and Markdown tables. */
import { cpus, loadavg, totalmem } from 'node:os';
import { relative } from 'node:path';

export function machineLine(): string {
  const cores = cpus();
  const model = cores[0]?.model.trim() ?? 'unknown CPU';
  const memory = `${Math.round(totalmem() / 2 ** 30)} GiB`;
  return `${cores.length} cores (${model}), ${memory}, ${process.platform}-${process.arch}, node ${process.version}`;
}

/** Other processes on a shared machine move absolute numbers a lot; the load average says when they did. */
export function loadLine(): string {
  return loadavg()
    .map((load) => load.toFixed(2))
    .join(' / ');
}

/** A progress line on stderr with the UTC time: a long run's log then says when each step happened. */
export const logTimed = (line: string): void => console.error(`${new Date().toISOString().slice(11, 19)} ${line}`);

/** The 1-minute load average, for progress lines. */
export const load1 = (): string => loadavg()[0].toFixed(2);

/** The command as typed from the repository root, so a reader can run exactly this again. */
export function commandLine(): string {
  const script = relative(process.cwd(), process.argv[1] ?? '');
  return ['node', ...process.execArgv, script, ...process.argv.slice(2)].join(' ');
}

export function markdownTable(headers: string[], rows: string[][], rightAligned: boolean[]): string {
  const widths = headers.map((header, i) => Math.max(header.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, i) => (rightAligned[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join(' | ')} |`;
  const rule = `|${widths.map((width, i) => (rightAligned[i] ? `${'-'.repeat(width + 1)}:` : '-'.repeat(width + 2))).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

export function formatRate(perSecond: number): string {
  return Math.round(perSecond).toLocaleString('en-US');
}

export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(2)}×`;
}

/** JSON with object keys sorted, so two engines' outputs compare whatever order they build keys in. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value as object)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}
