/** Loads the conformance fixtures and checks a run's outcome against a case's expectation. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import type { Json } from '../../src/shared/index.ts';

export interface Expectation {
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'INVALID';
  output?: Json;
  outputMatches?: Record<string, string>;
  error?: string;
  cause?: string;
  causeContains?: string;
  pointers?: string[];
}

export interface ConformanceCase {
  area: string;
  file: string;
  name: string;
  spec?: string;
  definition: Json;
  input?: Json;
  executionName?: string;
  expect: Expectation;
}

export interface Outcome {
  status: string;
  output?: Json;
  error?: string;
  cause?: string;
  problems?: Array<{ pointer: string; message: string }>;
}

const casesDir = join(import.meta.dirname, 'cases');

export function loadCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const file of readdirSync(casesDir).filter((f) => f.endsWith('.json')).sort()) {
    const doc = JSON.parse(readFileSync(join(casesDir, file), 'utf8')) as { area: string; cases: Omit<ConformanceCase, 'area' | 'file'>[] };
    for (const c of doc.cases) out.push({ ...c, area: doc.area, file });
  }
  return out;
}

function pointerGet(value: Json | undefined, pointer: string): Json | undefined {
  if (pointer === '') return value;
  let current: Json | undefined = value;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (current === null || typeof current !== 'object') return undefined;
    current = Array.isArray(current) ? current[Number(token)] : current[token];
  }
  return current;
}

export function checkOutcome(expect: Expectation, got: Outcome): void {
  const summary = JSON.stringify(got).slice(0, 2000);
  if (expect.status === 'INVALID') {
    assert.equal(got.status, 'INVALID', `expected validation problems, got ${summary}`);
    for (const pointer of expect.pointers ?? []) {
      const found = (got.problems ?? []).some((p) => p.pointer === pointer || p.pointer.startsWith(`${pointer}/`));
      assert.ok(found, `no problem reported at ${pointer}; problems: ${JSON.stringify(got.problems)}`);
    }
    return;
  }
  assert.equal(got.status, expect.status, `status: ${summary}`);
  if (expect.output !== undefined) assert.deepEqual(got.output, expect.output, `output: ${summary}`);
  for (const [pointer, pattern] of Object.entries(expect.outputMatches ?? {})) {
    const value = pointerGet(got.output, pointer);
    const textValue = typeof value === 'string' ? value : JSON.stringify(value);
    assert.match(textValue ?? 'undefined', new RegExp(pattern), `output at ${pointer}: ${summary}`);
  }
  if (expect.error !== undefined) assert.equal(got.error, expect.error, `error: ${summary}`);
  if (expect.cause !== undefined) assert.equal(got.cause, expect.cause, `cause: ${summary}`);
  if (expect.causeContains !== undefined) assert.ok((got.cause ?? '').includes(expect.causeContains), `cause: ${summary}`);
}
