/**
 * What a worker serves, and its row in `nightshift.workers` that says so (issue 12). A worker claims
 * only the invoke jobs of resources it serves: the names given (`resources:` in nightshift.yaml) that
 * its registry has, or every name its registry has. The row is renewed every third of `ttlMs`, so a
 * worker that died stops counting within `ttlMs`, and is deleted when the worker stops.
 */
import type { ResourceRegistry } from '../../resources/index.ts';
import { advertiseWorker, removeWorker, servedResources, type ServedResources, type Sql } from '../../store/index.ts';
import type { Clock, Logger } from '../../shared/index.ts';

export interface ServingOptions {
  sql: Sql;
  registry: ResourceRegistry;
  workerId: string;
  clock: Clock;
  logger: Logger;
  /** The names to serve (a trailing `*` serves a family: `activity:*`); absent: every registered one. */
  resources?: readonly string[] | null;
  /** How long the row counts without a renewal (the lease length). */
  ttlMs: number;
}

export class Serving {
  private names: string[] = [];
  private served: ServedResources = { names: [], patterns: [] };
  private seenVersion = -1;
  private timer: NodeJS.Timeout | null = null;
  /** The advert written on a change: awaited by stop(), so it cannot bring the row back after its removal. */
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly options: ServingOptions) {}

  /**
   * What the claim statement filters on; recomputed when a resource was registered or removed since,
   * and then advertised at once (not at the next renewal), so "nobody serves it" is said without delay.
   */
  current(): ServedResources {
    if (this.options.registry.version !== this.seenVersion) {
      const first = this.seenVersion === -1;
      this.refresh();
      if (!first && this.timer) this.writing = this.writing.then(() => this.write());
    }
    return this.served;
  }

  /** Whether the claim would take an invoke job of `resource` (as `current()`'s names and `*` families say). */
  serves(resource: string): boolean {
    this.current();
    return this.names.some((name) => (name.endsWith('*') ? resource.startsWith(name.slice(0, -1)) : name === resource));
  }

  async start(): Promise<void> {
    const { options } = this;
    const missing = (options.resources ?? []).filter((name) => !this.canServe(name));
    if (missing.length > 0) options.logger.warn({ resources: missing }, 'resources: names no handler is registered for are not served');
    await this.advertise();
    this.timer = setInterval(() => void this.advertise(), Math.max(50, Math.floor(options.ttlMs / 3)));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.writing;
    await removeWorker(this.options.sql, this.options.workerId, new Date(this.options.clock.now())).catch(() => {});
  }

  private async advertise(): Promise<void> {
    this.current();
    await this.write();
  }

  private async write(): Promise<void> {
    const { options } = this;
    try {
      await advertiseWorker(options.sql, { id: options.workerId, resources: this.names, now: new Date(options.clock.now()), ttlMs: options.ttlMs });
    } catch (e) {
      options.logger.warn({ error: String(e) }, 'the worker row was not renewed');
    }
  }

  private refresh(): void {
    const { registry, resources } = this.options;
    this.seenVersion = registry.version;
    this.names = resources ? resources.filter((name) => this.canServe(name)) : registry.names();
    this.served = servedResources(this.names);
  }

  private canServe(name: string): boolean {
    return name.endsWith('*') ? this.options.registry.names().includes(name) : this.options.registry.has(name);
  }
}
