/** Routes on workflows: list, describe, one version, and removal (archiving). Starting one is an execution route (executions.ts). */
import { z } from 'zod';
import { describeWorkflow, describeWorkflowVersion, listWorkflows, removeWorkflow } from '../../service/index.ts';
import { defineRoute, type Route } from '../route.ts';
import { removedWorkflow, workflowList, workflowParams, workflowView } from '../schemas.ts';

const versionParams = workflowParams.extend({ versionId: z.string().describe('The version id, as an execution names it') });

export const workflowRoutes: Route[] = [
  defineRoute({
    method: 'get', path: '/v1/workflows', operationId: 'listWorkflows', tag: 'workflows', auth: 'read',
    summary: 'List the deployed workflows with their current version',
    responses: { 200: { description: 'Every workflow', schema: workflowList } },
    errors: [],
    async handle({ context, deps }) {
      return context.json({ items: await listWorkflows(deps) }, 200);
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/workflows/{name}', operationId: 'describeWorkflow', tag: 'workflows', auth: 'read',
    summary: 'Describe a workflow: its current definition and metadata',
    params: workflowParams,
    responses: { 200: { description: 'The workflow', schema: workflowView } },
    errors: ['WORKFLOW_NOT_FOUND'],
    async handle({ context, deps, params }) {
      return context.json(await describeWorkflow(deps, params.name), 200);
    },
  }),
  defineRoute({
    method: 'get', path: '/v1/workflows/{name}/versions/{versionId}', operationId: 'describeWorkflowVersion', tag: 'workflows', auth: 'read',
    summary: 'One version of a workflow: the definition an execution ran on, current or not',
    params: versionParams,
    responses: { 200: { description: 'The version', schema: workflowView } },
    errors: ['WORKFLOW_NOT_FOUND'],
    async handle({ context, deps, params }) {
      return context.json(await describeWorkflowVersion(deps, params.name, params.versionId), 200);
    },
  }),
  defineRoute({
    method: 'delete', path: '/v1/workflows/{name}', operationId: 'removeWorkflow', tag: 'workflows', auth: 'admin',
    summary: 'Remove a workflow: archive it (no new starts, its table triggers and file schedules gone); its executions and history stay, deploying it again restores it',
    params: workflowParams,
    responses: { 200: { description: 'The workflow is archived (removing it again answers the same)', schema: removedWorkflow } },
    errors: ['WORKFLOW_NOT_FOUND'],
    async handle({ context, deps, params }) {
      return context.json(await removeWorkflow(deps, params.name), 200);
    },
  }),
];
