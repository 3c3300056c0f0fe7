import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSource } from './source.ts';
import { readWorkflow } from './workflow-file.ts';

const definition = { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } };

function read(document: unknown, fallbackName = 'from-file') {
  return readWorkflow(parseSource(JSON.stringify(document, null, 2), 'wf.json'), fallbackName);
}

function codesAt(result: ReturnType<typeof read>, pointer: string): string[] {
  return result.problems.filter((p) => p.pointer === pointer).map((p) => p.code);
}

describe('plain ASL files', () => {
  it('take their name from the file and every default', () => {
    const { workflow, problems } = read(definition, 'send-invoice');
    assert.deepEqual(problems, []);
    assert.deepEqual(workflow, {
      name: 'send-invoice',
      mode: 'persistent',
      parameters: null,
      auth: 'key',
      ignorePrivacyRules: false,
      triggers: [],
      description: null,
      flow: null,
      definition,
      definitionPointer: '',
    });
  });

  it('report definition problems with pointers from the top of the file', () => {
    const result = read({ StartAt: 'A', States: { A: { Type: 'Pass' } } });
    assert.equal(result.workflow, null);
    assert.deepEqual(result.problems.map((p) => p.pointer), ['/States/A']);
  });

  it('report a file name that is not a valid workflow name', () => {
    assert.deepEqual(codesAt(read(definition, 'my workflow'), ''), ['WORKFLOW_NAME_INVALID']);
  });

  it('accept any file name when run once, not deployed (nightshift execute)', () => {
    const { workflow, problems } = readWorkflow(parseSource(JSON.stringify(definition), 'order.v2.json'), 'order.v2', { anyFileName: true });
    assert.deepEqual([workflow?.name, problems], ['order.v2', []]);
  });

  it('take their settings from elsewhere (nightshift.yaml workflows:), checked as the wrapper fields are', () => {
    const triggers = [{ table: 'public.users', on: ['INSERT'] }];
    const source = parseSource(JSON.stringify(definition), 'wf.json');
    const { workflow } = readWorkflow(source, 'email-users', { settings: { triggers, ignorePrivacyRules: true } });
    assert.deepEqual([workflow?.triggers, workflow?.ignorePrivacyRules], [triggers, true]);
    const bad = readWorkflow(source, 'email-users', { settings: { mode: 'sometimes', name: 'other' }, settingsFrom: 'nightshift.yaml workflows.email-users' });
    assert.equal(bad.workflow, null);
    assert.deepEqual(bad.problems.map((p) => p.code), ['SETTING_INVALID', 'SETTING_INVALID']);
    assert.ok(bad.problems.every((p) => p.message.startsWith('nightshift.yaml workflows.email-users: ')));
    const wrapped = readWorkflow(parseSource(JSON.stringify({ name: 'w', definition }), 'w.json'), 'w', { settings: { triggers } });
    assert.deepEqual(wrapped.problems.map((p) => p.code), ['SETTING_INVALID']);
  });
});

describe('the wrapper form', () => {
  it('reads every field', () => {
    const document = {
      name: 'welcome-email',
      mode: 'transient',
      parameters: { type: 'object', required: ['user_id'], properties: { user_id: { type: 'integer' } } },
      auth: 'jwt',
      ignorePrivacyRules: true,
      triggers: [{ http: {} }, { cron: '0 9 * * MON', timezone: 'Europe/Paris' }],
      description: 'Says hello',
      flow: { concurrency: { limit: 1, key: '$.user_id' }, priority: 3 },
      definition,
    };
    const { workflow, problems } = read(document);
    assert.deepEqual(problems, []);
    assert.deepEqual(workflow, { ...document, definitionPointer: '/definition' });
  });

  it('defaults the name to the file name and the rest as documented', () => {
    const { workflow } = read({ definition }, 'nightly');
    assert.equal(workflow?.name, 'nightly');
    assert.equal(workflow?.mode, 'persistent');
    assert.equal(workflow?.auth, 'key');
    assert.equal(workflow?.ignorePrivacyRules, false);
    assert.deepEqual(workflow?.triggers, []);
  });

  it('validates the definition with pointers under /definition', () => {
    const result = read({ name: 'x', definition: { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' } } } });
    assert.deepEqual(codesAt(result, '/definition/States/A/Next'), ['NEXT_TARGET_MISSING']);
  });

  it('requires definition to be a state machine object', () => {
    assert.deepEqual(codesAt(read({ name: 'x' }), '/definition'), ['FIELD_REQUIRED']);
    assert.deepEqual(codesAt(read({ name: 'x', definition: 'file.json' }), '/definition'), ['FIELD_TYPE']);
  });

  it('checks the name pattern', () => {
    for (const name of ['welcome-email', 'Send_Invoice2', '7days', 'a'.repeat(80)]) {
      assert.deepEqual(read({ name, definition }).problems, [], name);
    }
    for (const name of ['-leading', 'has space', 'dot.name', 'a'.repeat(81), '']) {
      assert.deepEqual(codesAt(read({ name, definition }), '/name'), ['WORKFLOW_NAME_INVALID'], name);
    }
    assert.deepEqual(codesAt(read({ name: 5, definition }), '/name'), ['FIELD_TYPE']);
  });

  it('checks mode, auth, ignorePrivacyRules and description', () => {
    const result = read({ mode: 'durable', auth: 'basic', ignorePrivacyRules: 'yes', description: 3, definition });
    assert.deepEqual(codesAt(result, '/mode'), ['ENUM_INVALID']);
    assert.deepEqual(codesAt(result, '/auth'), ['ENUM_INVALID']);
    assert.deepEqual(codesAt(result, '/ignorePrivacyRules'), ['FIELD_TYPE']);
    assert.deepEqual(codesAt(result, '/description'), ['FIELD_TYPE']);
  });

  it('keeps triggers raw but requires an array of objects', () => {
    const { workflow } = read({ triggers: [{ table: 'public.users', on: ['INSERT'], anything: [1] }], definition });
    assert.deepEqual(workflow?.triggers, [{ table: 'public.users', on: ['INSERT'], anything: [1] }]);
    assert.deepEqual(codesAt(read({ triggers: {}, definition }), '/triggers'), ['FIELD_TYPE']);
    assert.deepEqual(codesAt(read({ triggers: ['cron'], definition }), '/triggers/0'), ['FIELD_TYPE']);
  });

  it('reports a parameters schema that does not compile, at the offending keyword', () => {
    const result = read({ parameters: { type: 'object', properties: { id: { type: 'integr' } } }, definition });
    assert.deepEqual(codesAt(result, '/parameters/properties/id/type'), ['PARAMETERS_SCHEMA_INVALID']);
  });

  it('reports a misspelt schema keyword and a parameters value that is not an object', () => {
    assert.deepEqual(codesAt(read({ parameters: { type: 'object', requird: ['id'] }, definition }), '/parameters'), ['PARAMETERS_SCHEMA_INVALID']);
    assert.deepEqual(codesAt(read({ parameters: 'object', definition }), '/parameters'), ['FIELD_TYPE']);
  });

  it('accepts OpenAPI\'s "example" annotation in the parameters schema', () => {
    assert.deepEqual(read({ parameters: { type: 'string', example: 'ada@example.com' }, definition }).problems, []);
  });

  it('reads the schema in the draft its $schema names (2020-12 knows prefixItems, draft-07 does not)', () => {
    const schema = { type: 'array', prefixItems: [{ type: 'string' }] };
    const draft2020 = { $schema: 'https://json-schema.org/draft/2020-12/schema', ...schema };
    assert.deepEqual(read({ parameters: draft2020, definition }).problems, []);
    assert.deepEqual(codesAt(read({ parameters: schema, definition }), '/parameters'), ['PARAMETERS_SCHEMA_INVALID']);
  });

  it('reports unknown top-level fields with a suggestion', () => {
    const result = read({ triger: [], definition });
    assert.deepEqual(codesAt(result, '/triger'), ['FIELD_UNKNOWN']);
    assert.match(result.problems[0].message, /Did you mean "triggers"\?/);
  });
});

describe('readWorkflow', () => {
  it('reports a document that is not an object', () => {
    assert.deepEqual(read([definition]).problems.map((p) => p.code), ['DOCUMENT_NOT_OBJECT']);
  });

  it('passes on the syntax errors of the source, with no workflow', () => {
    const result = readWorkflow(parseSource('{"StartAt": ', 'broken.json'), 'broken');
    assert.equal(result.workflow, null);
    assert.equal(result.problems[0].code, 'SYNTAX_ERROR');
  });

  it('gives every problem the file, line and column of its pointer', () => {
    const text = '{\n  "StartAt": "A",\n  "States": {\n    "A": {"Type": "Pass", "Next": "B"}\n  }\n}';
    const { problems } = readWorkflow(parseSource(text, 'flow.json'), 'flow');
    assert.deepEqual(problems.map((p) => [p.file, p.line, p.column, p.pointer]), [['flow.json', 4, 27, '/States/A/Next']]);
  });
});

describe('fields named like members of every JavaScript object', () => {
  it('are unknown fields of a wrapper, of its settings and of its flow, never checks found on the prototype', async () => {
    const { loadWorkflow } = await import('./index.ts');
    const definition = { StartAt: 'A', States: { A: { Type: 'Succeed' } } };
    for (const field of ['toString', 'constructor', 'hasOwnProperty', 'valueOf']) {
      const wrapper = loadWorkflow(JSON.stringify({ name: 'w', definition, [field]: null }), 'w.json');
      assert.deepEqual(wrapper.problems.map((p) => [p.code, p.pointer]), [['FIELD_UNKNOWN', `/${field}`]], field);
      const flow = loadWorkflow(JSON.stringify({ name: 'w', definition, flow: { [field]: 1 } }), 'w.json');
      assert.deepEqual(flow.problems.map((p) => [p.code, p.pointer]), [['FIELD_UNKNOWN', `/flow/${field}`]], `flow.${field}`);
    }
  });
});
