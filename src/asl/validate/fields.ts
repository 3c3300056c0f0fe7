/**
 * Which fields each state type accepts, and in which query language. One table, read by one generic check:
 * a field missing from a type's row is not allowed there; a field marked for the other language is reported
 * with a hint to switch QueryLanguage. Sources: states-language.net and the Step Functions guide pages on
 * each state type, "Transforming data with JSONata" and "Passing data between states with variables".
 */
import type { QueryLanguage, StateType } from '../types.ts';

/** `both`: allowed whatever the query language; otherwise only in that language. */
export type Availability = 'both' | QueryLanguage;
export type FieldTable = Readonly<Record<string, Availability>>;

const common: FieldTable = { Type: 'both', Comment: 'both', QueryLanguage: 'both' };
const inputOutput: FieldTable = { InputPath: 'JSONPath', OutputPath: 'JSONPath', Output: 'JSONata' };
const transition: FieldTable = { Next: 'both', End: 'both' };
/** Assign is in every state type except Succeed and Fail. */
const assign: FieldTable = { Assign: 'both' };
const result: FieldTable = { ResultSelector: 'JSONPath', ResultPath: 'JSONPath' };
const errors: FieldTable = { Retry: 'both', Catch: 'both' };

export const stateFields: Readonly<Record<StateType, FieldTable>> = {
  Pass: { ...common, ...inputOutput, ...transition, ...assign, Parameters: 'JSONPath', Result: 'JSONPath', ResultPath: 'JSONPath' },
  Task: {
    ...common, ...inputOutput, ...transition, ...assign, ...result, ...errors,
    Resource: 'both', Parameters: 'JSONPath', Arguments: 'JSONata', Credentials: 'both',
    TimeoutSeconds: 'both', TimeoutSecondsPath: 'JSONPath', HeartbeatSeconds: 'both', HeartbeatSecondsPath: 'JSONPath',
  },
  Choice: { ...common, ...inputOutput, ...assign, Choices: 'both', Default: 'both' },
  Wait: {
    ...common, ...inputOutput, ...transition, ...assign,
    Seconds: 'both', SecondsPath: 'JSONPath', Timestamp: 'both', TimestampPath: 'JSONPath',
  },
  Succeed: { ...common, ...inputOutput },
  Fail: { ...common, Error: 'both', ErrorPath: 'JSONPath', Cause: 'both', CausePath: 'JSONPath' },
  Parallel: {
    ...common, ...inputOutput, ...transition, ...assign, ...result, ...errors,
    Branches: 'both', Parameters: 'JSONPath', Arguments: 'JSONata',
  },
  Map: {
    ...common, ...inputOutput, ...transition, ...assign, ...result, ...errors,
    ItemProcessor: 'both', Iterator: 'JSONPath', ItemsPath: 'JSONPath', Items: 'JSONata',
    ItemSelector: 'both', Parameters: 'JSONPath', ItemReader: 'both', ItemBatcher: 'both', ResultWriter: 'both',
    MaxConcurrency: 'both', MaxConcurrencyPath: 'JSONPath',
    ToleratedFailurePercentage: 'both', ToleratedFailurePercentagePath: 'JSONPath',
    ToleratedFailureCount: 'both', ToleratedFailureCountPath: 'JSONPath', Label: 'both',
  },
};

export const stateTypes = Object.keys(stateFields) as StateType[];

/** Every field some state type accepts: the vocabulary for "did you mean" and for "not in this type". */
export const knownStateFields = new Set(stateTypes.flatMap((type) => Object.keys(stateFields[type])));

export const retrierFields: FieldTable = {
  ErrorEquals: 'both', IntervalSeconds: 'both', MaxAttempts: 'both', BackoffRate: 'both',
  MaxDelaySeconds: 'both', JitterStrategy: 'both', Comment: 'both',
};

export const catcherFields: FieldTable = {
  ErrorEquals: 'both', Next: 'both', ResultPath: 'JSONPath', Output: 'JSONata', Assign: 'both', Comment: 'both',
};

export const itemBatcherFields: FieldTable = {
  MaxItemsPerBatch: 'both', MaxItemsPerBatchPath: 'JSONPath',
  MaxInputBytesPerBatch: 'both', MaxInputBytesPerBatchPath: 'JSONPath', BatchInput: 'both',
};

export const processorConfigFields: FieldTable = { Mode: 'both', ExecutionType: 'both' };

/** Fields of a state machine, by where it sits. Nested machines take their query language from the top. */
export const machineFields: Readonly<Record<'root' | 'branch' | 'processor' | 'iterator', FieldTable>> = {
  root: { Comment: 'both', StartAt: 'both', States: 'both', Version: 'both', TimeoutSeconds: 'both', QueryLanguage: 'both' },
  branch: { Comment: 'both', StartAt: 'both', States: 'both' },
  processor: { Comment: 'both', StartAt: 'both', States: 'both', ProcessorConfig: 'both' },
  iterator: { Comment: 'both', StartAt: 'both', States: 'both' },
};

/** Groups of fields of which at most one may be present (exactly one when `required`). */
export interface ExclusiveGroup {
  fields: readonly string[];
  required?: boolean;
}

export const exclusiveFields: Readonly<Partial<Record<StateType, readonly ExclusiveGroup[]>>> = {
  Task: [{ fields: ['TimeoutSeconds', 'TimeoutSecondsPath'] }, { fields: ['HeartbeatSeconds', 'HeartbeatSecondsPath'] }],
  Wait: [{ fields: ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'], required: true }],
  Fail: [{ fields: ['Error', 'ErrorPath'] }, { fields: ['Cause', 'CausePath'] }],
  Map: [
    { fields: ['ItemProcessor', 'Iterator'], required: true },
    { fields: ['ItemSelector', 'Parameters'] },
    { fields: ['MaxConcurrency', 'MaxConcurrencyPath'] },
    { fields: ['ToleratedFailurePercentage', 'ToleratedFailurePercentagePath'] },
    { fields: ['ToleratedFailureCount', 'ToleratedFailureCountPath'] },
  ],
};

export const requiredFields: Readonly<Partial<Record<StateType, readonly string[]>>> = {
  Task: ['Resource'],
  Choice: ['Choices'],
  Parallel: ['Branches'],
};

/** State types that move on with Next or stop with End: exactly one of the two. */
export const hasTransition: Readonly<Record<StateType, boolean>> = {
  Pass: true, Task: true, Choice: false, Wait: true, Succeed: false, Fail: false, Parallel: true, Map: true,
};
