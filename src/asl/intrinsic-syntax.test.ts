import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  intrinsicArity,
  isIntrinsicExpression,
  IntrinsicSyntaxError,
  parseIntrinsic,
  type IntrinsicArg,
  type IntrinsicName,
} from './intrinsic-syntax.ts';

function literal(value: string | number | boolean | null): IntrinsicArg {
  return typeof value === 'string' ? { kind: 'literal', value, placeholders: [] } : { kind: 'literal', value };
}

function syntaxError(text: string): IntrinsicSyntaxError {
  try {
    parseIntrinsic(text);
  } catch (error) {
    assert.ok(error instanceof IntrinsicSyntaxError, `expected an IntrinsicSyntaxError, got ${String(error)}`);
    return error;
  }
  assert.fail(`expected ${text} to be rejected`);
}

describe('isIntrinsicExpression', () => {
  it('recognises a call that starts with States., a name and an opening parenthesis', () => {
    assert.equal(isIntrinsicExpression('States.Format(\'x\')'), true);
    assert.equal(isIntrinsicExpression('States.UUID()'), true);
  });

  it('allows whitespace around the call', () => {
    assert.equal(isIntrinsicExpression('  States.Array($.a)  '), true);
  });

  it('recognises calls to unknown functions so the validator can report them', () => {
    assert.equal(isIntrinsicExpression('States.Nope(1)'), true);
  });

  it('rejects paths, plain text and names without a parenthesis', () => {
    assert.equal(isIntrinsicExpression('$.States.Format'), false);
    assert.equal(isIntrinsicExpression('hello'), false);
    assert.equal(isIntrinsicExpression('States.Format'), false);
    assert.equal(isIntrinsicExpression('States.(1)'), false);
    assert.equal(isIntrinsicExpression('states.Format(1)'), false);
  });
});

describe('intrinsicArity', () => {
  it('lists all 18 functions of the specification', () => {
    assert.equal(Object.keys(intrinsicArity).length, 18);
  });

  it('marks States.Format and States.Array as variadic and States.UUID as taking nothing', () => {
    assert.deepEqual(intrinsicArity['States.Format'], { min: 1, max: Infinity });
    assert.deepEqual(intrinsicArity['States.Array'], { min: 0, max: Infinity });
    assert.deepEqual(intrinsicArity['States.UUID'], { min: 0, max: 0 });
    assert.deepEqual(intrinsicArity['States.MathRandom'], { min: 2, max: 3 });
  });
});

describe('parseIntrinsic', () => {
  it('parses a call with no arguments', () => {
    assert.deepEqual(parseIntrinsic('States.UUID()'), { name: 'States.UUID', args: [], offset: 0 });
  });

  it('parses string, number, boolean and null literals', () => {
    const call = parseIntrinsic("States.Array('a', 1, -2.5, 1e3, true, false, null)");
    assert.deepEqual(call.args, [
      literal('a'),
      literal(1),
      literal(-2.5),
      literal(1000),
      literal(true),
      literal(false),
      literal(null),
    ]);
  });

  it('parses an empty string literal', () => {
    assert.deepEqual(parseIntrinsic("States.Array('')").args, [literal('')]);
  });

  it('parses input, context and variable paths with parsePath', () => {
    const [a, b, c] = parseIntrinsic('States.Array($.a.b[0], $$.Execution.Id, $total.count)').args;
    assert.equal(a.kind === 'path' && a.path.source, '$.a.b[0]');
    assert.deepEqual(a.kind === 'path' && a.path.root, { kind: 'input' });
    assert.deepEqual(b.kind === 'path' && b.path.root, { kind: 'context' });
    assert.deepEqual(c.kind === 'path' && c.path.root, { kind: 'variable', name: 'total' });
  });

  it('parses the bare $ path', () => {
    const [arg] = parseIntrinsic('States.JsonToString($)').args;
    assert.equal(arg.kind === 'path' && arg.path.source, '$');
  });

  it('keeps commas and parentheses inside path brackets as part of the path', () => {
    const [a, b] = parseIntrinsic("States.Array($['x,y'], $.items[?(@.n > 1)])").args;
    assert.equal(a.kind === 'path' && a.path.source, "$['x,y']");
    assert.equal(b.kind === 'path' && b.path.source, '$.items[?(@.n > 1)]');
  });

  it('parses nested calls and records where each call starts', () => {
    const call = parseIntrinsic("States.Format('{}', States.ArrayGetItem(States.StringSplit($.arn, '/'), 2))");
    assert.equal(call.offset, 0);
    const inner = call.args[1];
    assert.ok(inner.kind === 'call');
    assert.equal(inner.call.name, 'States.ArrayGetItem');
    assert.equal(inner.call.offset, 20);
    const innermost = inner.call.args[0];
    assert.ok(innermost.kind === 'call');
    assert.equal(innermost.call.name, 'States.StringSplit');
    assert.equal(innermost.call.offset, 40);
  });

  it('accepts whitespace around the call, the arguments and the commas', () => {
    const call = parseIntrinsic("  States.Array(  1 ,'b'  ,  $.c  )  ");
    assert.equal(call.offset, 2);
    assert.equal(call.args.length, 3);
  });

  it('accepts the deepest nesting the guide allows: ten calls inside each other', () => {
    const text = 'States.Array('.repeat(10) + ')'.repeat(10);
    assert.equal(parseIntrinsic(text).name, 'States.Array');
  });

  it('parses every function of the specification', () => {
    const examples: Record<IntrinsicName, string> = {
      'States.Format': "States.Format('x')",
      'States.StringToJson': 'States.StringToJson($.s)',
      'States.JsonToString': 'States.JsonToString($.o)',
      'States.Array': 'States.Array()',
      'States.ArrayPartition': 'States.ArrayPartition($.a, 2)',
      'States.ArrayContains': 'States.ArrayContains($.a, 1)',
      'States.ArrayRange': 'States.ArrayRange(1, 9, 2)',
      'States.ArrayGetItem': 'States.ArrayGetItem($.a, 0)',
      'States.ArrayLength': 'States.ArrayLength($.a)',
      'States.ArrayUnique': 'States.ArrayUnique($.a)',
      'States.Base64Encode': "States.Base64Encode('x')",
      'States.Base64Decode': "States.Base64Decode('eA==')",
      'States.Hash': "States.Hash('x', 'MD5')",
      'States.JsonMerge': 'States.JsonMerge($.a, $.b, false)',
      'States.MathRandom': 'States.MathRandom(1, 10, 7)',
      'States.MathAdd': 'States.MathAdd(1, 2)',
      'States.StringSplit': "States.StringSplit('a,b', ',')",
      'States.UUID': 'States.UUID()',
    };
    for (const [name, text] of Object.entries(examples)) assert.equal(parseIntrinsic(text).name, name);
  });
});

describe('string literal escapes', () => {
  it("turns \\' \\{ \\} and \\\\ into the characters they stand for", () => {
    const [arg] = parseIntrinsic("States.Format('it\\'s \\{ \\} \\\\')").args;
    assert.equal(arg.kind === 'literal' && arg.value, "it's { } \\");
  });

  it('records where the unescaped {} placeholders are', () => {
    const [arg] = parseIntrinsic("States.Format('{} and {}', 1, 2)").args;
    assert.deepEqual(arg, { kind: 'literal', value: '{} and {}', placeholders: [0, 7] });
  });

  it('does not count an escaped brace pair as a placeholder', () => {
    const [arg] = parseIntrinsic("States.Format('\\{} {\\} {}', 1)").args;
    assert.deepEqual(arg, { kind: 'literal', value: '{} {} {}', placeholders: [6] });
  });

  it('keeps a lone unescaped brace as text', () => {
    const [arg] = parseIntrinsic("States.Format('{ x }')").args;
    assert.deepEqual(arg, { kind: 'literal', value: '{ x }', placeholders: [] });
  });

  it('keeps commas, parentheses and double quotes inside a string as text', () => {
    const [arg] = parseIntrinsic("States.Array('a, (b) \"c\"')").args;
    assert.equal(arg.kind === 'literal' && arg.value, 'a, (b) "c"');
  });

  it('rejects a backslash before any other character, as the guide calls an open escape an error', () => {
    const error = syntaxError("States.Format('a\\nb')");
    assert.equal(error.offset, 16);
    assert.match(error.message, /must be followed by/);
  });

  it('rejects a backslash at the very end of the text', () => {
    assert.equal(syntaxError("States.Format('a\\").offset, 16);
  });
});

describe('syntax errors', () => {
  it('reports an unknown function name at the start of the call', () => {
    const error = syntaxError('States.Array(States.Nope(1))');
    assert.equal(error.offset, 13);
    assert.match(error.message, /unknown intrinsic function "States\.Nope"/);
  });

  it('reports text that is not a call at all', () => {
    assert.equal(syntaxError('  $.a').offset, 2);
  });

  it('reports a missing function name after States.', () => {
    assert.equal(syntaxError('States.(1)').offset, 7);
  });

  it('reports a missing opening parenthesis', () => {
    const error = syntaxError('States.UUID');
    assert.equal(error.offset, 11);
    assert.match(error.message, /expected "\("/);
  });

  it('reports too few arguments for a fixed arity', () => {
    const error = syntaxError('States.ArrayGetItem($.a)');
    assert.equal(error.offset, 0);
    assert.match(error.message, /States\.ArrayGetItem takes exactly 2 arguments, got 1/);
  });

  it('reports too many arguments for a fixed arity', () => {
    assert.match(syntaxError('States.UUID(1)').message, /takes exactly 0 arguments, got 1/);
    assert.match(syntaxError('States.MathRandom(1, 2, 3, 4)').message, /takes 2 to 3 arguments, got 4/);
  });

  it('reports States.Format without its template', () => {
    assert.match(syntaxError('States.Format()').message, /at least 1 argument, got 0/);
  });

  it('reports the offset of the inner call when a nested call has the wrong arity', () => {
    assert.equal(syntaxError('States.Array(1, States.MathAdd(1))').offset, 16);
  });

  it('reports an unterminated string at its opening quote', () => {
    const error = syntaxError("States.Format('abc");
    assert.equal(error.offset, 14);
    assert.match(error.message, /unterminated string/);
  });

  it('reports a missing comma between arguments', () => {
    const error = syntaxError("States.Array('a' 'b')");
    assert.equal(error.offset, 17);
    assert.match(error.message, /expected "," or "\)"/);
  });

  it('reports a missing closing parenthesis', () => {
    const error = syntaxError("States.Array('a'");
    assert.equal(error.offset, 16);
    assert.match(error.message, /found the end of the text/);
  });

  it('reports trailing characters after the call', () => {
    const error = syntaxError('States.UUID() x');
    assert.equal(error.offset, 14);
    assert.match(error.message, /after the closing/);
  });

  it('reports a trailing comma as a missing argument', () => {
    assert.equal(syntaxError('States.Array(1,)').offset, 15);
  });

  it('reports a leading comma as a missing argument', () => {
    assert.equal(syntaxError('States.Array(,1)').offset, 13);
  });

  it('reports unknown bare words and double-quoted strings', () => {
    assert.match(syntaxError('States.Array(yes)').message, /unexpected "yes" at offset 13/);
    assert.equal(syntaxError('States.Array("a")').offset, 13);
  });

  it('reports characters glued to a literal', () => {
    assert.equal(syntaxError('States.Array(12ab)').offset, 15);
    assert.equal(syntaxError("States.Array('a'b)").offset, 16);
    assert.equal(syntaxError('States.Array(truex)').offset, 13);
  });

  it('reports a bad path argument at the offset within the whole text', () => {
    const error = syntaxError('States.Array($.a..)');
    assert.equal(error.offset, 18);
    assert.match(error.message, /invalid path argument "\$\.a\.\." starting at offset 13/);
  });

  it('reports an unclosed path bracket', () => {
    assert.match(syntaxError('States.Array($.a[0)').message, /never closed/);
  });

  it('rejects more than ten nested calls', () => {
    const text = 'States.Array('.repeat(11) + ')'.repeat(11);
    const error = syntaxError(text);
    assert.equal(error.offset, 13 * 10);
    assert.match(error.message, /at most 10 deep/);
  });

  it('is an Error with the name IntrinsicSyntaxError', () => {
    const error = syntaxError('nope');
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'IntrinsicSyntaxError');
  });
});
