/** Compiled definitions by version id: versions are immutable, so a cache entry never goes stale. */
import type { StateMachine } from '../../asl/index.ts';
import { compileMachine, type Machine } from '../../core/index.ts';
import { getVersion, type Queryable } from '../../store/index.ts';

export class MachineCache {
  private readonly machines = new Map<string, Machine>();

  constructor(private readonly limit = 500) {}

  async get(sql: Queryable, versionId: string): Promise<Machine> {
    const cached = this.machines.get(versionId);
    if (cached) return cached;
    const version = await getVersion(sql, versionId);
    if (!version) throw new Error(`workflow version ${versionId} is missing`);
    const machine = compileMachine(version.definition as unknown as StateMachine);
    if (this.machines.size >= this.limit) this.machines.delete(this.machines.keys().next().value as string);
    this.machines.set(versionId, machine);
    return machine;
  }
}
