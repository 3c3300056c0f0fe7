import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseSource, pointerTokens } from './source.ts';

const yaml = `StartAt: Send
States:
  Send:
    Type: Task
    Resource: email:send
    Next: "Wait a/b~c"
  "Wait a/b~c":
    Type: Wait
    Seconds: 60
    End: true
  List:
    - first
    - { inner: 2 }
`;

const json = `{
  "StartAt": "Send",
  "States": {
    "Send": {"Type": "Task", "Resource": "email:send", "End": true}
  }
}`;

describe('parseSource', () => {
  it('reads YAML into JSON values', () => {
    const source = parseSource(yaml, 'flow.yaml');
    assert.deepEqual(source.problems, []);
    assert.equal(source.file, 'flow.yaml');
    assert.deepEqual((source.value as { States: { Send: unknown } }).States.Send, {
      Type: 'Task', Resource: 'email:send', Next: 'Wait a/b~c',
    });
  });

  it('reads JSON with the same parser', () => {
    const source = parseSource(json);
    assert.deepEqual(source.problems, []);
    assert.equal((source.value as { StartAt: string }).StartAt, 'Send');
  });

  it('locates YAML nodes by pointer at the line and column of their key', () => {
    const { locate } = parseSource(yaml);
    assert.deepEqual(locate(''), { line: 1, column: 1 });
    assert.deepEqual(locate('/States/Send/Next'), { line: 6, column: 5 });
    assert.deepEqual(locate('/States/Wait a~1b~0c/Seconds'), { line: 9, column: 5 });
    assert.deepEqual(locate('/States/List/1/inner'), { line: 13, column: 9 });
  });

  it('locates JSON nodes by pointer', () => {
    const { locate } = parseSource(json);
    assert.deepEqual(locate('/States'), { line: 3, column: 3 });
    assert.deepEqual(locate('/States/Send/Resource'), { line: 4, column: 30 });
  });

  it('locates a missing child at its nearest existing parent', () => {
    const { locate } = parseSource(yaml);
    assert.deepEqual(locate('/States/Send/Retry/0'), locate('/States/Send'));
    assert.deepEqual(locate('/States/List/7'), locate('/States/List'));
  });

  it('reports a YAML syntax error with its line and column and no value', () => {
    const source = parseSource('StartAt: A\nStates: [1, 2\n', 'bad.yaml');
    assert.equal(source.value, undefined);
    assert.equal(source.problems.length > 0, true);
    assert.equal(source.problems[0].code, 'SYNTAX_ERROR');
    assert.equal(source.problems[0].file, 'bad.yaml');
    assert.equal(typeof source.problems[0].line, 'number');
  });

  it('reports a JSON syntax error at its position', () => {
    const source = parseSource('{\n  "a": 1,,\n}');
    assert.equal(source.problems[0].code, 'SYNTAX_ERROR');
    assert.deepEqual([source.problems[0].line, source.problems[0].column], [2, 10]);
  });

  it('reports duplicate keys with their position and pointer, in YAML and JSON', () => {
    const fromYaml = parseSource('States:\n  A: 1\n  A: 2\n');
    assert.deepEqual(fromYaml.problems.map((p) => [p.code, p.pointer, p.line, p.column]), [['DUPLICATE_KEY', '/States/A', 3, 3]]);
    assert.match(fromYaml.problems[0].message, /"A" appears more than once/);
    const fromJson = parseSource('{"a": {"b": 1, "b": 2}}');
    assert.deepEqual(fromJson.problems.map((p) => [p.code, p.pointer, p.line, p.column]), [['DUPLICATE_KEY', '/a/b', 1, 16]]);
  });

  it('reports a document holding several YAML documents', () => {
    assert.equal(parseSource('a: 1\n---\nb: 2\n').problems[0].code, 'SYNTAX_ERROR');
  });

  it('reports an alias to an anchor that does not exist', () => {
    const source = parseSource('a: *nowhere\n');
    assert.deepEqual(source.problems.map((p) => p.code), ['SYNTAX_ERROR']);
  });

  it('reads an empty document as null', () => {
    assert.equal(parseSource('').value, null);
  });
});

describe('pointerTokens', () => {
  it('unescapes ~1 to "/" and ~0 to "~"', () => {
    assert.deepEqual(pointerTokens('/a~1b/c~0d/~01'), ['a/b', 'c~d', '~1']);
    assert.deepEqual(pointerTokens(''), []);
  });
});
