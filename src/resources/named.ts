/**
 * Named resources: presets declared in nightshift.yaml (`resources: {name: {type: http|email|sql, ...}}`) that
 * a Task calls by name. The preset's fixed fields and the Task's parameters are merged at call time, then the
 * call goes to the type's handler (`http:invoke`, `email:send`, or `sql:query`, which is looked up at each
 * call since another part of the engine registers it).
 *
 * The merge rule — the preset owns where the call goes and with which credentials, the Task owns the content:
 * - a field the preset fixes (http: url, method, the headers it names (any case), the query keys it names;
 *   email: from, replyTo; sql: sql) cannot be set by the Task: the Task fails with `<Type>.InvalidInput`
 *   naming the field, rather than one side being silently dropped;
 * - content fields (http: body, timeoutSeconds; email: to, cc, bcc, subject, text, html, template,
 *   attachments; sql: params) come from the Task when it gives them, else from the preset; objects under
 *   `body` (http) and `data` (email) are merged key by key, the Task winning, and lists are replaced whole;
 * - preset-only settings: `bodyEncoding: json|form` (http; form sends the body URL-encoded with nested keys in
 *   brackets, `metadata[order]=1`, as Stripe-style APIs expect) and `templates` (email: templates a Task names
 *   in `template`, before those of `smtp.templates`).
 *
 * References (`${secrets.NAME}`, `${env.NAME}`, `${context.idempotencyKey}`, see secrets.ts) are resolved
 * anywhere in the preset, which is configuration; in the Task's parameters only in the strings its author
 * wrote there (context.authored), as `http:invoke` and `email:send` do: a value that came from data is sent as
 * it is. The values resolved are redacted from the answer and from failure causes.
 */
import { EngineError, isJsonObject, type Json, type JsonObject } from '../shared/index.ts';
import type { ResourceRegistry } from './registry.ts';
import { TaskFailure, type InvocationContext, type ResourceHandler, type TransactionalHandler } from './resource.ts';
import { mapPresetInput } from './preset-input.ts';
import { referenceProblems, SecretScope, type SecretSource } from './secrets.ts';

export type PresetType = 'http' | 'email' | 'sql';

/** A preset as nightshift.yaml declares it: its type and its fixed fields. */
export type ResourcePreset = { type: PresetType } & { [field: string]: Json | undefined };

export interface NamedResourceDeps {
  secrets: SecretSource;
  /** The handler a type delegates to, asked at each call; undefined when the engine has none. */
  handlerOf(type: PresetType): ResourceHandler | undefined;
  /** For sql presets: the handler that runs inside the step's transaction (sql:query's), asked at each call. */
  transactionalOf?(type: PresetType): TransactionalHandler | undefined;
}

type Merge = (name: string, preset: JsonObject, task: JsonObject) => JsonObject;

const mergers: Record<PresetType, Merge> = { http: mergeHttp, email: mergeEmail, sql: mergeSql };
const errorPrefix: Record<PresetType, string> = { http: 'Http', email: 'Email', sql: 'Sql' };
const delegateName: Record<PresetType, string> = { http: 'http:invoke', email: 'email:send', sql: 'sql:query' };

/** A resource name: a letter, then letters, digits, `-`, `_` or `.`; `:` is kept for built-ins. */
export const resourceNamePattern = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/** One call of a preset: the merged input, and the scope that resolved it (to redact what comes back). */
function prepareCall(name: string, preset: ResourcePreset, deps: NamedResourceDeps, input: Json, context: InvocationContext): { scope: SecretScope; merged: JsonObject } {
  const { type, ...fields } = preset;
  const task = input === null || input === undefined ? {} : input;
  if (!isJsonObject(task)) throw new TaskFailure(`${errorPrefix[type]}.InvalidInput`, `${name}: the parameters must be an object`);
  const { input: mapping, ...rest } = fields;
  const scope = new SecretScope(deps.secrets, context);
  const fixed = scope.resolveJson(withoutUndefined(rest), name) as JsonObject;
  const authored = scope.resolveAuthored(task, context.authored, name) as JsonObject;
  const given = isJsonObject(mapping) ? mapPresetInput(mapping, authored) : authored;
  return { scope, merged: mergers[type](name, fixed, given) };
}

function missing(name: string, type: PresetType): TaskFailure {
  return new TaskFailure('States.Runtime', `${name}: no resource is registered as '${delegateName[type]}', which ${type} presets call`);
}

export function createNamedResource(name: string, preset: ResourcePreset, deps: NamedResourceDeps): ResourceHandler {
  return async (input, context) => {
    const { scope, merged } = prepareCall(name, preset, deps, input, context);
    const handler = deps.handlerOf(preset.type);
    if (!handler) throw missing(name, preset.type);
    return scope.guard(() => handler(merged, context));
  };
}

/** The same preset run inside the step's transaction, as sql:query is (exactly once with the step). */
export function createNamedTransactional(name: string, preset: ResourcePreset, deps: NamedResourceDeps): TransactionalHandler {
  return async (input, context, db) => {
    const { scope, merged } = prepareCall(name, preset, deps, input, context);
    const handler = deps.transactionalOf?.(preset.type);
    if (!handler) throw missing(name, preset.type);
    return scope.guard(() => handler(merged, context, db));
  };
}

/**
 * Registers every preset; a preset with problems stops the engine from starting, with all of them listed.
 * sql presets are registered as transactional resources, so the runtime runs them inside the step.
 */
export function registerNamedResources(registry: ResourceRegistry, presets: Readonly<Record<string, ResourcePreset>>, deps: NamedResourceDeps): ResourceRegistry {
  assertPresets(presets);
  for (const [name, preset] of Object.entries(presets)) {
    const handler = createNamedResource(name, preset, deps);
    if (preset.type === 'sql') registry.registerTransactional(name, createNamedTransactional(name, preset, deps), handler);
    else registry.register(name, handler);
  }
  return registry;
}

/** Throws CONFIG_INVALID listing every problem of every preset (see presetProblems). */
export function assertPresets(presets: Readonly<Record<string, ResourcePreset>>): void {
  const problems = Object.entries(presets).flatMap(([name, preset]) => presetProblems(name, preset));
  if (problems.length === 0) return;
  throw new EngineError('CONFIG_INVALID', `The named resources have ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`, { details: { problems } });
}

/** What can be known about a preset before any call: its name, its references, where an http one goes. */
export function presetProblems(name: string, preset: ResourcePreset): string[] {
  const at = `/resources/${name}`;
  const problems: string[] = [];
  if (!resourceNamePattern.test(name)) problems.push(`${at}: a resource name is a letter then letters, digits, '-', '_' or '.' (':' is for built-ins)`);
  if (typeof preset.type !== 'string' || !Object.hasOwn(mergers, preset.type)) problems.push(`${at}/type: must be http, email or sql`);
  const visit = (value: Json | undefined, path: string) => {
    if (typeof value === 'string') for (const problem of referenceProblems(value)) problems.push(`${path}: ${problem}`);
    else if (Array.isArray(value)) value.forEach((item, index) => visit(item, `${path}/${index}`));
    else if (isJsonObject(value)) for (const [key, item] of Object.entries(value)) visit(item, `${path}/${key}`);
  };
  for (const [key, value] of Object.entries(preset)) if (key !== 'input') visit(value, `${at}/${key}`);
  problems.push(...inputProblems(at, preset));
  if (preset.type === 'http' && preset.url === undefined && JSON.stringify(preset).includes('${secrets.')) {
    problems.push(`${at}/url: an http preset that sends secrets must fix its url, or a Task could send them anywhere`);
  }
  return problems;
}

const ownedByPreset: Record<PresetType, string[]> = {
  http: ['url', 'method', 'bodyEncoding'], email: ['from', 'replyTo', 'templates'], sql: ['sql'],
};

/** `input:` fills the fields a Task may set; where the call goes and with which credentials stays the preset's. */
function inputProblems(at: string, preset: ResourcePreset): string[] {
  if (preset.input === undefined) return [];
  if (!isJsonObject(preset.input)) return [`${at}/input: must map the fields of ${delegateName[preset.type] ?? 'the type'} to the Task's parameters, e.g. to: "{{email}}"`];
  const owned = ownedByPreset[preset.type] ?? [];
  return Object.keys(preset.input).filter((key) => owned.includes(key))
    .map((key) => `${at}/input/${key}: ${key} is the preset's own setting; input maps only what a Task may set`);
}

// -------------------------------------------------------------------------------------------- the merges

function mergeHttp(name: string, preset: JsonObject, task: JsonObject): JsonObject {
  refuseFixed(name, 'Http', preset, task, ['url', 'method']);
  if ('bodyEncoding' in task) throw fixedField(name, 'Http', 'bodyEncoding');
  const { bodyEncoding, ...base } = preset;
  const merged: JsonObject = { ...base, ...task };
  const headers = mergeKeys(name, 'Http', 'headers', objectField(preset.headers), task.headers, true);
  if (headers) merged.headers = headers;
  const query = mergeKeys(name, 'Http', 'query', objectField(preset.query), task.query, false);
  if (query) merged.query = query;
  if ('body' in preset || 'body' in task) merged.body = deepMerge(preset.body, task.body) ?? null;
  if (bodyEncoding === 'form' && isJsonObject(merged.body)) {
    merged.body = formEncode(merged.body);
    const current = isJsonObject(merged.headers) ? merged.headers : {};
    if (!Object.keys(current).some((key) => key.toLowerCase() === 'content-type')) {
      merged.headers = { ...current, 'Content-Type': 'application/x-www-form-urlencoded' };
    }
  }
  return withoutUndefined(merged);
}

function mergeEmail(name: string, preset: JsonObject, task: JsonObject): JsonObject {
  refuseFixed(name, 'Email', preset, task, ['from', 'replyTo']);
  if ('templates' in task) throw fixedField(name, 'Email', 'templates');
  const { templates, ...base } = preset;
  const merged: JsonObject = { ...base, ...task };
  if ('data' in preset || 'data' in task) merged.data = deepMerge(preset.data, task.data) ?? null;
  // A template the preset declares is handed to email:send inline; other names go to smtp.templates.
  if (typeof merged.template === 'string' && isJsonObject(templates) && Object.hasOwn(templates, merged.template)) {
    merged.template = templates[merged.template];
  }
  return withoutUndefined(merged);
}

function mergeSql(name: string, preset: JsonObject, task: JsonObject): JsonObject {
  refuseFixed(name, 'Sql', preset, task, ['sql']);
  return withoutUndefined({ ...preset, ...task });
}

function refuseFixed(name: string, prefix: string, preset: JsonObject, task: JsonObject, fields: string[]): void {
  for (const field of fields) if (field in preset && field in task) throw fixedField(name, prefix, field);
}

function fixedField(name: string, prefix: string, field: string): TaskFailure {
  return new TaskFailure(`${prefix}.InvalidInput`, `${name}: ${field} is fixed by the resource's preset in nightshift.yaml and cannot be set by the Task`);
}

/** The preset's keys plus the Task's; a key the preset has cannot come from the Task (case-insensitively for headers). */
function mergeKeys(name: string, prefix: string, field: string, preset: JsonObject | undefined, task: Json | undefined, caseless: boolean): JsonObject | undefined {
  if (task === undefined || task === null) return preset;
  if (!isJsonObject(task)) throw new TaskFailure(`${prefix}.InvalidInput`, `${name}: ${field} must be an object`);
  if (!preset) return task;
  const norm = (key: string) => (caseless ? key.toLowerCase() : key);
  const owned = new Set(Object.keys(preset).map(norm));
  for (const key of Object.keys(task)) if (owned.has(norm(key))) throw fixedField(name, prefix, `${field}.${key}`);
  return { ...preset, ...task };
}

function objectField(value: Json | undefined): JsonObject | undefined {
  return isJsonObject(value) ? value : undefined;
}

/** Objects merge key by key with `over` winning; anything else in `over` replaces `base`. */
function deepMerge(base: Json | undefined, over: Json | undefined): Json | undefined {
  if (over === undefined) return base;
  if (!isJsonObject(base) || !isJsonObject(over)) return over;
  const out: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = deepMerge(base[key], value) as Json;
  return out;
}

/** `a=1&meta[k]=v&list[0]=x`: the bracket convention of Rails, PHP and Stripe; null is left out. */
function formEncode(body: JsonObject): string {
  const params = new URLSearchParams();
  const add = (key: string, value: Json) => {
    if (value === null) return;
    if (Array.isArray(value)) value.forEach((item, index) => add(`${key}[${index}]`, item));
    else if (isJsonObject(value)) for (const [inner, item] of Object.entries(value)) add(`${key}[${inner}]`, item);
    else params.append(key, String(value));
  };
  for (const [key, value] of Object.entries(body)) add(key, value);
  return params.toString();
}

function withoutUndefined(value: Record<string, Json | undefined>): JsonObject {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as JsonObject;
}
