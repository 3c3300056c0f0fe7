/**
 * schema/workflow.schema.json — the JSON Schema of workflow files (the wrapper and plain ASL), for
 * editors (`# yaml-language-server: $schema=…`, which `nightshift init` writes). Made from the same
 * field tables the validator reads (src/asl/validate/fields.ts), so the two cannot drift:
 * `npm run generate:schema` writes it, test/workflow-schema.test.ts fails when it is stale. The
 * validator stays the authority (JSONPath syntax, transitions, resources); the schema completes and
 * catches misspelt or misplaced fields while typing.
 */
import { catcherFields, hasTransition, machineFields, requiredFields, retrierFields, stateFields, stateTypes, type FieldTable } from '../src/asl/validate/fields.ts';

export const workflowSchemaFile = new URL('../schema/workflow.schema.json', import.meta.url);

type Schema = Record<string, unknown>;
const seconds: Schema = { type: ['number', 'string'], description: 'Seconds (a number, or a JSONata expression {% … %})' };
const text: Schema = { type: 'string' };

/** Value schemas of the fields whose shape is fixed; every other field takes any JSON. */
const fieldValues: Record<string, Schema> = {
  Type: { enum: stateTypes }, Comment: text, QueryLanguage: { enum: ['JSONPath', 'JSONata'] },
  Next: { type: 'string', description: 'The state to go to next' }, End: { const: true }, Default: text, StartAt: text, Version: text,
  Resource: { type: 'string', description: 'http:invoke, sql:query, email:send, workflow:start(.sync), progress:report, activity:<name>, a resource of nightshift.yaml or one registered in code; `.waitForTaskToken` waits for a task token' },
  InputPath: { type: ['string', 'null'] }, OutputPath: { type: ['string', 'null'] }, ResultPath: { type: ['string', 'null'] },
  TimeoutSeconds: seconds, HeartbeatSeconds: seconds, Seconds: seconds, IntervalSeconds: seconds, MaxDelaySeconds: seconds,
  TimeoutSecondsPath: text, HeartbeatSecondsPath: text, SecondsPath: text, Timestamp: text, TimestampPath: text,
  Error: text, Cause: text, ErrorPath: text, CausePath: text, ItemsPath: text, MaxConcurrencyPath: text, Label: text,
  MaxAttempts: { type: ['integer', 'string'] }, BackoffRate: { type: ['number', 'string'] }, JitterStrategy: { enum: ['FULL', 'NONE'] },
  MaxConcurrency: { type: ['integer', 'string'] }, ToleratedFailurePercentage: { type: ['number', 'string'] }, ToleratedFailureCount: { type: ['integer', 'string'] },
  ErrorEquals: { type: 'array', items: text, minItems: 1 },
  Choices: { type: 'array', items: { type: 'object' }, minItems: 1 },
  Retry: { type: 'array', items: { $ref: '#/definitions/retrier' } },
  Catch: { type: 'array', items: { $ref: '#/definitions/catcher' } },
  Branches: { type: 'array', items: { $ref: '#/definitions/branch' }, minItems: 1 },
  ItemProcessor: { $ref: '#/definitions/processor' }, Iterator: { $ref: '#/definitions/iterator' },
  States: { type: 'object', additionalProperties: { $ref: '#/definitions/state' }, minProperties: 1 },
};

function fieldsSchema(table: FieldTable, required: readonly string[] = []): Schema {
  const properties = Object.fromEntries(Object.keys(table).map((field) => [field, fieldValues[field] ?? {}]));
  return { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: false };
}

function stateSchema(): Schema {
  return {
    type: 'object',
    required: ['Type'],
    properties: { Type: fieldValues.Type },
    allOf: stateTypes.map((type) => {
      const then = fieldsSchema(stateFields[type], ['Type', ...(requiredFields[type] ?? [])]);
      if (hasTransition[type]) then.oneOf = [{ required: ['Next'] }, { required: ['End'] }];
      return { if: { properties: { Type: { const: type } } }, then };
    }),
  };
}

const trigger: Schema = {
  type: 'object',
  description: 'One of: http: {}; table: schema.table (on, when, role); cron or every (timezone, input, overlap, missed); event: name',
  properties: {
    http: { type: 'object' }, table: text, on: { type: 'array', items: { enum: ['INSERT', 'UPDATE', 'DELETE'] } }, when: text, role: text,
    cron: text, every: text, timezone: text, input: {}, overlap: { enum: ['skip', 'allow', 'queue'] }, missed: { enum: ['skip', 'run_once'] }, event: text,
  },
};

const wrapper: Schema = {
  type: 'object',
  required: ['definition'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$' },
    mode: { enum: ['persistent', 'transient'] },
    description: { type: ['string', 'null'] },
    parameters: { type: ['object', 'null'], description: 'JSON Schema of the input, checked before any start' },
    auth: { enum: ['public', 'key', 'jwt'] },
    ignorePrivacyRules: { type: 'boolean' },
    triggers: { type: 'array', items: trigger },
    flow: { type: ['object', 'null'], properties: { concurrency: { type: 'object' }, rateLimit: { type: 'object' }, debounce: { type: 'object' }, priority: { type: 'integer' }, singleton: { type: 'object' } }, additionalProperties: false },
    definition: { $ref: '#/definitions/machine' },
  },
};

export function workflowSchema(): Schema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://nightshift.dev/schema/workflow.schema.json',
    title: 'Nightshift workflow file',
    description: 'A workflow (name, mode, parameters, auth, triggers, flow, definition) or a plain Amazon States Language state machine',
    if: { anyOf: [{ required: ['StartAt'] }, { required: ['States'] }], not: { required: ['definition'] } },
    then: { $ref: '#/definitions/machine' },
    else: wrapper,
    definitions: {
      machine: fieldsSchema(machineFields.root, ['StartAt', 'States']),
      branch: fieldsSchema(machineFields.branch, ['StartAt', 'States']),
      processor: fieldsSchema(machineFields.processor, ['StartAt', 'States']),
      iterator: fieldsSchema(machineFields.iterator, ['StartAt', 'States']),
      state: stateSchema(),
      retrier: fieldsSchema(retrierFields, ['ErrorEquals']),
      catcher: fieldsSchema(catcherFields, ['ErrorEquals', 'Next']),
    },
  };
}

export const workflowSchemaText = (): string => `${JSON.stringify(workflowSchema(), null, 2)}\n`;
