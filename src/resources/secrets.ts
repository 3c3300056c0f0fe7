/**
 * References to secrets and settings, resolved inside a resource at call time:
 *
 *   `${secrets.NAME}`           a secret from the SecretSource (boot: env `NIGHTSHIFT_SECRET_<NAME>`, then the
 *                               `secrets:` file of nightshift.yaml)
 *   `${env.NAME}`               an environment variable; `${env.NAME:-fallback}` when it may be unset
 *   `${context.idempotencyKey}` a field of the invocation context (also executionId, workflowName, stateName,
 *                               attempt); not secret
 *   `$${...}`                   the text `${...}` as it is
 *
 * Who may write a reference: only the workflow's author. References are resolved in nightshift.yaml's settings
 * (named resources, smtp) and in the literal strings of a Task's Parameters/Arguments — never in a value that
 * came from data (the input, a previous state's output, a task result, an event, a JSONata expression or an
 * intrinsic function such as States.Format, even one written by the author: what it builds is data). The rule
 * is enforced by position, not by looking at the text: the core computes from the definition which places of
 * the parameters hold an authored string (core/authored.ts), the invocation carries that map
 * (`context.authored`), and `resolveAuthored` resolves a string only where the map has the same string at the
 * same place. A resource that forgets the map resolves nothing, and a `${…}` that arrives through data is sent
 * as it is, so no data can ever name a secret.
 *
 * A reference is resolved where it is written and the value goes straight into the call: history, job payloads
 * and snapshots keep the reference. The values a call resolved are then redacted from everything that leaves
 * the resource, its result and its failure cause, whole and in every form they are echoed in (redaction.ts).
 * A fallback written in the configuration is not a secret and is not redacted.
 *
 * Any other `${...}` text is left alone, so bodies that contain shell or JavaScript templates pass through.
 */
import { isJsonObject, type AuthoredText, type Json, type JsonObject } from '../shared/index.ts';
import { formsOf, redactForms } from './redaction.ts';
import { isTaskFailure, TaskFailure, type InvocationContext } from './resource.ts';

export interface SecretSource {
  /** The value of `${secrets.NAME}`; undefined when there is none. */
  secret(name: string): string | undefined;
  /** The value of `${env.NAME}`; undefined when the variable is not set. */
  env(name: string): string | undefined;
}

/** A source without any secret or variable: every reference to one fails with Secrets.NotFound. */
export const noSecrets: SecretSource = { secret: () => undefined, env: () => undefined };

/** `$` (escape) `${` namespace `.` name `:-fallback` `}` */
const referencePattern = /\$(\$?)\{(secrets|env|context)\.([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}/g;

const contextFields: Record<string, (context: InvocationContext) => string> = {
  executionId: (context) => context.executionId,
  workflowName: (context) => context.workflowName,
  stateName: (context) => context.stateName,
  attempt: (context) => String(context.attempt),
  idempotencyKey: (context) => context.idempotencyKey,
};

/** Problems of the references in one text, for checking configuration before any call. */
export function referenceProblems(text: string): string[] {
  const problems: string[] = [];
  for (const [, escaped, namespace, name, fallback] of text.matchAll(referencePattern)) {
    if (escaped) continue;
    if (fallback !== undefined && namespace !== 'env') problems.push(`\${${namespace}.${name}} cannot have a fallback; only env references can`);
    if (namespace === 'context' && !Object.hasOwn(contextFields, name)) {
      problems.push(`\${context.${name}} is not a context field; use one of ${Object.keys(contextFields).join(', ')}`);
    }
  }
  return problems;
}

/**
 * One call's view of the references: resolves them and remembers every secret value it produced, so the
 * values can be taken out of what the call answers.
 */
export class SecretScope {
  private readonly values = new Set<string>();
  private cachedForms: string[] | null = null;

  constructor(
    private readonly source: SecretSource,
    private readonly context: InvocationContext,
  ) {}

  /** Resolves every reference in a text; `where` names the field in failure causes (never the value). */
  resolveText(text: string, where: string): string {
    if (!text.includes('${')) return text;
    return text.replace(referencePattern, (whole, escaped: string, namespace: string, name: string, fallback: string | undefined) => {
      if (escaped) return whole.slice(1);
      if (namespace === 'context') {
        const field = Object.hasOwn(contextFields, name) ? contextFields[name] : undefined;
        if (!field) throw new TaskFailure('Secrets.InvalidReference', `${where}: \${context.${name}} is not a context field`);
        return field(this.context);
      }
      if (fallback !== undefined && namespace !== 'env') {
        throw new TaskFailure('Secrets.InvalidReference', `${where}: \${${namespace}.${name}} cannot have a fallback`);
      }
      const value = this.lookup(namespace, name, where);
      if (value === undefined) {
        if (fallback !== undefined) return fallback.slice(2);
        const missing = namespace === 'secrets' ? `the secret ${name} is not set` : `the environment variable ${name} is not set`;
        throw new TaskFailure('Secrets.NotFound', `${where}: \${${namespace}.${name}} cannot be resolved: ${missing}`);
      }
      if (value !== '' && !this.values.has(value)) {
        this.values.add(value);
        this.cachedForms = null;
      }
      return value;
    });
  }

  private lookup(namespace: string, name: string, where: string): string | undefined {
    try {
      return namespace === 'secrets' ? this.source.secret(name) : this.source.env(name);
    } catch (thrown) {
      // Sources report by path and name, never by value (config/secrets.ts).
      const reason = thrown instanceof Error ? thrown.message : String(thrown);
      throw new TaskFailure('Secrets.NotFound', `${where}: \${${namespace}.${name}} cannot be resolved: ${reason}`);
    }
  }

  /** Resolves the references in every string of a JSON value (object keys are left as written). */
  resolveJson(value: Json, where: string): Json {
    if (typeof value === 'string') return this.resolveText(value, where);
    if (Array.isArray(value)) return value.map((item, index) => this.resolveJson(item, `${where}[${index}]`));
    if (isJsonObject(value)) {
      const out: JsonObject = {};
      for (const [key, item] of Object.entries(value)) out[key] = this.resolveJson(item, `${where}.${key}`);
      return out;
    }
    return value;
  }

  /**
   * Resolves the references of `value` only where `authored` has the same string at the same place: the text
   * the author wrote. Anything else — a different string, a place the author filled from data — stays as it is.
   */
  resolveAuthored(value: Json, authored: AuthoredText, where: string): Json {
    if (authored === null) return value;
    if (typeof authored === 'string') return value === authored ? this.resolveText(value, where) : value;
    if (Array.isArray(authored)) {
      if (!Array.isArray(value)) return value;
      return value.map((item, index) => (index < authored.length ? this.resolveAuthored(item, authored[index], `${where}[${index}]`) : item));
    }
    if (!isJsonObject(value)) return value;
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = Object.hasOwn(authored, key) ? this.resolveAuthored(item, authored[key], where === '' ? key : `${where}.${key}`) : item;
    }
    return out;
  }

  /** The text with every resolved value, in every form checked, replaced by `[redacted]`. */
  redactText(text: string): string {
    return redactForms(text, this.forms());
  }

  redactJson(value: Json): Json {
    if (this.values.size === 0) return value;
    if (typeof value === 'string') return this.redactText(value);
    if (Array.isArray(value)) return value.map((item) => this.redactJson(item));
    if (isJsonObject(value)) {
      const out: JsonObject = {};
      for (const [key, item] of Object.entries(value)) out[this.redactText(key)] = this.redactJson(item);
      return out;
    }
    return value;
  }

  /** A failure fit to leave the resource: the same error name, its cause or message redacted. */
  redactFailure(thrown: unknown): unknown {
    if (this.values.size === 0) return thrown;
    if (isTaskFailure(thrown)) {
      return thrown.causeText === undefined ? thrown : new TaskFailure(thrown.error, this.redactText(thrown.causeText));
    }
    if (!(thrown instanceof Error)) return new Error(this.redactText(String(thrown)));
    // The same object, its texts redacted: callers tell errors apart by class and code (SQLSTATE).
    this.redactErrorFields(thrown, 0);
    return thrown;
  }

  /** Own string fields (message, stack, detail, …), lists of strings, and nested errors (cause), a few deep. */
  private redactErrorFields(error: Error, depth: number): void {
    const fields = error as unknown as Record<string, unknown>;
    for (const key of Object.getOwnPropertyNames(error)) {
      const value = fields[key];
      try {
        if (typeof value === 'string') fields[key] = this.redactText(value);
        else if (Array.isArray(value)) fields[key] = value.map((item: unknown) => (typeof item === 'string' ? this.redactText(item) : item));
        else if (value instanceof Error && depth < 3) this.redactErrorFields(value, depth + 1);
      } catch {
        // a read-only property: left as it is
      }
    }
  }

  /** Calls `work` and redacts what comes out of it, answer or failure. */
  async guard(work: () => Json | Promise<Json>): Promise<Json> {
    try {
      return this.redactJson(await work());
    } catch (thrown) {
      throw this.redactFailure(thrown);
    }
  }

  /** Longest first, so that a value containing another is replaced whole. */
  private forms(): string[] {
    if (this.cachedForms) return this.cachedForms;
    const forms = new Set<string>();
    for (const value of this.values) for (const form of formsOf(value)) forms.add(form);
    this.cachedForms = [...forms].sort((a, b) => b.length - a.length);
    return this.cachedForms;
  }
}

/**
 * `handler` with the references its author wrote into the Task's parameters resolved (context.authored), and its
 * answer and failures redacted. http:invoke (both spellings) and email:send are registered through it.
 */
export function withAuthoredSecrets(
  handler: (input: Json, context: InvocationContext) => Json | Promise<Json>,
  source: SecretSource,
): (input: Json, context: InvocationContext) => Promise<Json> {
  return async (input, context) => {
    const scope = new SecretScope(source, context);
    if (context.authored === null) return scope.guard(() => handler(input, context));
    const resolved = scope.resolveAuthored(input, context.authored, '');
    return scope.guard(() => handler(resolved, context));
  };
}
