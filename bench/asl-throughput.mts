/**
 * ASL throughput: executions per second of the same definitions in Nightshift's in-memory runner and
 * in aws-local-stepfunctions, both in this process, every Task a no-op in-code handler.
 *
 *   node --expose-gc --import tsx bench/asl-throughput.mts [--scale=0.1] [--rounds=3] [--only=order,pass-chain] [--slices=count|time]
 *
 * Each (workflow, mode) is measured once per engine per round, the engines taking turns in slices of
 * equal time (or with --slices=count of equal counts); the table shows the medians over rounds and the
 * ratio of the medians.
 */
import { readFileSync } from 'node:fs';
import type { StateMachine as Definition } from '../src/asl/index.ts';
import type { Json } from '../src/shared/index.ts';
import { awsLocalStepFunctionsEngine, nightshiftBuild, nightshiftEngine, type Engine, type PreparedWorkflow } from './engines.mts';
import { median, modeLabels, timeBatch, timeFor, type Mode, type TimedRun } from './measure.mts';
import { canonicalJson, commandLine, formatRate, formatRatio, loadLine, machineLine, markdownTable } from './report.mts';

interface WorkflowSpec {
  name: string;
  /** Executions per engine per round, and before the first round for each engine and mode. */
  count: number;
  warmUp: number;
}

// Counts (--slices=count) chosen so that each round of the slower engine lasts a few seconds (shorter
// ones were too noisy) and the whole run stays under ~2 minutes on 2 cores. A slice (count / slices)
// keeps at least twice the 50 in flight, so the concurrent mode is not mostly ramp-up and tail.
const workflowSpecs: WorkflowSpec[] = [
  { name: 'order', count: 4000, warmUp: 200 },
  { name: 'pass-chain', count: 10000, warmUp: 500 },
  { name: 'map-100', count: 500, warmUp: 20 },
];
const modes: Mode[] = ['sequential', 'concurrent'];

/**
 * Slices per engine, (workflow, mode) and round. By time (the default): 3 of 1 s each, 3 s per engine,
 * the whole run ~2 minutes. A collected heap before each slice deoptimizes much of both engines'
 * optimized code (V8: "marking dependent code for deoptimization, reason: weak objects": the maps it
 * embeds die with the last execution), and the first ~100-300 ms of a slice run slower; slices of equal
 * time bear that alike. With equal counts (the previous method, --slices=count) the faster engine's
 * slices are the short ones and sit mostly inside that window: `order` measured ~13× that way against
 * ~42× in 1.2 s slices of equal time on the same build (README.md).
 */
const slicing = { time: { slices: 3, ms: 1000 }, count: { slices: 5 } };

interface Workflow {
  spec: WorkflowSpec;
  input: Json;
  prepared: PreparedWorkflow[];
}

interface Options {
  scale: number;
  rounds: number;
  only: string[] | null;
  /** Slices of equal time per engine (the default) or of equal counts (see `slicing`). */
  slices: 'count' | 'time';
}

function parseOptions(args: string[]): Options {
  const options: Options = { scale: 1, rounds: 3, only: null, slices: 'time' };
  for (const arg of args) {
    const [key, value] = arg.replace(/^--/, '').split('=');
    if (key === 'scale' && Number(value) > 0) options.scale = Number(value);
    else if (key === 'rounds' && Number.isInteger(Number(value)) && Number(value) > 0) options.rounds = Number(value);
    else if (key === 'only' && value) options.only = value.split(',');
    else if (key === 'slices' && (value === 'count' || value === 'time')) options.slices = value;
    else throw new Error(`unknown or invalid argument ${JSON.stringify(arg)}: use --scale=N, --rounds=N, --only=WORKFLOW[,WORKFLOW], --slices=count|time`);
  }
  return options;
}

function readJson(path: string): Json {
  return JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as Json;
}

function load(spec: WorkflowSpec, engines: Engine[]): Workflow {
  const definition = readJson(`./workflows/${spec.name}.json`) as unknown as Definition;
  const input = readJson(`./workflows/${spec.name}.input.json`);
  return { spec, input, prepared: engines.map((engine) => engine.prepare(definition)) };
}

/** A throughput number means nothing unless both engines compute the same thing. */
async function checkOutputs(workflows: Workflow[], engines: Engine[]): Promise<void> {
  for (const workflow of workflows) {
    const outputs = await Promise.all(workflow.prepared.map((prepared) => prepared.run(workflow.input)));
    const texts = outputs.map(canonicalJson);
    if (texts.some((text) => text !== texts[0])) {
      const shown = engines.map((engine, i) => `  ${engine.name}: ${texts[i]}`).join('\n');
      throw new Error(`outputs differ for ${workflow.spec.name}:\n${shown}`);
    }
  }
  console.log(`outputs match (${workflows.map((workflow) => workflow.spec.name).join(', ')})`);
}

function scaled(count: number, scale: number): number {
  return Math.max(1, Math.round(count * scale));
}

async function warmUp(workflows: Workflow[], scale: number): Promise<void> {
  for (const workflow of workflows) {
    for (const prepared of workflow.prepared) {
      for (const mode of modes) await timeBatch(prepared, workflow.input, scaled(workflow.spec.warmUp, scale), mode);
    }
  }
}

type Samples = Map<string, number[][]>;

/**
 * One round of one (workflow, mode): the engines take turns in slices, the one going first alternating
 * between rounds, and each engine's rate is its executions over its summed time. Other processes on a
 * shared machine then slow both engines alike instead of whichever happened to run during the
 * disturbance (one long batch per engine gave per-round ratios from 0.9× to 2.7× for the same pair).
 */
async function measurePair(workflow: Workflow, mode: Mode, round: number, options: Options): Promise<number[]> {
  const slices = slicing[options.slices].slices;
  const sliceCount = Math.max(1, Math.round(scaled(workflow.spec.count, options.scale) / slices));
  const slice = async (prepared: PreparedWorkflow): Promise<TimedRun> =>
    options.slices === 'time'
      ? timeFor(prepared, workflow.input, slicing.time.ms * options.scale, mode)
      : { executions: sliceCount, ms: await timeBatch(prepared, workflow.input, sliceCount, mode) };
  const order = workflow.prepared.map((_, i) => i);
  if (round % 2 === 1) order.reverse();
  const totals = workflow.prepared.map(() => ({ executions: 0, ms: 0 }));
  for (let n = 0; n < slices; n++) {
    for (const i of order) {
      const run = await slice(workflow.prepared[i]);
      totals[i].executions += run.executions;
      totals[i].ms += run.ms;
    }
  }
  return totals.map((total) => total.executions / (total.ms / 1000));
}

async function measureRound(workflows: Workflow[], round: number, options: Options, samples: Samples): Promise<void> {
  for (const workflow of workflows) {
    for (const mode of modes) {
      const key = `${workflow.spec.name}/${mode}`;
      const perEngine = samples.get(key) ?? workflow.prepared.map(() => []);
      samples.set(key, perEngine);
      const rates = await measurePair(workflow, mode, round, options);
      rates.forEach((rate, i) => perEngine[i].push(rate));
    }
  }
}

function resultTable(workflows: Workflow[], engines: Engine[], samples: Samples): string {
  const rows: string[][] = [];
  for (const workflow of workflows) {
    for (const mode of modes) {
      const [ours, theirs] = samples.get(`${workflow.spec.name}/${mode}`) as number[][];
      const perRound = ours.map((value, i) => formatRatio(value / theirs[i])).join(' ');
      rows.push([workflow.spec.name, modeLabels[mode], formatRate(median(ours)), formatRate(median(theirs)), formatRatio(median(ours) / median(theirs)), perRound]);
    }
  }
  const headers = ['workflow', 'mode', `${engines[0].name} exec/s`, `${engines[1].name} exec/s`, 'ratio', 'ratio per round'];
  return markdownTable(headers, rows, [false, false, true, true, true, false]);
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const unknown = (options.only ?? []).filter((name) => !workflowSpecs.some((spec) => spec.name === name));
  if (unknown.length > 0) throw new Error(`no workflow named ${unknown.join(', ')}: choose among ${workflowSpecs.map((spec) => spec.name).join(', ')}`);
  const specs = workflowSpecs.filter((spec) => options.only === null || options.only.includes(spec.name));
  console.log(`# ASL throughput, ${new Date().toISOString().slice(0, 10)}`);
  console.log(`machine: ${machineLine()}`);
  console.log(`command: ${commandLine()}`);
  console.log(`nightshift build: ${nightshiftBuild}`);
  const how = options.slices === 'time' ? `${slicing.time.ms * options.scale} ms each` : 'of equal counts';
  console.log(`slices: ${slicing[options.slices].slices} per engine, (workflow, mode) and round, ${how}`);
  console.log(`load average (1 / 5 / 15 min) at start: ${loadLine()}`);
  const engines = [nightshiftEngine(), awsLocalStepFunctionsEngine()];
  const workflows = specs.map((spec) => load(spec, engines));
  await checkOutputs(workflows, engines);
  const started = performance.now();
  await warmUp(workflows, options.scale);
  const samples: Samples = new Map();
  for (let round = 0; round < options.rounds; round++) {
    await measureRound(workflows, round, options, samples);
    const heap = (process.memoryUsage().heapUsed / 2 ** 20).toFixed(0);
    console.log(`round ${round + 1}/${options.rounds} done, ${((performance.now() - started) / 1000).toFixed(1)} s so far, heap ${heap} MiB`);
  }
  console.log(`load average at end: ${loadLine()}`);
  console.log(`\nmedians of ${options.rounds} rounds; ratio = nightshift / aws-local-stepfunctions (higher is better for nightshift)\n`);
  console.log(resultTable(workflows, engines, samples));
  for (const engine of engines) engine.close();
}

await main();
