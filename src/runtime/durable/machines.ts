/** Compiled definitions by version id: versions are immutable, so a cache entry never goes stale. */
import type { StateMachine } from '../../asl/index.ts';
import { compileMachine, type Machine } from '../../core/index.ts';
import { getVersion, type Queryable } from '../../store/index.ts';

/** A version as a step needs it: the compiled machine and the flags of its metadata. */
export interface CompiledVersion {
  machine: Machine;
  /** SQL tasks run as the engine's role, bypassing row-level security. */
  ignorePrivacyRules: boolean;
  /** The `flow.priority` of the workflow file: the priority of every job its steps enqueue (0 when absent). */
  priority: number;
}

export class MachineCache {
  private readonly versions = new Map<string, CompiledVersion>();

  constructor(private readonly limit = 500) {}

  async get(sql: Queryable, versionId: string): Promise<CompiledVersion> {
    const cached = this.versions.get(versionId);
    if (cached) return cached;
    const version = await getVersion(sql, versionId);
    if (!version) throw new Error(`workflow version ${versionId} is missing`);
    const compiled = {
      machine: compileMachine(version.definition as unknown as StateMachine),
      ignorePrivacyRules: version.metadata.ignorePrivacyRules === true,
      priority: priorityOf(version.metadata.flow),
    };
    if (this.versions.size >= this.limit) this.versions.delete(this.versions.keys().next().value as string);
    this.versions.set(versionId, compiled);
    return compiled;
  }
}

function priorityOf(flow: unknown): number {
  const priority = (flow as { priority?: unknown } | null | undefined)?.priority;
  return typeof priority === 'number' && Number.isInteger(priority) ? priority : 0;
}
