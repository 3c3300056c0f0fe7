/**
 * A workflow file is either a plain ASL definition (StartAt and States at the top; the name comes from the
 * file name) or the Nightshift wrapper: name, mode, parameters, auth, ignorePrivacyRules, triggers,
 * description and the ASL under `definition`. Reading it reports every problem of the wrapper and of the
 * definition at once, each located in the file.
 */
import type { Json, JsonObject } from '../shared/index.ts';
import { checkFlowControl, type FlowControl } from './flow-control.ts';
import { stateCountProblem } from './definition-size.ts';
import type { Problem } from './problems.ts';
import type { ParsedSource } from './source.ts';
import type { StateMachine } from './types.ts';
import { didYouMean, join, quote, show, typeOf } from './validate/context.ts';
import { validateStateMachine } from './validate/index.ts';
import { checkParametersSchema } from './validate/parameters-schema.ts';
import { checkBoolean, checkEnum, checkString, type Finding } from './validate/values.ts';

export type WorkflowMode = 'persistent' | 'transient';
export type WorkflowAuth = 'public' | 'key' | 'jwt';

export interface WorkflowFile {
  name: string;
  mode: WorkflowMode;
  /** JSON Schema of the input, checked before any start; null when the workflow takes any input. */
  parameters: JsonObject | null;
  auth: WorkflowAuth;
  /** true: SQL tasks run as the engine's own role, bypassing row-level security. */
  ignorePrivacyRules: boolean;
  /** Kept as written; their content is validated where triggers are set up. */
  triggers: JsonObject[];
  description: string | null;
  /** How starts are admitted (concurrency, rate limit, debounce, priority, singleton); null: at once. */
  flow: FlowControl | null;
  definition: StateMachine;
  /** Where the definition sits in the file: '' for a plain ASL file, '/definition' in the wrapper. */
  definitionPointer: '' | '/definition';
}

export interface ReadWorkflowOptions {
  isKnownResource?: (name: string) => boolean;
  /** The most states a definition may have (limits.maxDefinitionStates); more is one problem and no validation. */
  maxStates?: number;
  /** Checks of the caller's on the file as read (its triggers), located like every other problem. */
  extraChecks?: (workflow: WorkflowFile) => Problem[];
  /**
   * true: a file run once and never deployed (`nightshift execute`): without a name field, the file name
   * (`order.v2.json` → `order.v2`) names the run as it is, whatever characters it has. A name field is
   * still checked.
   */
  anyFileName?: boolean;
  /**
   * For a plain ASL file: the wrapper's fields (triggers, mode, auth, …) given elsewhere, by nightshift.yaml's
   * `workflows.<name>`, so the file itself can stay as written. `settingsFrom` names that place in problems.
   */
  settings?: JsonObject;
  settingsFrom?: string;
}

/**
 * Workflow names appear in URLs, the CLI and SQL: a letter or digit, then letters, digits, "_" or "-", at
 * most 80 characters. Both cases are accepted (a file named `SendInvoice.yaml` is a valid workflow) and
 * names are compared exactly as written, so "Send" and "send" are two workflows.
 */
export const workflowNamePattern = /^[A-Za-z0-9][A-Za-z0-9_-]{0,79}$/;

type WrapperCheck = (value: unknown, pointer: string) => Finding | Problem[] | undefined;

/** A table's own entry for a key that came from a file: never a prototype member (`toString`, `constructor`). */
function ownEntry<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

const wrapperChecks: Readonly<Record<string, WrapperCheck>> = {
  name: (value) => checkString(value) ?? nameFinding(value as string),
  mode: (value) => checkEnum(value, ['persistent', 'transient']),
  parameters: (value, pointer) => (value === null ? undefined : checkParametersSchema(value, pointer)),
  auth: (value) => checkEnum(value, ['public', 'key', 'jwt']),
  ignorePrivacyRules: checkBoolean,
  triggers: (value, pointer) => triggerProblems(value, pointer),
  description: (value) => (value === null ? undefined : checkString(value)),
  flow: (value, pointer) => (value === null ? undefined : checkFlowControl(value, pointer)),
  definition: () => undefined,
};

function nameFinding(name: string): Finding | undefined {
  if (workflowNamePattern.test(name)) return undefined;
  return {
    code: 'WORKFLOW_NAME_INVALID',
    message: `${show(name)} is not a valid workflow name: start with a letter or digit, then use only letters, digits, "_" and "-", at most 80 characters.`,
  };
}

function triggerProblems(value: unknown, pointer: string): Problem[] | undefined {
  if (!Array.isArray(value)) return [{ code: 'FIELD_TYPE', message: `triggers must be an array, not ${typeOf(value)}.`, pointer }];
  return value.flatMap((trigger: unknown, i) =>
    typeof trigger === 'object' && trigger !== null && !Array.isArray(trigger)
      ? []
      : [{ code: 'FIELD_TYPE', message: `triggers[${i}] must be an object, not ${typeOf(trigger)}.`, pointer: join(pointer, i) }],
  );
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Plain ASL has StartAt or States at the top and no `definition`; anything else is read as the wrapper. */
function isPlainDefinition(document: JsonObject): boolean {
  return ('StartAt' in document || 'States' in document) && !('definition' in document);
}

export function readWorkflow(source: ParsedSource, fallbackName: string, options: ReadWorkflowOptions = {}): { workflow: WorkflowFile | null; problems: Problem[] } {
  const problems = [...source.problems];
  const document = source.value;
  let workflow: WorkflowFile | null = null;
  if (document === undefined) {
    // Syntax errors are already in source.problems.
  } else if (!isObject(document)) {
    problems.push({ code: 'DOCUMENT_NOT_OBJECT', message: `A workflow file must hold an object (a state machine or a workflow), not ${typeOf(document)}.`, pointer: '' });
  } else if (isPlainDefinition(document)) {
    workflow = readPlain(document, fallbackName, options, problems);
  } else {
    workflow = readWrapper(document, fallbackName, options, problems);
  }
  if (workflow && options.extraChecks) problems.push(...options.extraChecks(workflow));
  const located = problems.map((problem) => locateProblem(source, problem)).sort(byPosition);
  return { workflow: located.length === 0 ? workflow : null, problems: located };
}

function checkFallbackName(fallbackName: string, options: ReadWorkflowOptions, problems: Problem[]): void {
  if (options.anyFileName) return;
  const nameProblem = nameFinding(fallbackName);
  if (nameProblem) {
    const message = `Without a name field the file name names the workflow, and ${nameProblem.message} Rename the file or write a name field in the wrapper form.`;
    problems.push({ ...nameProblem, message, pointer: '' });
  }
}

function readPlain(document: JsonObject, fallbackName: string, options: ReadWorkflowOptions, problems: Problem[]): WorkflowFile {
  checkFallbackName(fallbackName, options, problems);
  problems.push(...validateDefinition(document, '', options));
  return { ...defaults(fallbackName), ...plainSettings(options, problems), definition: document as unknown as StateMachine, definitionPointer: '' };
}

/** The settings a plain file takes from elsewhere, checked as the wrapper's fields are; problems name where they were written. */
function plainSettings(options: ReadWorkflowOptions, problems: Problem[]): Partial<WorkflowFile> {
  const settings = options.settings ?? {};
  const from = options.settingsFrom ?? 'the workflow settings';
  const out: JsonObject = {};
  for (const [field, value] of Object.entries(settings)) {
    const check = field === 'name' || field === 'definition' ? undefined : ownEntry(wrapperChecks, field);
    const located = (message: string) => problems.push({ code: 'SETTING_INVALID', message: `${from}: ${message}`, pointer: '' });
    if (!check) {
      located(`${quote(field)} is not a setting of a workflow (name and definition come from the file).${didYouMean(field, Object.keys(wrapperChecks))}`);
      continue;
    }
    const found = check(value, join('', field));
    if (Array.isArray(found) && found.length > 0) for (const problem of found) located(`${problem.pointer} ${problem.message}`);
    else if (found && !Array.isArray(found)) located(`${field} ${found.message}`);
    else out[field] = value as Json;
  }
  return out as Partial<WorkflowFile>;
}

function readWrapper(document: JsonObject, fallbackName: string, options: ReadWorkflowOptions, problems: Problem[]): WorkflowFile {
  if (document.name === undefined) checkFallbackName(fallbackName, options, problems);
  if (options.settings && Object.keys(options.settings).length > 0) {
    problems.push({ code: 'SETTING_INVALID', message: `${options.settingsFrom ?? 'Workflow settings'} are for plain ASL files; this file is a wrapper: write them in it`, pointer: '' });
  }
  for (const [field, value] of Object.entries(document)) {
    const pointer = join('', field);
    const check = ownEntry(wrapperChecks, field);
    if (!check) {
      const hint = didYouMean(field, Object.keys(wrapperChecks));
      problems.push({ code: 'FIELD_UNKNOWN', message: `${quote(field)} is not a field of a workflow file.${hint}`, pointer });
      continue;
    }
    const found = check(value, pointer);
    if (Array.isArray(found)) problems.push(...found);
    else if (found) problems.push({ code: found.code, message: `${field} ${found.message}`, pointer });
  }
  if (!isObject(document.definition)) {
    const message = document.definition === undefined
      ? 'A workflow file needs definition: the ASL state machine (StartAt and States).'
      : `definition must be a state machine object, not ${typeOf(document.definition)}.`;
    problems.push({ code: document.definition === undefined ? 'FIELD_REQUIRED' : 'FIELD_TYPE', message, pointer: '/definition' });
  } else {
    problems.push(...validateDefinition(document.definition, '/definition', options));
  }
  const base = defaults(typeof document.name === 'string' ? document.name : fallbackName);
  return {
    name: base.name,
    mode: (document.mode as WorkflowMode | undefined) ?? base.mode,
    parameters: isObject(document.parameters) ? document.parameters : null,
    auth: (document.auth as WorkflowAuth | undefined) ?? base.auth,
    ignorePrivacyRules: document.ignorePrivacyRules === true,
    triggers: Array.isArray(document.triggers) ? (document.triggers as JsonObject[]) : [],
    description: typeof document.description === 'string' ? document.description : null,
    flow: isObject(document.flow) ? (document.flow as FlowControl) : null,
    definition: document.definition as unknown as StateMachine,
    definitionPointer: '/definition',
  };
}

/** The size first: validating 60 000 states would take seconds for nothing. */
function validateDefinition(definition: unknown, pointer: string, options: ReadWorkflowOptions): Problem[] {
  const tooLarge = stateCountProblem(definition, pointer, { maxStates: options.maxStates });
  if (tooLarge) return [tooLarge];
  return validateStateMachine(definition, { pointer, isKnownResource: options.isKnownResource });
}

function defaults(name: string): Omit<WorkflowFile, 'definition' | 'definitionPointer'> {
  return { name, mode: 'persistent', parameters: null, auth: 'key', ignorePrivacyRules: false, triggers: [], description: null, flow: null };
}

/** Adds the file and, from the pointer, the line and column the problem is about. */
export function locateProblem(source: ParsedSource, problem: Problem): Problem {
  const file = problem.file ?? source.file;
  const withFile = file === undefined ? problem : { ...problem, file };
  if (problem.line !== undefined) return withFile;
  const position = source.locate(problem.pointer);
  return position ? { ...withFile, line: position.line, column: position.column } : withFile;
}

/** Reading order: problems without a position first, then by line and column (the sort is stable). */
function byPosition(a: Problem, b: Problem): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}
