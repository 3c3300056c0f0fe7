import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatProblems, loadWorkflow, parsePath, parseIntrinsic, validateStateMachine, workflowNameFromFile } from './index.ts';

const resources = new Set(['send-templated-email', 'email:send', 'http:invoke']);
const isKnownResource = (name: string) => resources.has(name);

/** A table-change workflow in the shape of the seed example: a Map over the changes of one transaction. */
const tableChangeYaml = `name: email-users
triggers:
  - table: public.users
    on: [INSERT, UPDATE]
definition:
  Comment: Email every new user a day after signup
  StartAt: EmailUsers
  States:
    EmailUsers:
      Type: Map
      ItemsPath: $.changes
      MaxConcurrency: 10
      ItemProcessor:
        StartAt: CheckInsert
        States:
          CheckInsert:
            Type: Choice
            Choices:
              - Variable: $.type
                StringEquals: INSERT
                Next: WaitOneDay
            Default: Skip
          WaitOneDay:
            Type: Wait
            Seconds: 86400
            Next: SendEmail
          SendEmail:
            Type: Task
            Resource: send-templated-email
            Parameters:
              to.$: $.record.email
              template: welcome
            End: true
          Skip:
            Type: Succeed
      End: true
`;

describe('loadWorkflow', () => {
  it('loads a valid wrapper file with no problem', () => {
    const { workflow, problems } = loadWorkflow(tableChangeYaml, 'workflows/email-users.yaml', { isKnownResource });
    assert.deepEqual(problems, []);
    assert.equal(workflow?.name, 'email-users');
    assert.equal(workflow?.definitionPointer, '/definition');
    assert.equal(workflow?.definition.StartAt, 'EmailUsers');
  });

  it('reports an unknown resource at the line and column of the Resource field', () => {
    const text = tableChangeYaml.replace('Resource: send-templated-email', 'Resource: send-templated-mail');
    const { workflow, problems } = loadWorkflow(text, 'workflows/email-users.yaml', { isKnownResource });
    assert.equal(workflow, null);
    assert.deepEqual(problems.map((p) => [p.code, p.pointer, p.file, p.line, p.column]), [
      ['RESOURCE_UNKNOWN', '/definition/States/EmailUsers/ItemProcessor/States/SendEmail/Resource', 'workflows/email-users.yaml', 29, 13],
    ]);
  });

  it('locates problems in a JSON file', () => {
    const text = [
      '{',
      '  "StartAt": "First",',
      '  "States": {',
      '    "First": { "Type": "Pass", "Next": "Secnd" },',
      '    "Second": { "Type": "Wait", "Seconds": -3, "End": true }',
      '  }',
      '}',
    ].join('\n');
    const { problems } = loadWorkflow(text, 'flows/first.json');
    assert.deepEqual(problems.map((p) => [p.code, p.line, p.column]), [
      ['NEXT_TARGET_MISSING', 4, 32],
      ['STATE_UNREACHABLE', 5, 5],
      ['NUMBER_OUT_OF_RANGE', 5, 33],
    ]);
  });

  it('reports many problems of the wrapper and the definition at once, in reading order', () => {
    const text = `name: bad name
mode: sometimes
extra: 1
definition:
  StartAt: Missing
  States:
    A:
      Type: Task
      Next: B
    B:
      Type: Wait
      End: false
`;
    const { workflow, problems } = loadWorkflow(text, 'bad.yaml');
    assert.equal(workflow, null);
    assert.deepEqual(problems.map((p) => [p.line, p.code]), [
      [1, 'WORKFLOW_NAME_INVALID'],
      [2, 'ENUM_INVALID'],
      [3, 'FIELD_UNKNOWN'],
      [5, 'START_AT_UNKNOWN'],
      [7, 'FIELD_REQUIRED'],
      [10, 'FIELD_REQUIRED'],
      [12, 'END_INVALID'],
    ]);
  });

  it('reports syntax errors of the file', () => {
    const { workflow, problems } = loadWorkflow('definition:\n  StartAt: [A\n', 'broken.yaml');
    assert.equal(workflow, null);
    assert.equal(problems[0].code, 'SYNTAX_ERROR');
    assert.equal(problems[0].file, 'broken.yaml');
  });

  it('names a plain definition after its file', () => {
    const { workflow } = loadWorkflow('{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}', 'workflows/nightly-report.asl.json');
    assert.equal(workflow?.name, 'nightly-report');
  });
});

describe('workflowNameFromFile', () => {
  it('drops folders and the .json, .yaml, .yml and .asl extensions', () => {
    assert.equal(workflowNameFromFile('workflows/send.yaml'), 'send');
    assert.equal(workflowNameFromFile('C:\\flows\\send.yml'), 'send');
    assert.equal(workflowNameFromFile('send.asl.json'), 'send');
    assert.equal(workflowNameFromFile('send'), 'send');
  });
});

describe('formatProblems', () => {
  it('writes one line per problem: file:line:column, pointer, message and code', () => {
    const text = formatProblems([
      { code: 'NEXT_TARGET_MISSING', message: 'State "A": Next names "B", which does not exist.', pointer: '/States/A/Next', file: 'f.yaml', line: 4, column: 7 },
      { code: 'SYNTAX_ERROR', message: 'Bad.', pointer: '' },
    ]);
    assert.equal(
      text,
      'f.yaml:4:7  /States/A/Next  State "A": Next names "B", which does not exist.  [NEXT_TARGET_MISSING]\n<input>  /  Bad.  [SYNTAX_ERROR]',
    );
  });
});

describe('the public API of src/asl', () => {
  it('exports the path and intrinsic parsers and the validator', () => {
    assert.equal(parsePath('$.a').isReference, true);
    assert.equal(parseIntrinsic('States.UUID()').name, 'States.UUID');
    assert.deepEqual(validateStateMachine({ StartAt: 'A', States: { A: { Type: 'Succeed' } } }), []);
  });
});
