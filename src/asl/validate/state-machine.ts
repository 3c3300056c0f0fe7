/**
 * A state machine at any nesting level: its own fields, StartAt, the States object and the names in it,
 * then each state, then the transitions between them.
 */
import { didYouMean, join, quote, report, typeOf, type Context, type MachineKind } from './context.ts';
import { checkFields } from './check-fields.ts';
import { machineFields } from './fields.ts';
import { checkProcessorConfig } from './nested.ts';
import { validateState } from './states.ts';
import { checkTransitions } from './transitions.ts';
import { assignedVariables, checkVariableScopes } from './variables.ts';
import { checkEnum, checkNumber, checkObject, checkString, type Finding } from './values.ts';

/** The spec caps state names at 80 Unicode characters. */
const maxStateNameLength = 80;

const machineChecks: Readonly<Record<string, (value: unknown) => Finding | undefined>> = {
  Comment: checkString,
  StartAt: checkString,
  States: checkObject,
  Version: (value) => checkEnum(value, ['1.0']),
  TimeoutSeconds: (value) => checkNumber(value, 'positiveInteger', false),
  QueryLanguage: (value) => checkEnum(value, ['JSONPath', 'JSONata']),
};

const machineNames: Readonly<Record<MachineKind, string>> = {
  root: 'a state machine',
  branch: 'a Parallel branch',
  processor: 'an ItemProcessor',
  iterator: 'an Iterator',
};

export function validateMachine(ctx: Context, value: unknown, pointer: string, kind: MachineKind, label: string): void {
  const say = (code: string, at: string, message: string) => report(ctx, code, at, `${label}: ${message}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    say('FIELD_TYPE', pointer, `must be an object with StartAt and States, not ${typeOf(value)}.`);
    return;
  }
  const machine = value as Record<string, unknown>;
  const allowed = checkFields(machine, pointer, machineFields[kind], { what: machineNames[kind], language: ctx.topLanguage }, say);
  for (const field of allowed) {
    const finding = machineChecks[field]?.(machine[field]);
    if (finding) say(finding.code, join(pointer, field), `${field} ${finding.message}`);
  }
  if (allowed.includes('ProcessorConfig')) checkProcessorConfig(ctx, machine.ProcessorConfig, join(pointer, 'ProcessorConfig'), label);
  for (const field of ['StartAt', 'States']) {
    if (machine[field] === undefined) say('FIELD_REQUIRED', join(pointer, field), `${field} is required.`);
  }
  const states = machine.States;
  if (typeof states !== 'object' || states === null || Array.isArray(states)) return;
  const statesPointer = join(pointer, 'States');
  const record = states as Record<string, unknown>;
  const startAt = typeof machine.StartAt === 'string' ? machine.StartAt : undefined;
  if (Object.keys(record).length === 0) say('STATES_EMPTY', statesPointer, 'States must contain at least one state.');
  else if (startAt !== undefined && !Object.hasOwn(record, startAt)) {
    say('START_AT_UNKNOWN', join(pointer, 'StartAt'), `StartAt names ${quote(startAt)}, which is not a state in States.${didYouMean(startAt, Object.keys(record))}`);
  }
  for (const name of Object.keys(record)) registerName(ctx, name, join(statesPointer, name));
  const assignments = assignedVariables(record, statesPointer);
  checkVariableScopes(ctx, assignments);
  ctx.variableScopes.push(new Set(assignments.map((a) => a.name)));
  for (const [name, state] of Object.entries(record)) validateState(ctx, name, join(statesPointer, name), state);
  ctx.variableScopes.pop();
  checkTransitions(ctx, record, statesPointer, startAt);
}

function registerName(ctx: Context, name: string, pointer: string): void {
  if ([...name].length > maxStateNameLength) {
    report(ctx, 'STATE_NAME_TOO_LONG', pointer, `State name ${quote(name)} is longer than ${maxStateNameLength} characters.`);
  }
  const first = ctx.statePointers.get(name);
  if (first !== undefined) {
    report(
      ctx,
      'STATE_NAME_DUPLICATE',
      pointer,
      `State name ${quote(name)} is already used at ${first}; state names must be unique in the whole state machine, branches and processors included.`,
    );
    return;
  }
  ctx.statePointers.set(name, pointer);
}

/** Every state name at every nesting level, so that a transition into another level can be told apart from a typo. */
export function collectStateNames(value: unknown, names = new Set<string>()): Set<string> {
  if (typeof value !== 'object' || value === null) return names;
  const states = (value as Record<string, unknown>).States;
  if (typeof states !== 'object' || states === null || Array.isArray(states)) return names;
  for (const [name, state] of Object.entries(states)) {
    names.add(name);
    if (typeof state !== 'object' || state === null) continue;
    const { Branches, ItemProcessor, Iterator } = state as Record<string, unknown>;
    if (Array.isArray(Branches)) Branches.forEach((branch: unknown) => collectStateNames(branch, names));
    collectStateNames(ItemProcessor, names);
    collectStateNames(Iterator, names);
  }
  return names;
}
