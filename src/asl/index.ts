/**
 * ASL as data: the spec's types, the path and intrinsic parsers, reading workflow files (YAML or JSON)
 * with positions, and validation that reports every problem at once.
 */
import { fileSizeProblem, type DefinitionLimits } from './definition-size.ts';
import type { JsonObject } from '../shared/index.ts';
import type { Problem } from './problems.ts';
import { parseSource } from './source.ts';
import { locateProblem, readWorkflow, type WorkflowFile } from './workflow-file.ts';

export * from './types.ts';
export * from './json-path-syntax.ts';
export * from './intrinsic-syntax.ts';
export * from './problems.ts';
export { parseSource, pointerTokens, type ParsedSource, type SourcePosition } from './source.ts';
export {
  readWorkflow,
  workflowNamePattern,
  type ReadWorkflowOptions,
  type WorkflowAuth,
  type WorkflowFile,
  type WorkflowMode,
} from './workflow-file.ts';
export { definitionLimits, type DefinitionLimits } from './definition-size.ts';
export { checkFlowControl, type FlowControl } from './flow-control.ts';
export { validateStateMachine, resourceBaseName, type ValidateOptions } from './validate/index.ts';

export interface LoadWorkflowOptions {
  /** Whether a Task Resource (without `.sync`, `.sync:2`, `.waitForTaskToken`) names a resource that exists. */
  isKnownResource?: (name: string) => boolean;
  /** The size limits of a definition (limits.maxDefinitionBytes, limits.maxDefinitionStates); absent: the defaults. */
  limits?: DefinitionLimits;
  /** Checks of the caller's on the file as read (e.g. its triggers), located like every other problem. */
  extraChecks?: (workflow: WorkflowFile) => Problem[];
  /** true: the file name need not be a deployable workflow name (a file `nightshift execute` runs). */
  anyFileName?: boolean;
  /** A plain ASL file's settings given elsewhere (nightshift.yaml `workflows.<name>`), and where, for problems. */
  settings?: JsonObject;
  settingsFrom?: string;
}

/**
 * Parses a workflow file, reads the wrapper (or plain ASL) and validates the definition. Every problem
 * carries the file, line and column; `workflow` is null as soon as there is one problem.
 */
export function loadWorkflow(
  text: string,
  file: string,
  options: LoadWorkflowOptions = {},
): { workflow: WorkflowFile | null; problems: Problem[]; locate: (problem: Problem) => Problem } {
  const { limits = {}, ...readOptions } = options;
  const tooLarge = fileSizeProblem(text, limits);
  if (tooLarge) return { workflow: null, problems: [{ ...tooLarge, file }], locate: (problem) => problem };
  const source = parseSource(text, file);
  const read = readWorkflow(source, workflowNameFromFile(file), { ...readOptions, maxStates: limits.maxStates });
  return { ...read, locate: (problem) => locateProblem(source, problem) };
}

/** `workflows/send-invoice.asl.yaml` → `send-invoice`: the base name without `.json`/`.yaml`/`.yml` (and `.asl`). */
export function workflowNameFromFile(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.(json|ya?ml)$/i, '').replace(/\.asl$/i, '');
}

/** One line per problem: `file:line:column  /pointer  message  [CODE]`. */
export function formatProblems(problems: Problem[]): string {
  return problems
    .map((p) => {
      const where = [p.file ?? '<input>', p.line, p.column].filter((part) => part !== undefined).join(':');
      return `${where}  ${p.pointer === '' ? '/' : p.pointer}  ${p.message}  [${p.code}]`;
    })
    .join('\n');
}
export { compileParametersSchema } from './validate/parameters-schema.ts';
