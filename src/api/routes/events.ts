/** Routes on events: publishing one starts every workflow subscribed to it (`triggers: [{event: name}]`). */
import { z } from 'zod';
import { identityRecord, publishEvent } from '../../service/index.ts';
import type { Json } from '../../shared/index.ts';
import { defineRoute, type Route } from '../route.ts';
import { components, executionView, startHeaders } from '../schemas.ts';

const eventParams = z.strictObject({
  name: z.string().min(1).max(128).describe('The event name, e.g. user.signed_up'),
});

const eventPayload = z.unknown().describe('The event payload: any JSON value (an empty body is {}), the input of every execution it starts');

const publishedEvent = z.object({
  executions: z.array(executionView).describe('One execution per subscribed workflow, in workflow name order; empty when nobody subscribes'),
}).register(components, { id: 'PublishedEvent' });

export const eventRoutes: Route[] = [
  defineRoute({
    // One event may start many workflows, each with its own `auth`: until a caller's right to start every
    // subscriber is checked one by one, publishing takes the admin scope.
    method: 'post', path: '/v1/events/{name}', operationId: 'publishEvent', tag: 'events', auth: 'admin',
    summary: 'Publish an event: start every workflow subscribed to it with the body as input',
    params: eventParams,
    headers: startHeaders,
    body: { schema: eventPayload, required: false, description: 'The event payload (any JSON; an empty body is {})' },
    responses: { 202: { description: 'The executions started (with an Idempotency-Key already used: the ones it started)', schema: publishedEvent } },
    errors: ['CONFLICT', 'IDEMPOTENCY_KEY_REUSED'],
    async handle({ context, deps, params, headers, body, identity }) {
      const started = await publishEvent(deps, params.name, body as Json, {
        idempotencyKey: headers['Idempotency-Key'], identity: identity ? identityRecord(identity) : undefined,
      });
      return context.json({ executions: started.map(({ created: _created, ...view }) => view) }, 202);
    },
  }),
];
