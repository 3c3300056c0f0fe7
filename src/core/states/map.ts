import type { ItemBatcher, MapState } from '../../asl/index.ts';
import { jsonByteSize, type Json, type JsonObject } from '../../shared/index.ts';
import { StatesError } from '../failure.ts';
import { applyInputPath, numberFields, type NumberFieldSpec } from '../io.ts';
import { evaluateJsonata } from '../jsonata.ts';
import { childMachineIds } from '../machine.ts';
import { andThen, type Maybe } from '../maybe.ts';
import type { Outcome } from '../outcome.ts';
import { requirePath } from '../paths.ts';
import { applyTemplate } from '../template.ts';
import type { Turn } from '../turn.ts';
import type { StateHandler } from './handler.ts';
import { resumeFanOut, startFanOut } from './children.ts';

function itemsArray(items: Json, error: string): Json[] {
  if (!Array.isArray(items)) {
    throw new StatesError(error, `The Map state's items must be an array, got ${JSON.stringify(items)?.slice(0, 100)}`);
  }
  return items;
}

/** Each item's input in a JSONPath Map: ItemSelector (or the legacy Parameters) with `$$.Map.Item` in scope. */
function selectInputsPath(turn: Turn, state: MapState, effective: Json, items: Json[]): Json[] {
  const selector = state.ItemSelector ?? state.Parameters;
  if (selector === undefined) return items;
  const inputs: Json[] = [];
  for (let index = 0; index < items.length; index++) {
    inputs.push(applyTemplate(selector, turn.templateScope(effective, { Map: { Item: { Index: index, Value: items[index] } } })));
  }
  return inputs;
}

async function selectInputsJsonata(turn: Turn, state: MapState, raw: Json, items: Json[]): Promise<Json[]> {
  const selector = state.ItemSelector ?? state.Parameters;
  if (selector === undefined) return items;
  const inputs: Json[] = [];
  for (let index = 0; index < items.length; index++) {
    const extra = { Map: { Item: { Index: index, Value: items[index] } } };
    inputs.push(await evaluateJsonata(selector, turn.jsonataScope({ input: raw }, extra), 'ItemSelector'));
  }
  return inputs;
}

/** ItemBatcher: rare, and evaluated as a whole asynchronously (its fields may be JSONata expressions). */
async function batch(turn: Turn, state: MapState, raw: Json, effective: Json, inputs: Json[], batcher: ItemBatcher): Promise<Json[]> {
  const [maxItems, maxBytes] = await numberFields(turn, raw, effective, [
    [batcher.MaxItemsPerBatch, batcher.MaxItemsPerBatchPath, 'MaxItemsPerBatch'],
    [batcher.MaxInputBytesPerBatch, batcher.MaxInputBytesPerBatchPath, 'MaxInputBytesPerBatch'],
  ]);
  let batchInput: Json | undefined;
  if (batcher.BatchInput !== undefined) {
    batchInput =
      turn.language(state) === 'JSONata'
        ? await evaluateJsonata(batcher.BatchInput, turn.jsonataScope({ input: raw }), 'BatchInput')
        : applyTemplate(batcher.BatchInput, turn.templateScope(effective));
  }
  const batches: Json[] = [];
  let current: Json[] = [];
  let bytes = 0;
  const flush = () => {
    if (current.length === 0) return;
    const entry: JsonObject = { Items: current };
    if (batchInput !== undefined) entry.BatchInput = batchInput;
    batches.push(entry);
    current = [];
    bytes = 0;
  };
  for (const input of inputs) {
    const size = maxBytes === null ? 0 : jsonByteSize(input);
    if (current.length > 0 && ((maxItems !== null && current.length >= maxItems) || (maxBytes !== null && bytes + size > maxBytes))) flush();
    current.push(input);
    bytes += size;
  }
  flush();
  return batches;
}

/** The items' inputs are known: read the fan-out's limits and start it. */
function fanOut(turn: Turn, state: MapState, name: string, raw: Json, effective: Json, inputs: Json[]): Maybe<Outcome> {
  const limits: NumberFieldSpec[] = [
    [state.MaxConcurrency, state.MaxConcurrencyPath, 'MaxConcurrency'],
    [state.ToleratedFailureCount, state.ToleratedFailureCountPath, 'ToleratedFailureCount'],
    [state.ToleratedFailurePercentage, state.ToleratedFailurePercentagePath, 'ToleratedFailurePercentage'],
  ];
  return andThen(numberFields(turn, raw, effective, limits), ([maxConcurrency, toleratedCount, toleratedPercentage]) => {
    turn.record('MapStateStarted', name, { length: inputs.length });
    return startFanOut(turn, state, name, {
      stateType: 'Map',
      inputs,
      machineIds: childMachineIds(turn.sub.id, name, state),
      maxConcurrency: maxConcurrency ?? 0,
      toleratedCount,
      toleratedPercentage,
    });
  });
}

async function runJsonata(turn: Turn, state: MapState, name: string, raw: Json): Promise<Outcome> {
  const items = itemsArray(
    state.Items === undefined ? raw : await evaluateJsonata(state.Items, turn.jsonataScope({ input: raw }), 'Items'),
    'States.QueryEvaluationError',
  );
  const inputs = await selectInputsJsonata(turn, state, raw, items);
  const batched = state.ItemBatcher ? await batch(turn, state, raw, raw, inputs, state.ItemBatcher) : inputs;
  return fanOut(turn, state, name, raw, raw, batched);
}

export const map: StateHandler<MapState> = {
  run(turn, state, name) {
    if (state.ItemReader !== undefined) {
      throw new StatesError('States.ItemReaderFailed', 'ItemReader reads from Amazon S3, which Nightshift does not support; fetch the items with a Task and use ItemsPath or Items');
    }
    if (state.ResultWriter !== undefined) {
      throw new StatesError('States.ResultWriterFailed', 'ResultWriter writes to Amazon S3, which Nightshift does not support');
    }
    const raw = turn.snap.stateInput;
    if (turn.language(state) === 'JSONata') return runJsonata(turn, state, name, raw);
    const effective = applyInputPath(turn, state, raw);
    const selected = state.ItemsPath === undefined ? effective : requirePath(state.ItemsPath, turn.roots(effective), 'States.Runtime', 'ItemsPath');
    const inputs = selectInputsPath(turn, state, effective, itemsArray(selected, 'States.Runtime'));
    if (!state.ItemBatcher) return fanOut(turn, state, name, raw, effective, inputs);
    return andThen(batch(turn, state, raw, effective, inputs, state.ItemBatcher), (batched) => fanOut(turn, state, name, raw, effective, batched));
  },
  resume: resumeFanOut,
};
