/** `nightshift execute` uses the handlers module the project's nightshift.yaml names, as `dev` does. */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../src/cli/main.ts';

let project = '';
before(() => {
  project = mkdtempSync(join(tmpdir(), 'nightshift-execute-handlers-'));
  mkdirSync(join(project, 'workflows'));
  writeFileSync(join(project, 'nightshift.yaml'), 'handlers: lib/handlers.mjs\n');
  mkdirSync(join(project, 'lib'));
  writeFileSync(join(project, 'lib', 'handlers.mjs'), 'export const resources = { "app:greet": (input) => ({ message: `Hello, ${input.name}!` }) };\n');
  writeFileSync(join(project, 'workflows', 'greet.yaml'), 'name: greet\ndefinition:\n  StartAt: Greet\n  States:\n    Greet: { Type: Task, Resource: "app:greet", End: true }\n');
});
after(() => rmSync(project, { recursive: true, force: true }));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) }, out, err };
}

describe('nightshift execute and nightshift.yaml', () => {
  it("runs a Task whose handler only the project's handlers: module registers", async () => {
    const { io, out, err } = capture();
    const code = await main(['execute', join(project, 'workflows', 'greet.yaml'), '--input', '{"name":"Ada"}'], io);
    assert.equal(code, 0, out.join('') + err.join(''));
    assert.deepEqual(JSON.parse(out.join('')), { status: 'SUCCEEDED', output: { message: 'Hello, Ada!' } });
  });

  it('lets --handlers replace the project module', async () => {
    writeFileSync(join(project, 'other.mjs'), 'export const resources = { "app:greet": () => ({ message: "other" }) };\n');
    const { io, out } = capture();
    assert.equal(await main(['execute', join(project, 'workflows', 'greet.yaml'), '--handlers', join(project, 'other.mjs')], io), 0);
    assert.deepEqual(JSON.parse(out.join('')), { status: 'SUCCEEDED', output: { message: 'other' } });
  });
});
