/**
 * Broken triggers and duplicate names (issue 10, item 8): `nightshift validate` reports what it can check
 * without a database, with file and line; a deploy also checks what needs the database (the table
 * exists, the `when` condition compiles) and deploys no file that has a problem.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createEngine, type Engine } from '../../src/boot/index.ts';
import { main } from '../../src/cli/main.ts';
import { loadConfig } from '../../src/config/index.ts';
import type { Logger } from '../../src/shared/index.ts';
import { listTableTriggers, listWorkflows, validateFiles } from '../../src/service/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const pass = ['definition:', '  StartAt: Done', '  States: { Done: { Type: Pass, End: true } }', ''];
const file = (name: string, ...triggers: string[]) => [`name: ${name}`, 'triggers:', ...triggers, ...pass].join('\n');

async function validate(...files: string[]): Promise<{ code: number; text: string }> {
  const out: string[] = [];
  const code = await main(['validate', ...files], { stdout: (t) => void out.push(t), stderr: (t) => void out.push(t) });
  return { code, text: out.join('') };
}

describe('nightshift validate, on triggers and names', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'nightshift-triggers-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reports a bad cron, timezone, every and event name with file, line and pointer', async () => {
    const path = join(dir, 'broken.yaml');
    writeFileSync(path, file('broken', '  - cron: "99 99 * * *"', '  - cron: "0 9 * * *"', '    timezone: Europe/Nowhere', '  - every: often', '  - event: "bad name!"'));
    const { code, text } = await validate(path);
    assert.equal(code, 2);
    assert.match(text, new RegExp(`${path}:3:\\d+  /triggers/0/cron  cron "99 99 \\* \\* \\*" is invalid: .*\\[TRIGGER_INVALID\\]`));
    assert.match(text, new RegExp(`${path}:5:\\d+  /triggers/1/timezone  timezone "Europe/Nowhere" is not an IANA timezone.*\\[TRIGGER_INVALID\\]`));
    assert.match(text, new RegExp(`${path}:6:\\d+  /triggers/2/every  every must be a duration.*\\[TRIGGER_INVALID\\]`));
    assert.match(text, new RegExp(`${path}:7:\\d+  /triggers/3/event  "bad name!" is not an event name.*\\[TRIGGER_INVALID\\]`));
  });

  it('reports two files that give the same name, at the second one\'s name', async () => {
    const first = join(dir, 'a.yaml');
    const second = join(dir, 'b.yaml');
    writeFileSync(first, file('same', '  - http: {}'));
    writeFileSync(second, file('same', '  - http: {}'));
    const { code, text } = await validate(first, second);
    assert.equal(code, 2);
    assert.match(text, new RegExp(`✓ ${first}`));
    assert.match(text, new RegExp(`${second}:1:1  /name  The workflow name "same" is already used by ${first}.*\\[WORKFLOW_NAME_DUPLICATE\\]`));
  });

  it('names nightshift.yaml for a bad trigger given there to a plain ASL file', async () => {
    const path = join(dir, 'plain.json');
    writeFileSync(path, JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } }));
    const [result] = await validateFiles([path], { workflowSettings: { plain: { triggers: [{ cron: '99 99 * * *' }] } } });
    assert.deepEqual(result.problems.map((p) => [p.code, p.line]), [['TRIGGER_INVALID', 1]]);
    assert.match(result.problems[0].message, /^nightshift\.yaml workflows\.plain\/triggers\/0\/cron: cron "99 99 \* \* \*" is invalid/);
  });

  it('passes good triggers', async () => {
    const path = join(dir, 'good.yaml');
    writeFileSync(path, file('good', '  - cron: "0 9 * * MON"', '    timezone: Europe/Paris', '  - every: 15m', '  - event: user.created', '  - table: public.users'));
    assert.deepEqual(await validate(path), { code: 0, text: `✓ ${path}\n` });
  });
});

describe('a deploy of a folder, on triggers and names', () => {
  let db: TestDatabase;
  let project: string;
  let engine: Engine;
  before(async () => {
    db = await createTestDatabase();
    await db.sql.unsafe('create table public.members (id int primary key, email text)');
    project = mkdtempSync(join(tmpdir(), 'nightshift-deploy-'));
    const config = loadConfig({ projectDir: project, env: { DATABASE_URL: db.url, NIGHTSHIFT_AUTH: 'disabled' } });
    mkdirSync(config.workflowsDir, { recursive: true });
    const silent: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
    engine = await createEngine({ config, logger: silent, workers: false });
    const write = (name: string, text: string) => writeFileSync(join(config.workflowsDir, name), text);
    write('a-missing-table.yaml', file('missing-table', '  - table: public.nowhere'));
    write('b-bad-when.yaml', file('bad-when', '  - table: public.members', '    on: [INSERT]', '    when: "new.emial is not null"'));
    write('c-bad-cron.yaml', file('bad-cron', '  - cron: "99 99 * * *"'));
    write('d-first.yaml', file('twice', '  - http: {}'));
    write('e-second.yaml', file('twice', '  - http: {}'));
    write('f-good.yaml', file('good', '  - table: public.members', '    on: [INSERT]', '    when: "new.email is not null"'));
  });
  after(async () => {
    await engine?.stop();
    await db?.drop();
    rmSync(project, { recursive: true, force: true });
  });

  it('deploys no file with a problem, lists every problem with file, line and pointer, and installs nothing for them', async () => {
    const report = await engine.deployWorkflows();
    assert.deepEqual(report.deployed.map((d) => d.name), ['twice', 'good']);
    const problems = report.invalid.flatMap((i) => i.problems.map((p) => [i.file.split('/').pop(), p.code, p.pointer, p.line]));
    assert.deepEqual(problems, [
      ['a-missing-table.yaml', 'TRIGGER_INVALID', '/triggers/0/table', 3],
      ['b-bad-when.yaml', 'TRIGGER_INVALID', '/triggers/0/when', 5],
      ['c-bad-cron.yaml', 'TRIGGER_INVALID', '/triggers/0/cron', 3],
      ['e-second.yaml', 'WORKFLOW_NAME_DUPLICATE', '/name', 1],
    ]);
    const messages = report.invalid.flatMap((i) => i.problems.map((p) => p.message)).join('\n');
    assert.match(messages, /no table is named "public\.nowhere"/);
    assert.match(messages, /the condition "new\.emial is not null" on public\.members is not valid: .*emial/);
    assert.deepEqual((await listWorkflows(engine.deps)).map((w) => w.name).sort(), ['good', 'twice']);
    assert.deepEqual((await listTableTriggers(engine.deps)).map((t) => t.workflow), ['good']);
  });
});
