/** Verb: publish a named event, which starts every workflow whose current version subscribes to it (`triggers: [{event: name}]`). */
import { EngineError, type Json } from '../shared/index.ts';
import type { ServiceDeps } from './deps.ts';
import { startExecution, type ExecutionView } from './executions.ts';
import { checkInput, checkPayloadSize } from './input-schema.ts';
import { listWorkflows, type WorkflowMetadata } from './workflows.ts';

/** Event names appear in URLs: a letter or digit, then letters, digits, '_', '.', ':' or '-', at most 128 characters. */
const eventNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

export interface PublishOptions {
  /** Makes a repeated publish start nothing new: each subscriber's execution gets the idempotency key `event:<key>`. */
  idempotencyKey?: string;
  identity?: Json;
}

function subscribes(metadata: WorkflowMetadata | null, name: string): boolean {
  return metadata?.triggers?.some((trigger) => trigger.event === name) ?? false;
}

/**
 * Starts one execution of each subscribed workflow with the payload as input, in name order, and
 * answers them (none when nobody subscribes). The payload is checked against every subscriber's
 * parameters before anything starts, so a payload one of them refuses starts none.
 */
export async function publishEvent(deps: ServiceDeps, name: string, payload: Json, options: PublishOptions = {}): Promise<Array<ExecutionView & { created: boolean }>> {
  if (!eventNamePattern.test(name)) {
    throw new EngineError('INPUT_INVALID', `${JSON.stringify(name)} is not an event name: a letter or digit, then letters, digits, '_', '.', ':' or '-', at most 128 characters`);
  }
  checkPayloadSize(payload, '', 'The event payload');
  // A project has tens of workflows; listWorkflows reads their metadata in one statement.
  // An archived (removed) workflow's triggers are gone, its event subscriptions with them.
  const subscribers = (await listWorkflows(deps)).filter((w) => w.archivedAt === null && subscribes(w.metadata, name));
  for (const workflow of subscribers) checkInput(workflow.metadata?.parameters ?? null, payload, workflow.name);
  const started: Array<ExecutionView & { created: boolean }> = [];
  for (const workflow of subscribers) {
    started.push(await startExecution(deps, {
      workflow: workflow.name,
      input: payload,
      ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: `event:${options.idempotencyKey}` }),
      ...(options.identity === undefined ? {} : { identity: options.identity }),
    }));
  }
  return started;
}
