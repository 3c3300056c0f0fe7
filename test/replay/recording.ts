/** A recorded execution as committed under test/replay/recorded/: its rows mid-flight and how it ended. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Json } from '../../src/shared/index.ts';
import { getExecution, type Sql } from '../../src/store/index.ts';
import type { RecordedRows } from './rows.ts';

export interface RecordedResult {
  status: string;
  output: Json | null;
  error: string | null;
  cause: string | null;
}

export interface Recording {
  scenario: string;
  description: string;
  /** The release's format versions the rows were written in. */
  formats: Record<string, number>;
  recordedAt: string;
  /**
   * The last migration of the recording release: the rows load into a database migrated that far and
   * the later migrations convert them. Absent: recorded before 0016, history one row per event.
   */
  migration?: number;
  executionId: string;
  /** The task token to answer after loading (and the answer), when the execution waits for one. */
  taskToken?: string;
  answer?: Json;
  rows: RecordedRows;
  /** How the execution ended when the recording release finished it. */
  expect: RecordedResult;
}

export const recordedDir = join(import.meta.dirname, 'recorded');

export function loadRecordings(): Recording[] {
  return readdirSync(recordedDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(recordedDir, f), 'utf8')) as Recording);
}

export async function resultOf(sql: Sql, executionId: string): Promise<RecordedResult> {
  const row = await getExecution(sql, executionId);
  if (!row) throw new Error(`execution ${executionId} is missing`);
  return { status: row.status, output: row.output, error: row.error, cause: row.cause };
}
