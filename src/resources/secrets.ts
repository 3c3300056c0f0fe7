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
 * A reference is resolved where it is written and the value goes straight into the call: history, job payloads
 * and snapshots keep the reference. The values a call resolved are then redacted from everything that leaves
 * the resource, its result and its failure cause, in the forms they are usually echoed in (as is, JSON-escaped,
 * URL-encoded). A fallback written in the configuration is not a secret and is not redacted.
 *
 * Any other `${...}` text is left alone, so bodies that contain shell or JavaScript templates pass through.
 */
import { isJsonObject, type Json, type JsonObject } from '../shared/index.ts';
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
    if (namespace === 'context' && !(name in contextFields)) {
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
        const field = contextFields[name];
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
      if (value !== '') this.values.add(value);
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

  /** The text with every resolved value, in every form checked, replaced by `[redacted]`. */
  redactText(text: string): string {
    let out = text;
    for (const form of this.forms()) out = redactCutOff(out.split(form).join('[redacted]'), form);
    return out;
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
    const fields = thrown as unknown as Record<string, unknown>;
    for (const key of Object.getOwnPropertyNames(thrown)) {
      const value = fields[key];
      if (typeof value !== 'string') continue;
      try {
        fields[key] = this.redactText(value);
      } catch {
        // a read-only property: left as it is
      }
    }
    return thrown;
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
    const forms = new Set<string>();
    for (const value of this.values) {
      forms.add(value);
      forms.add(JSON.stringify(value).slice(1, -1));
      forms.add(encodeURIComponent(value));
      forms.add(new URLSearchParams({ v: value }).toString().slice(2));
    }
    return [...forms].filter((form) => form !== '').sort((a, b) => b.length - a.length);
  }
}

/** Shorter runs are too likely to be ordinary text. */
const cutOffMinimum = 6;

/**
 * The start of a value cut off by a truncation (http:invoke keeps 1 KiB of an error body): a run of at least
 * six characters matching the value's beginning but not the whole value is redacted too.
 */
function redactCutOff(text: string, form: string): string {
  if (form.length <= cutOffMinimum) return text;
  const head = form.slice(0, cutOffMinimum);
  let out = '';
  let from = 0;
  for (let at = text.indexOf(head); at !== -1; at = text.indexOf(head, from)) {
    let length = cutOffMinimum;
    while (length < form.length && at + length < text.length && text[at + length] === form[length]) length++;
    out += `${text.slice(from, at)}[redacted]`;
    from = at + length;
  }
  return out + text.slice(from);
}

/**
 * `handler` with the references in its input's header values resolved (the only Task parameters that are:
 * a body or URL filled from execution input must not be able to name a secret and have it sent somewhere),
 * and its answer and failures redacted. `headersField` is `headers`, or `Headers` for the AWS field names.
 */
export function withHeaderSecrets(
  handler: (input: Json, context: InvocationContext) => Json | Promise<Json>,
  source: SecretSource,
  headersField: string,
): (input: Json, context: InvocationContext) => Promise<Json> {
  return async (input, context) => {
    const scope = new SecretScope(source, context);
    const headers = isJsonObject(input) ? input[headersField] : undefined;
    if (!isJsonObject(input) || !isJsonObject(headers)) return scope.guard(() => handler(input, context));
    const resolved = { ...input, [headersField]: scope.resolveJson(headers, headersField) };
    return scope.guard(() => handler(resolved, context));
  };
}
