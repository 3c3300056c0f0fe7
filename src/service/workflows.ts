/** Verbs: deploy workflow files as versions; list and describe workflows. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FlowControl, Problem, WorkflowFile } from '../asl/index.ts';
import { getCurrentVersion, listWorkflows as listWorkflowRows, saveWorkflowVersion } from '../store/index.ts';
import { EngineError, type Json, type JsonObject } from '../shared/index.ts';
import { forgetCurrentVersion } from './current-versions.ts';
import type { ServiceDeps } from './deps.ts';
import { validateFiles, type ValidateOptions } from './validate-files.ts';

export interface WorkflowMetadata {
  mode: 'persistent' | 'transient';
  parameters: JsonObject | null;
  auth: string;
  ignorePrivacyRules: boolean;
  triggers: JsonObject[];
  description: string | null;
  /** Flow control of starts (flow-control.ts); absent in versions saved before it existed. */
  flow?: FlowControl | null;
}

export function metadataOf(workflow: WorkflowFile): WorkflowMetadata {
  return {
    mode: workflow.mode,
    parameters: workflow.parameters,
    auth: workflow.auth,
    ignorePrivacyRules: workflow.ignorePrivacyRules,
    triggers: workflow.triggers,
    description: workflow.description,
    // Only when declared: the metadata of workflows without flow control stays as it was.
    ...(workflow.flow ? { flow: workflow.flow } : {}),
  };
}

/** Saves the file's content as the workflow's current version (a no-op when nothing changed). */
export async function deployWorkflow(deps: Pick<ServiceDeps, 'sql'>, workflow: WorkflowFile): Promise<{ versionId: string; changed: boolean }> {
  const saved = await saveWorkflowVersion(deps.sql, {
    name: workflow.name,
    definition: workflow.definition as unknown as Json,
    metadata: metadataOf(workflow) as unknown as JsonObject,
  });
  forgetCurrentVersion(deps.sql, workflow.name);
  return saved;
}

export interface WorkflowView {
  name: string;
  versionId: string;
  definition: Json;
  metadata: WorkflowMetadata;
}

export async function describeWorkflow(deps: Pick<ServiceDeps, 'sql'>, name: string): Promise<WorkflowView> {
  const version = await getCurrentVersion(deps.sql, name);
  if (!version) throw new EngineError('WORKFLOW_NOT_FOUND', `No workflow is named ${JSON.stringify(name)}`);
  return { name, versionId: version.id, definition: version.definition, metadata: version.metadata as unknown as WorkflowMetadata };
}

export async function listWorkflows(deps: Pick<ServiceDeps, 'sql'>): Promise<Array<{ name: string; versionId: string | null; metadata: WorkflowMetadata | null; updatedAt: string; archivedAt: string | null }>> {
  const rows = await listWorkflowRows(deps.sql);
  return rows.map((r) => ({
    name: r.name, versionId: r.currentVersionId, metadata: r.metadata as unknown as WorkflowMetadata | null, updatedAt: r.updatedAt.toISOString(),
    archivedAt: r.archivedAt?.toISOString() ?? null,
  }));
}

export interface DeployReport {
  deployed: Array<{ name: string; file: string; versionId: string; changed: boolean }>;
  invalid: Array<{ file: string; problems: Problem[] }>;
}

export interface DeployOptions extends ValidateOptions {
  /**
   * The checks of a workflow's triggers that need the database (the watched table exists, the `when`
   * condition compiles), made before its version is saved; boot passes the table triggers' dry run.
   */
  checkTriggers?: (workflow: WorkflowFile) => Promise<Array<{ pointer: string; message: string }>>;
}

/**
 * Deploys every workflow file (.yaml, .yml, .json) of a folder. A file with a problem — its own, a name
 * another file already uses, a trigger the database refuses — is reported and not deployed, so no
 * workflow is saved with triggers that cannot be installed.
 */
export async function deployDirectory(
  deps: Pick<ServiceDeps, 'sql'>,
  dir: string,
  options: DeployOptions = {},
): Promise<DeployReport> {
  const report: DeployReport = { deployed: [], invalid: [] };
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.(ya?ml|json)$/i.test(n)).sort();
  } catch {
    return report;
  }
  for (const { file, workflow, problems, locate } of await validateFiles(names.map((name) => join(dir, name)), options)) {
    const found = workflow && options.checkTriggers ? await options.checkTriggers(workflow) : [];
    if (!workflow || found.length > 0) {
      const located = found.map((p) => ({ code: 'TRIGGER_INVALID', ...p, file })).map((p) => (locate ? locate(p) : p));
      report.invalid.push({ file, problems: [...problems, ...located] });
      continue;
    }
    const saved = await deployWorkflow(deps, workflow);
    report.deployed.push({ name: workflow.name, file, ...saved });
  }
  return report;
}
