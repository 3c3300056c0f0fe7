/**
 * Summarizes a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self time, the same
 * time grouped by source file, and the functions with the most total time (self plus callees), each
 * with its share of all samples. Under tsx every line number is 1 (the profile sees transformed code),
 * so functions are named by file only.
 *
 *   node --import tsx bench/cpuprofile-summary.mts PROFILE.cpuprofile [--top=25]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' } }, allowPositionals: true });
if (positionals.length !== 1) throw new Error('usage: cpuprofile-summary.mts PROFILE.cpuprofile [--top=25]');
const profile = JSON.parse(readFileSync(positionals[0], 'utf8')) as Profile;
const top = Number(values.top);

/** Self time per node, in microseconds: each sample's delta belongs to the node sampled. */
function selfTimes(): Map<number, number> {
  const times = new Map<number, number>();
  profile.samples.forEach((id, i) => times.set(id, (times.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  return times;
}

/** Shortens a file URL to what a reader needs: the path inside the repository or the package. */
function shortFile(url: string): string {
  if (url === '') return '(native)';
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.lastIndexOf('node_modules/');
  if (inModules >= 0) return path.slice(inModules + 'node_modules/'.length);
  const inRepo = path.search(/\/(src|bench|test)\//);
  return inRepo >= 0 ? path.slice(inRepo + 1) : path;
}

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName === '' ? '(anonymous)' : functionName;
  if (url === '') return name;
  return lineNumber > 0 ? `${name}  ${shortFile(url)}:${lineNumber + 1}` : `${name}  ${shortFile(url)}`;
}

function tally(key: (node: ProfileNode) => string): Array<[string, number]> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  for (const [id, micros] of selfTimes()) {
    const node = byId.get(id);
    if (!node) continue;
    const k = key(node);
    totals.set(k, (totals.get(k) ?? 0) + micros);
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

/** Total time per function: a sample counts once for every distinct function on its stack. */
function inclusive(): Array<[string, number]> {
  const parents = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  for (const [id, micros] of selfTimes()) {
    const seen = new Set<string>();
    for (let node = byId.get(id); node; node = parents.get(node.id)) seen.add(label(node));
    for (const name of seen) totals.set(name, (totals.get(name) ?? 0) + micros);
  }
  return [...totals].sort((a, b) => b[1] - a[1]);
}

function print(title: string, rows: Array<[string, number]>, total: number): void {
  console.log(`\n${title}`);
  console.log('  self ms   share  function / file');
  for (const [name, micros] of rows.slice(0, top)) {
    console.log(`${(micros / 1000).toFixed(0).padStart(9)} ${((100 * micros) / total).toFixed(1).padStart(6)}%  ${name}`);
  }
}

const total = profile.timeDeltas.reduce((sum, delta) => sum + delta, 0);
console.log(`${positionals[0]}: ${(total / 1000).toFixed(0)} ms sampled, ${profile.samples.length} samples`);
print('by function (self time)', tally(label), total);
print('by file (self time)', tally((node) => shortFile(node.callFrame.url)), total);
print('by function (total time, callees included)', inclusive(), total);
