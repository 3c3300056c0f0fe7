/** Verb: validate workflow files — every problem of every file, each with its location. */
import { readFile } from 'node:fs/promises';
import { loadWorkflow, workflowNameFromFile, type Problem, type WorkflowFile } from '../asl/index.ts';
import type { JsonObject, Limits } from '../shared/index.ts';
import { duplicateNameProblems, staticTriggerProblems } from './trigger-checks.ts';

export interface FileValidation {
  file: string;
  workflow: WorkflowFile | null;
  problems: Problem[];
  /** Adds the file, line and column to a problem found after reading (a duplicate name). */
  locate?: (problem: Problem) => Problem;
}

export interface ValidateOptions {
  /** When given, a Task naming a resource it does not know is a problem. */
  isKnownResource?: (name: string) => boolean;
  /** limits.maxDefinitionBytes and limits.maxDefinitionStates; absent: their defaults. */
  limits?: Pick<Partial<Limits>, 'maxDefinitionBytes' | 'maxDefinitionStates'>;
  /** true: the file is run once, not deployed (`nightshift execute`): its file name need not be a workflow name. */
  anyFileName?: boolean;
  /** Settings of plain ASL files by workflow name (nightshift.yaml `workflows:`). */
  workflowSettings?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}


export async function validateFile(file: string, options: ValidateOptions = {}): Promise<FileValidation> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (e as Error).message;
    return { file, workflow: null, problems: [{ code: 'FILE_UNREADABLE', message: `Cannot read ${file}: ${reason}`, pointer: '', file }] };
  }
  const name = workflowNameFromFile(file);
  const settings = options.workflowSettings && Object.hasOwn(options.workflowSettings, name) ? options.workflowSettings[name] : undefined;
  const { workflow, problems, locate } = loadWorkflow(text, file, {
    isKnownResource: options.isKnownResource,
    anyFileName: options.anyFileName,
    limits: { maxBytes: options.limits?.maxDefinitionBytes, maxStates: options.limits?.maxDefinitionStates },
    extraChecks: (read) => (settings && read.definitionPointer === '' ? settingProblems(staticTriggerProblems(read), name) : staticTriggerProblems(read)),
    ...(settings ? { settings: settings as JsonObject, settingsFrom: `nightshift.yaml workflows.${name}` } : {}),
  });
  return { file, workflow, problems, locate };
}

/** Every file, then the problems between them: two files deploying the same workflow name. */
export async function validateFiles(files: string[], options: ValidateOptions = {}): Promise<FileValidation[]> {
  const results = await Promise.all(files.map((file) => validateFile(file, options)));
  const duplicates = duplicateNameProblems(results);
  return results.map((result) => {
    const duplicate = duplicates.get(result.file);
    if (!duplicate) return result;
    return { ...result, workflow: null, problems: [...result.problems, result.locate ? result.locate(duplicate) : duplicate] };
  });
}

/** A plain file's triggers come from nightshift.yaml: its problems name that place, as main's SETTING_INVALID does. */
function settingProblems(problems: Problem[], name: string): Problem[] {
  return problems.map((p) => ({ ...p, message: `nightshift.yaml workflows.${name}${p.pointer}: ${p.message}`, pointer: '' }));
}
