/** Verb: validate workflow files — every problem of every file, each with its location. */
import { readFile } from 'node:fs/promises';
import { loadWorkflow, type Problem, type WorkflowFile } from '../asl/index.ts';
import type { Limits } from '../shared/index.ts';

export interface FileValidation {
  file: string;
  workflow: WorkflowFile | null;
  problems: Problem[];
}

export interface ValidateOptions {
  /** When given, a Task naming a resource it does not know is a problem. */
  isKnownResource?: (name: string) => boolean;
  /** limits.maxDefinitionBytes and limits.maxDefinitionStates; absent: their defaults. */
  limits?: Pick<Partial<Limits>, 'maxDefinitionBytes' | 'maxDefinitionStates'>;
}


export async function validateFile(file: string, options: ValidateOptions = {}): Promise<FileValidation> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (e as Error).message;
    return { file, workflow: null, problems: [{ code: 'FILE_UNREADABLE', message: `Cannot read ${file}: ${reason}`, pointer: '', file }] };
  }
  const limits = { maxBytes: options.limits?.maxDefinitionBytes, maxStates: options.limits?.maxDefinitionStates };
  const { workflow, problems } = loadWorkflow(text, file, { isKnownResource: options.isKnownResource, limits });
  return { file, workflow, problems };
}

export async function validateFiles(files: string[], options: ValidateOptions = {}): Promise<FileValidation[]> {
  return Promise.all(files.map((file) => validateFile(file, options)));
}
