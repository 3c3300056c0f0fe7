/**
 * Runs one benchmark workflow on Nightshift alone and writes a CPU profile of the measured executions
 * only (after a warm-up; module loading and compilation are left out, unlike `node --cpu-prof`, whose
 * profile of this script spends ~5% loading modules through tsx). Not a benchmark: no peer, no ratio.
 *
 *   node --import tsx bench/profile.mts --workflow=order --mode=sequential --count=20000
 *   node --import tsx bench/cpuprofile-summary.mts /tmp/nightshift-order-sequential.cpuprofile
 *
 * --out=FILE writes the profile elsewhere; by default it goes to the system's temporary folder.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { StateMachine as Definition } from '../src/asl/index.ts';
import type { Json } from '../src/shared/index.ts';
import { nightshiftEngine } from './engines.mts';
import { executionsPerSecond, type Mode } from './measure.mts';

const { values } = parseArgs({
  options: {
    workflow: { type: 'string', default: 'order' },
    count: { type: 'string', default: '20000' },
    mode: { type: 'string', default: 'sequential' },
    out: { type: 'string' },
  },
});
const mode = values.mode as Mode;
if (mode !== 'sequential' && mode !== 'concurrent') throw new Error('--mode is sequential or concurrent');
const count = Number(values.count);
const out = values.out ?? join(tmpdir(), `nightshift-${values.workflow}-${mode}.cpuprofile`);

const read = (path: string): Json => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as Json;
const definition = read(`./workflows/${values.workflow}.json`) as unknown as Definition;
const input = read(`./workflows/${values.workflow}.input.json`);

const engine = nightshiftEngine();
const workflow = engine.prepare(definition);
await executionsPerSecond(workflow, input, Math.min(1000, count), mode);

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.start');
const rate = await executionsPerSecond(workflow, input, count, mode);
const { profile } = await session.post('Profiler.stop');
session.disconnect();
writeFileSync(out, JSON.stringify(profile));
console.log(`nightshift ${values.workflow} ${mode}: ${Math.round(rate)} exec/s over ${count} executions while profiled`);
console.log(`profile written to ${out}`);
engine.close();
