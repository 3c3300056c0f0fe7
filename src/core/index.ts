export { step } from './step.ts';
export { compileMachine, type Machine, type SubMachine } from './machine.ts';
export { StatesError, statesErrorNames, type Failure } from './failure.ts';
export type * from './model.ts';
export { maxPayloadBytes } from './limits.ts';
export type { HashAlgorithm } from './intrinsics/index.ts';
export { failedChildResult } from './states/children.ts';
export { historyDetailsFormat, snapshotFormat, stepJobFormat, type StepJobPayload } from './stored.ts';
