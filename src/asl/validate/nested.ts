/**
 * Fields that hold or configure nested state machines: Parallel Branches, Map ItemProcessor (and the legacy
 * Iterator), ProcessorConfig, and Map's ItemBatcher.
 */
import { join, quote, report, reportState, typeOf, type Context } from './context.ts';
import { checkFields } from './check-fields.ts';
import type { FieldCheck } from './field-checks.ts';
import { itemBatcherFields, processorConfigFields } from './fields.ts';
import { checkPath, checkPayloadTemplate, reportFinding } from './paths.ts';
import { checkEnum, checkNumber, checkObject, type Finding } from './values.ts';

export const checkBranches: FieldCheck = (scope, value, pointer) => {
  if (!Array.isArray(value) || value.length === 0) {
    const code = Array.isArray(value) ? 'ARRAY_EMPTY' : 'FIELD_TYPE';
    reportState(scope, code, pointer, 'Branches must be a non-empty array of state machines (each with StartAt and States).');
    return;
  }
  value.forEach((branch: unknown, i) =>
    scope.ctx.nested(branch, join(pointer, i), 'branch', `Branch ${i} of state ${quote(scope.name)}`),
  );
};

export const checkItemProcessor: FieldCheck = (scope, value, pointer) =>
  scope.ctx.nested(value, pointer, 'processor', `The ItemProcessor of state ${quote(scope.name)}`);

export const checkIterator: FieldCheck = (scope, value, pointer) =>
  scope.ctx.nested(value, pointer, 'iterator', `The Iterator of state ${quote(scope.name)}`);

const processorConfigChecks: Readonly<Record<string, (value: unknown) => Finding | undefined>> = {
  Mode: (value) => checkEnum(value, ['INLINE', 'DISTRIBUTED']),
  ExecutionType: (value) => checkEnum(value, ['STANDARD', 'EXPRESS']),
};

export function checkProcessorConfig(ctx: Context, value: unknown, pointer: string, label: string): void {
  const say = (code: string, at: string, message: string) => report(ctx, code, at, `${label}: ${message}`);
  const shape = checkObject(value);
  if (shape || typeof value !== 'object' || value === null) {
    say('FIELD_TYPE', pointer, `ProcessorConfig must be an object, not ${typeOf(value)}.`);
    return;
  }
  const record = value as Record<string, unknown>;
  const allowed = checkFields(record, pointer, processorConfigFields, { what: 'ProcessorConfig', language: ctx.topLanguage }, say);
  for (const field of allowed) {
    const finding = processorConfigChecks[field]?.(record[field]);
    if (finding) say(finding.code, join(pointer, field), `ProcessorConfig.${field} ${finding.message}`);
  }
}

const batcherExclusive: ReadonlyArray<[string, string]> = [
  ['MaxItemsPerBatch', 'MaxItemsPerBatchPath'],
  ['MaxInputBytesPerBatch', 'MaxInputBytesPerBatchPath'],
];

export const checkItemBatcher: FieldCheck = (scope, value, pointer) => {
  const shape = checkObject(value);
  if (shape || typeof value !== 'object' || value === null) return reportFinding(scope, shape, pointer, 'ItemBatcher');
  const record = value as Record<string, unknown>;
  const expressions = scope.language === 'JSONata';
  const checks: Readonly<Record<string, (v: unknown) => Finding | undefined>> = {
    MaxItemsPerBatch: (v) => checkNumber(v, 'positiveInteger', expressions),
    MaxInputBytesPerBatch: (v) => checkNumber(v, 'positiveInteger', expressions),
    MaxItemsPerBatchPath: (v) => checkPath(v, 'reference'),
    MaxInputBytesPerBatchPath: (v) => checkPath(v, 'reference'),
    BatchInput: checkObject,
  };
  const allowed = checkFields(record, pointer, itemBatcherFields, { what: 'ItemBatcher', language: scope.language }, (code, at, message) =>
    reportState(scope, code, at, `ItemBatcher: ${message}`),
  );
  for (const field of allowed) reportFinding(scope, checks[field]?.(record[field]), join(pointer, field), `ItemBatcher.${field}`);
  if (allowed.includes('BatchInput') && !expressions) {
    checkPayloadTemplate(scope, record.BatchInput, join(pointer, 'BatchInput'), 'ItemBatcher.BatchInput');
  }
  if (!batcherExclusive.flat().some((limit) => limit in record)) {
    reportState(scope, 'FIELD_REQUIRED', pointer, 'ItemBatcher needs a batch limit: MaxItemsPerBatch, MaxInputBytesPerBatch or one of their Path forms.');
  }
  for (const [a, b] of batcherExclusive) {
    if (a in record && b in record) {
      reportState(scope, 'FIELDS_CONFLICT', join(pointer, b), `ItemBatcher has both ${a} and ${b}; use one of them.`);
    }
  }
};
