/** Resources by the name a Task's `Resource` field uses. Built-ins and code-registered handlers alike. */
import type { ResourceHandler, TransactionalHandler } from './resource.ts';

/** Serves every Resource that starts with a prefix (`activity:<name>`): given the full name, the handler for it. */
export type ResourceFamily = (name: string) => ResourceHandler;

export class ResourceRegistry {
  private readonly handlers = new Map<string, ResourceHandler>();
  private readonly families = new Map<string, ResourceFamily>();
  private readonly transactional = new Map<string, TransactionalHandler>();
  /** Grows with every registration: a worker recomputes what it serves when it changes. */
  private changes = 0;

  get version(): number {
    return this.changes;
  }

  /**
   * A resource that runs inside the step's own transaction (sql:query): exactly once with the step.
   * `fallback` serves runners that have no step transaction (transient mode).
   */
  registerTransactional(name: string, handler: TransactionalHandler, fallback: ResourceHandler): this {
    this.transactional.set(name, handler);
    return this.register(name, fallback);
  }

  getTransactional(name: string): TransactionalHandler | undefined {
    return this.transactional.get(name);
  }

  register(name: string, handler: ResourceHandler): this {
    this.handlers.set(name, handler);
    this.changes += 1;
    return this;
  }

  /** Serves every name that starts with `prefix` and goes on after it; exact names are looked up first. */
  registerPrefix(prefix: string, family: ResourceFamily): this {
    this.families.set(prefix, family);
    this.changes += 1;
    return this;
  }

  get(name: string): ResourceHandler | undefined {
    return this.handlers.get(name) ?? this.familyOf(name)?.(name);
  }

  /** Whether a Task's Resource can be served; the `.waitForTaskToken` suffix is not part of the name. */
  has(resource: string): boolean {
    const name = resource.replace(/\.waitForTaskToken$/, '');
    return this.handlers.has(name) || this.familyOf(name) !== undefined;
  }

  private familyOf(name: string): ResourceFamily | undefined {
    for (const [prefix, family] of this.families) {
      if (name.length > prefix.length && name.startsWith(prefix)) return family;
    }
    return undefined;
  }

  names(): string[] {
    return [...this.handlers.keys(), ...[...this.families.keys()].map((prefix) => `${prefix}*`)].sort();
  }
}
