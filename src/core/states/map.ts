import type { ItemBatcher, MapState } from '../../asl/index.ts';
import { jsonByteSize, type Json, type JsonObject } from '../../shared/index.ts';
import { StatesError } from '../failure.ts';
import { applyInputPath, numberField } from '../io.ts';
import { evaluateJsonata } from '../jsonata.ts';
import { childMachineIds } from '../machine.ts';
import { requirePath } from '../paths.ts';
import { applyTemplate } from '../template.ts';
import type { Turn } from '../turn.ts';
import type { StateHandler } from './handler.ts';
import { resumeFanOut, startFanOut } from './children.ts';

async function selectItems(turn: Turn, state: MapState, raw: Json, effective: Json): Promise<Json[]> {
  const items =
    turn.language(state) === 'JSONata'
      ? state.Items === undefined
        ? raw
        : await evaluateJsonata(state.Items, turn.jsonataScope({ input: raw }), 'Items')
      : state.ItemsPath === undefined
        ? effective
        : requirePath(state.ItemsPath, turn.roots(effective), 'States.Runtime', 'ItemsPath');
  if (!Array.isArray(items)) {
    const error = turn.language(state) === 'JSONata' ? 'States.QueryEvaluationError' : 'States.Runtime';
    throw new StatesError(error, `The Map state's items must be an array, got ${JSON.stringify(items)?.slice(0, 100)}`);
  }
  return items;
}

/** ItemSelector (or the legacy Parameters): each item's input, with `$$.Map.Item` in scope. */
async function selectInputs(turn: Turn, state: MapState, raw: Json, effective: Json, items: Json[]): Promise<Json[]> {
  const selector = state.ItemSelector ?? state.Parameters;
  if (selector === undefined) return items;
  const inputs: Json[] = [];
  for (let index = 0; index < items.length; index++) {
    const extra = { Map: { Item: { Index: index, Value: items[index] } } };
    inputs.push(
      turn.language(state) === 'JSONata'
        ? await evaluateJsonata(selector, turn.jsonataScope({ input: raw }, extra), 'ItemSelector')
        : applyTemplate(selector, turn.templateScope(effective, extra)),
    );
  }
  return inputs;
}

async function batch(turn: Turn, state: MapState, raw: Json, effective: Json, inputs: Json[]): Promise<Json[]> {
  const batcher: ItemBatcher | undefined = state.ItemBatcher;
  if (!batcher) return inputs;
  const jsonata = turn.language(state) === 'JSONata';
  const maxItems = await numberField(turn, state, raw, effective, batcher.MaxItemsPerBatch, batcher.MaxItemsPerBatchPath, 'MaxItemsPerBatch');
  const maxBytes = await numberField(turn, state, raw, effective, batcher.MaxInputBytesPerBatch, batcher.MaxInputBytesPerBatchPath, 'MaxInputBytesPerBatch');
  let batchInput: Json | undefined;
  if (batcher.BatchInput !== undefined) {
    batchInput = jsonata
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

export const map: StateHandler<MapState> = {
  async run(turn, state, name) {
    if (state.ItemReader !== undefined) {
      throw new StatesError('States.ItemReaderFailed', 'ItemReader reads from Amazon S3, which Nightshift does not support; fetch the items with a Task and use ItemsPath or Items');
    }
    if (state.ResultWriter !== undefined) {
      throw new StatesError('States.ResultWriterFailed', 'ResultWriter writes to Amazon S3, which Nightshift does not support');
    }
    const raw = turn.snap.stateInput;
    const effective = turn.language(state) === 'JSONata' ? raw : applyInputPath(turn, state, raw);
    const items = await selectItems(turn, state, raw, effective);
    const inputs = await batch(turn, state, raw, effective, await selectInputs(turn, state, raw, effective, items));
    const field = (literal: number | string | undefined, path: string | undefined, label: string) =>
      numberField(turn, state, raw, effective, literal, path, label);
    const maxConcurrency = (await field(state.MaxConcurrency, state.MaxConcurrencyPath, 'MaxConcurrency')) ?? 0;
    const toleratedCount = await field(state.ToleratedFailureCount, state.ToleratedFailureCountPath, 'ToleratedFailureCount');
    const toleratedPercentage = await field(state.ToleratedFailurePercentage, state.ToleratedFailurePercentagePath, 'ToleratedFailurePercentage');
    turn.record('MapStateStarted', name, { length: inputs.length });
    return startFanOut(turn, state, name, {
      stateType: 'Map',
      inputs,
      machineIds: childMachineIds(turn.sub.id, name, state),
      maxConcurrency,
      toleratedCount,
      toleratedPercentage,
    });
  },
  resume: resumeFanOut,
};
