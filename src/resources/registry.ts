/** Resources by the name a Task's `Resource` field uses. Built-ins and code-registered handlers alike. */
import type { ResourceHandler, TransactionalHandler } from './resource.ts';

/** Serves every Resource that starts with a prefix (`activity:<name>`): given the full name, the handler for it. */
export type ResourceFamily = (name: string) => ResourceHandler;

export class ResourceRegistry {
  private readonly handlers = new Map<string, ResourceHandler>();
  private readonly families = new Map<string, ResourceFamily>();
  private readonly transactional = new Map<string, TransactionalHandler>();
  /** The names each group (a handlers module file) registered, and what each of them replaced. */
  private readonly groups = new Map<string, Map<string, ResourceHandler | undefined>>();
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

  /**
   * Registers a group's handlers (a handlers module, loaded again by `dev`) in place of the group's
   * previous ones: a name the group no longer has is gone (or serves again what it had replaced, a
   * built-in say), so a worker stops claiming its Tasks. Answers the names removed.
   */
  replaceGroup(group: string, table: Readonly<Record<string, ResourceHandler>>): string[] {
    const previous = this.groups.get(group) ?? new Map<string, ResourceHandler | undefined>();
    const next = new Map<string, ResourceHandler | undefined>();
    for (const [name, handler] of Object.entries(table)) {
      next.set(name, previous.has(name) ? previous.get(name) : this.handlers.get(name));
      this.register(name, handler);
    }
    const removed = [...previous.keys()].filter((name) => !next.has(name));
    for (const name of removed) {
      const replaced = previous.get(name);
      if (replaced) this.handlers.set(name, replaced);
      else this.handlers.delete(name);
      this.changes += 1;
    }
    this.groups.set(group, next);
    return removed;
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
