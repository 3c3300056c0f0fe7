/** Verb: validate workflow files — every problem of every file, each with its location. */
import { readFile } from 'node:fs/promises';
import { loadWorkflow, workflowNameFromFile, type Problem, type WorkflowFile } from '../asl/index.ts';
import type { JsonObject } from '../shared/index.ts';

export interface FileValidation {
  file: string;
  workflow: WorkflowFile | null;
  problems: Problem[];
}

export interface ValidateOptions {
  /** When given, a Task naming a resource it does not know is a problem. */
  isKnownResource?: (name: string) => boolean;
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
  const { workflow, problems } = loadWorkflow(text, file, {
    ...options,
    ...(settings ? { settings: settings as JsonObject, settingsFrom: `nightshift.yaml workflows.${name}` } : {}),
  });
  return { file, workflow, problems };
}

export async function validateFiles(files: string[], options: ValidateOptions = {}): Promise<FileValidation[]> {
  return Promise.all(files.map((file) => validateFile(file, options)));
}
