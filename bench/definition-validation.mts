/**
 * Time to load a workflow file (parse with positions, then validate) by number of states, to show that it
 * grows linearly. Each size is loaded a few times and the best time kept. Run by hand:
 *
 *   node --import tsx bench/definition-validation.mts [--sizes=1000,10000,30000,60000] [--rounds=3]
 *
 * The size limits are raised for the run so that sizes above limits.maxDefinitionStates are measured too.
 */
import { loadWorkflow } from '../src/asl/index.ts';

const args: Record<string, string> = Object.fromEntries(process.argv.slice(2).map((a) => {
  const [name, value = 'true'] = a.replace(/^--/, '').split('=');
  return [name, value];
}));
const sizes = (args.sizes ?? '1000,10000,30000,60000').split(',').map(Number);
const rounds = Number(args.rounds ?? 3);

/** A chain of Task, Choice and Pass states: every state is reachable, every transition is checked. */
function fileOf(states: number): string {
  const States: Record<string, unknown> = {};
  for (let i = 0; i < states; i++) {
    const next = i === states - 1 ? { End: true } : { Next: `S${i + 1}` };
    if (i % 3 === 0) States[`S${i}`] = { Type: 'Task', Resource: 'http:invoke', Parameters: { 'url.$': '$.url' }, Retry: [{ ErrorEquals: ['States.ALL'] }], ...next };
    else if (i % 3 === 1 && i < states - 1) States[`S${i}`] = { Type: 'Choice', Choices: [{ Variable: '$.n', NumericGreaterThan: i, Next: `S${i + 1}` }], Default: `S${i + 1}` };
    else States[`S${i}`] = { Type: 'Pass', Result: { i }, ...next };
  }
  return JSON.stringify({ name: 'big', definition: { StartAt: 'S0', States } }, null, 1);
}

console.log('states   bytes       load (ms)   per state (µs)');
for (const states of sizes) {
  const text = fileOf(states);
  let best = Infinity;
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    const { problems } = loadWorkflow(text, 'big.json', { limits: { maxBytes: 1024 ** 3, maxStates: 10_000_000 } });
    best = Math.min(best, performance.now() - started);
    if (problems.length > 0) throw new Error(`unexpected problems: ${problems[0].message}`);
  }
  console.log(`${String(states).padEnd(8)} ${String(text.length).padEnd(11)} ${best.toFixed(0).padEnd(11)} ${((best * 1000) / states).toFixed(1)}`);
}
