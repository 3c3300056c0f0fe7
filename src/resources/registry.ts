/** Resources by the name a Task's `Resource` field uses. Built-ins and code-registered handlers alike. */
import type { ResourceHandler } from './resource.ts';

export class ResourceRegistry {
  private readonly handlers = new Map<string, ResourceHandler>();

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
