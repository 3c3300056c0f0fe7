/**
 * Verb: deploy workflows given in code (the embeddable library's `workflows: [...]`): each is a file
 * path or an object written as a workflow file would be. Unlike a folder deploy, which reports invalid
 * files and goes on, any invalid workflow refuses them all, with every problem and its location.
 */
import { formatProblems, loadWorkflow, type Problem, type WorkflowFile } from '../asl/index.ts';
import { EngineError } from '../shared/index.ts';
import type { ServiceDeps } from './deps.ts';
import { staticTriggerProblems } from './trigger-checks.ts';
import { validateFile, type ValidateOptions } from './validate-files.ts';
import { deployWorkflow, type DeployOptions, type DeployReport } from './workflows.ts';

/** A workflow file's path, or its content as an object (the wrapper with `name`, or ASL with a `name` added). */
export type WorkflowSource = string | ({ name: string } & Record<string, unknown>);

async function readSource(source: WorkflowSource, index: number, options: ValidateOptions): Promise<{ file: string; workflow: WorkflowFile | null; problems: Problem[] }> {
  if (typeof source === 'string') return validateFile(source, options);
  if (source === null || typeof source !== 'object' || typeof source.name !== 'string') {
    const file = `workflows[${index}]`;
    return { file, workflow: null, problems: [{ code: 'WORKFLOW_NAME', message: 'A workflow given as an object needs a string `name`', pointer: '/name', file }] };
  }
  // A plain ASL document has no `name` field of its own: the name then names the file, as in a folder.
  const isAsl = 'StartAt' in source && 'States' in source;
  const { name, ...rest } = source;
  const file = `${name}.json`;
  const { workflow, problems } = loadWorkflow(JSON.stringify(isAsl ? rest : source), file, {
    isKnownResource: options.isKnownResource,
    limits: { maxBytes: options.limits?.maxDefinitionBytes, maxStates: options.limits?.maxDefinitionStates },
    extraChecks: staticTriggerProblems,
  });
  return { file, workflow, problems };
}

export async function deployWorkflowSources(
  deps: Pick<ServiceDeps, 'sql'>,
  sources: readonly WorkflowSource[],
  options: DeployOptions = {},
): Promise<DeployReport> {
  const read = await Promise.all(sources.map((source, index) => readSource(source, index, options)));
  const problems = read.flatMap((r) => r.problems);
  for (const { file, workflow } of read) {
    if (!workflow || !options.checkTriggers) continue;
    for (const found of await options.checkTriggers(workflow)) problems.push({ code: 'TRIGGER_INVALID', ...found, file });
  }
  const names = new Map<string, string>();
  for (const { file, workflow } of read) {
    if (!workflow) continue;
    const first = names.get(workflow.name);
    if (first) problems.push({ code: 'WORKFLOW_NAME_DUPLICATE', message: `The name "${workflow.name}" is already used by ${first}`, pointer: '/name', file });
    else names.set(workflow.name, file);
  }
  if (read.some((r) => !r.workflow) || problems.length > 0) {
    throw new EngineError('DEFINITION_INVALID', `The workflows given have ${problems.length} problem(s):\n${formatProblems(problems)}`, { details: { problems } });
  }
  const report: DeployReport = { deployed: [], invalid: [] };
  for (const { file, workflow } of read) {
    const saved = await deployWorkflow(deps, workflow as WorkflowFile);
    report.deployed.push({ name: (workflow as WorkflowFile).name, file, ...saved });
  }
  return report;
}
