/** Verb: publish a named event, which starts every workflow whose current version subscribes to it (`triggers: [{event: name}]`). */
import { EngineError, type Json } from '../shared/index.ts';
import type { ServiceDeps } from './deps.ts';
import { startExecutions, type StartedView } from './start.ts';
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
 * answers them (none when nobody subscribes), in one transaction. The payload is checked against every
 * subscriber's parameters before anything starts, so a payload one of them refuses starts none; a
 * subscriber that refuses the start otherwise (a reused idempotency key, a full chain) starts none either.
 */
export async function publishEvent(deps: ServiceDeps, name: string, payload: Json, options: PublishOptions = {}): Promise<StartedView[]> {
  if (!eventNamePattern.test(name)) {
    throw new EngineError('INPUT_INVALID', `${JSON.stringify(name)} is not an event name: a letter or digit, then letters, digits, '_', '.', ':' or '-', at most 128 characters`);
  }
  checkPayloadSize(payload, '', 'The event payload');
  // A project has tens of workflows; listWorkflows reads their metadata in one statement.
  // An archived (removed) workflow's triggers are gone, its event subscriptions with them.
  const subscribers = (await listWorkflows(deps)).filter((w) => w.archivedAt === null && subscribes(w.metadata, name));
  for (const workflow of subscribers) checkInput(workflow.metadata?.parameters ?? null, payload, workflow.name);
  const requests = subscribers.map((workflow) => ({
    workflow: workflow.name,
    input: payload,
    ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: `event:${options.idempotencyKey}` }),
    ...(options.identity === undefined ? {} : { identity: options.identity }),
  }));
  const batch = await deps.sql.begin(async (tx) => {
    const started = await startExecutions(deps, tx, requests);
    const refusal = started.outcomes.find((o) => 'error' in o);
    if (refusal && 'error' in refusal) throw refusal.error;
    return started;
  });
  batch.afterCommit();
  return batch.outcomes.flatMap((o) => ('view' in o ? [o.view] : []));
}
