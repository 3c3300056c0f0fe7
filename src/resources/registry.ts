/** Resources by the name a Task's `Resource` field uses. Built-ins and code-registered handlers alike. */
import type { ResourceHandler, TransactionalHandler } from './resource.ts';

export class ResourceRegistry {
  private readonly handlers = new Map<string, ResourceHandler>();
  private readonly transactional = new Map<string, TransactionalHandler>();

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
    return this;
  }

  get(name: string): ResourceHandler | undefined {
    return this.handlers.get(name);
  }

  /** Whether a Task's Resource can be served; the `.waitForTaskToken` suffix is not part of the name. */
  has(resource: string): boolean {
    return this.handlers.has(resource.replace(/\.waitForTaskToken$/, ''));
  }

  names(): string[] {
    return [...this.handlers.keys()].sort();
  }
}
