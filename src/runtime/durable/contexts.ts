/**
 * The execution-wide context object ($$.Execution, $$.StateMachine) of the row being stepped. A branch
 * shares its owner's, read once per owner and kept (an execution's id, input, name and start never change).
 */
import type { ExecutionContext } from '../../core/index.ts';
import { getExecution, type ExecutionRow, type Queryable } from '../../store/index.ts';

export function contextOf(row: ExecutionRow): ExecutionContext {
  return {
    Execution: { Id: row.id, Input: row.input, Name: row.name, StartTime: row.startedAt.toISOString() },
    StateMachine: { Id: `nightshift:workflow:${row.workflowName}:${row.versionId}`, Name: row.workflowName },
  };
}

export class ContextCache {
  private readonly owners = new Map<string, ExecutionContext>();

  constructor(private readonly limit = 1000) {}

  async get(sql: Queryable, row: ExecutionRow): Promise<ExecutionContext> {
    if (row.kind !== 'branch' || row.ownerId === null) return contextOf(row);
    const cached = this.owners.get(row.ownerId);
    if (cached) return cached;
    const owner = await getExecution(sql, row.ownerId);
    if (!owner) throw new Error(`the execution ${row.ownerId} that owns branch ${row.id} is missing`);
    const context = contextOf(owner);
    if (this.owners.size >= this.limit) this.owners.delete(this.owners.keys().next().value as string);
    this.owners.set(row.ownerId, context);
    return context;
  }
}
