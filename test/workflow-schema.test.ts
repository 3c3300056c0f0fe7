/**
 * schema/workflow.schema.json (editors' completion and checks) agrees with the validator: every workflow
 * the validator accepts, the schema accepts; misspelt and misplaced fields are refused by both.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { loadWorkflow } from '../src/asl/index.ts';
import { workflowSchemaFile, workflowSchemaText } from '../scripts/workflow-schema.ts';

const check = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(workflowSchemaFile, 'utf8')));
const root = new URL('..', import.meta.url).pathname;

function workflowFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : workflowFiles(path);
    return /\/workflows\/[^/]+\.(ya?ml|json)$/.test(path) ? [path] : [];
  });
}

const conformanceDefinitions = readdirSync(join(root, 'test/conformance/cases')).flatMap((file) => {
  const { cases } = JSON.parse(readFileSync(join(root, 'test/conformance/cases', file), 'utf8')) as { cases: Array<{ name: string; definition: unknown }> };
  return cases.map((c) => ({ name: `${file}: ${c.name}`, definition: c.definition }));
});

describe('schema/workflow.schema.json', () => {
  it('is what scripts/workflow-schema.ts makes of the validator tables (run `npm run generate:schema` when this fails)', () => {
    assert.equal(readFileSync(workflowSchemaFile, 'utf8'), workflowSchemaText());
  });

  it('accepts every workflow file of examples/ and test/', () => {
    const files = [...workflowFiles(join(root, 'examples')), ...workflowFiles(join(root, 'test'))];
    assert.ok(files.length >= 5);
    const refused = files.filter((file) => !check(parse(readFileSync(file, 'utf8')))).map((file) => `${file}: ${JSON.stringify(check.errors?.slice(0, 2))}`);
    assert.deepEqual(refused, []);
  });

  it('accepts every conformance definition the validator accepts', () => {
    const refused = conformanceDefinitions
      .filter(({ definition }) => loadWorkflow(JSON.stringify(definition), 'case.json').workflow !== null)
      .filter(({ definition }) => !check(definition))
      .map(({ name }) => `${name}: ${JSON.stringify(check.errors?.slice(0, 2))}`);
    assert.deepEqual(refused, []);
  });

  it('refuses a misspelt state field, a Task without Resource, an unknown wrapper field and a bad mode', () => {
    const machine = (state: Record<string, unknown>) => ({ StartAt: 'A', States: { A: state } });
    assert.equal(check(machine({ Type: 'Pass', Nxt: 'B' })), false);
    assert.equal(check(machine({ Type: 'Task', End: true })), false);
    assert.equal(check({ name: 'x', definitoin: machine({ Type: 'Pass', End: true }) }), false);
    assert.equal(check({ name: 'x', mode: 'fast', definition: machine({ Type: 'Pass', End: true }) }), false);
    assert.equal(check({ name: 'x', mode: 'transient', definition: machine({ Type: 'Pass', End: true }) }), true);
  });
});
