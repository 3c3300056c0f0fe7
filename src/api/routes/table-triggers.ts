/** Routes on table triggers: the subscriptions deploys installed, with their Postgres trigger and backlog. */
import { z } from 'zod';
import { listTableTriggers } from '../../service/index.ts';
import { defineRoute, type Route } from '../route.ts';
import { components } from '../schemas.ts';

const listQuery = z.strictObject({
  workflow: z.string().min(1).optional().describe('Only the table triggers of this workflow'),
});

const tableTrigger = z.object({
  id: z.number().int(),
  workflow: z.string(),
  table: z.string().describe('The watched table, schema.table'),
  operations: z.array(z.enum(['INSERT', 'UPDATE', 'DELETE'])),
  when: z.string().nullable().describe('The SQL condition over old and new; null when every change counts'),
  role: z.string().nullable().describe('The role the started executions act as (privacy rules apply); null: the engine\'s own'),
  claims: z.record(z.string(), z.unknown()).nullable().describe('The request.jwt.claims those executions carry'),
  triggerName: z.string().describe('The Postgres trigger on the table'),
  installed: z.boolean().describe('false when the trigger is gone from the table (dropped and re-created): deploy the workflow again'),
  pendingChanges: z.number().int().describe('Changes captured and not delivered yet'),
}).register(components, { id: 'TableTrigger' });

const tableTriggerList = z.object({ items: z.array(tableTrigger) }).register(components, { id: 'TableTriggerList' });

export const tableTriggerRoutes: Route[] = [
  defineRoute({
    method: 'get', path: '/v1/table-triggers', operationId: 'listTableTriggers', tag: 'table-triggers', auth: 'read',
    summary: 'List the table triggers the deployed workflows installed, by workflow',
    query: listQuery,
    responses: { 200: { description: 'Every live table trigger', schema: tableTriggerList } },
    errors: [],
    async handle({ context, deps, query }) {
      return context.json({ items: await listTableTriggers(deps, query) }, 200);
    },
  }),
];
