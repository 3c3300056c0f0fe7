import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseIntrinsic } from '../../asl/index.ts';
import type { ParsedPath } from '../../asl/index.ts';
import type { Json } from '../../shared/index.ts';
import { StatesError } from '../failure.ts';
import { evaluateIntrinsic, seededRandom, uuidFromRandom, type HashAlgorithm, type IntrinsicEnv } from './index.ts';

const nodeHashNames: Record<HashAlgorithm, string> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

function digest(algorithm: HashAlgorithm, data: string): string {
  return createHash(nodeHashNames[algorithm]).update(data, 'utf8').digest('hex');
}

/** Follows reference paths (names and indexes) through the input, `$$` and variables, as the core would. */
function resolveIn(input: Json, context: Json, variables: Record<string, Json>) {
  return (path: ParsedPath): Json => {
    const roots = { input, context, variable: path.root.kind === 'variable' ? variables[path.root.name] : null };
    let node: Json | undefined = roots[path.root.kind];
    for (const segment of path.segments) {
      const key = segment.kind === 'member' ? segment.name : segment.kind === 'index' ? segment.index : null;
      const next: Json | undefined =
        node !== null && typeof node === 'object' && key !== null ? (node as Record<string, Json>)[key] : undefined;
      if (next === undefined) throw new StatesError('States.ParameterPathFailure', `${path.source} matched nothing`);
      node = next;
    }
    return node as Json;
  };
}

function environment(input: Json = {}, overrides: Partial<IntrinsicEnv> = {}): IntrinsicEnv {
  return {
    resolvePath: resolveIn(input, { Execution: { Id: 'exec-1' } }, { counter: { value: 41 } }),
    random: () => 0.5,
    hash: digest,
    ...overrides,
  };
}

function run(text: string, input: Json = {}, overrides: Partial<IntrinsicEnv> = {}): Json {
  return evaluateIntrinsic(parseIntrinsic(text), environment(input, overrides));
}

/** Asserts an IntrinsicFailure whose cause names the function and matches `cause`. */
function fails(text: string, input: Json, cause: RegExp): void {
  const name = /^\s*(States\.\w+)/.exec(text)?.[1] ?? '';
  assert.throws(
    () => run(text, input),
    (error: unknown) => {
      assert.ok(error instanceof StatesError, `expected a StatesError, got ${String(error)}`);
      assert.equal(error.error, 'States.IntrinsicFailure');
      assert.ok(error.causeText?.startsWith(`${name}: `), `cause should name ${name}: ${error.causeText}`);
      assert.match(error.causeText ?? '', cause);
      return true;
    },
  );
}

describe('evaluateIntrinsic', () => {
  it('passes literal arguments through as values', () => {
    assert.deepEqual(run("States.Array('a', 1, -2.5, true, null)"), ['a', 1, -2.5, true, null]);
  });

  it('reads path arguments from the input, the context object and variables', () => {
    assert.deepEqual(run('States.Array($.a.b[1], $$.Execution.Id, $counter.value)', { a: { b: [0, 'x'] } }), [
      'x',
      'exec-1',
      41,
    ]);
  });

  it('evaluates nested calls inner-first', () => {
    assert.equal(run('States.MathAdd(States.ArrayLength(States.Array(1, 2, 3)), 10)'), 13);
  });

  it('evaluates the nine nested calls of the guide example, with its template cut to the two values given', () => {
    // The guide writes '{}.{}.{}' but passes two values, which its own rule for States.Format rejects.
    const text =
      "States.Format('{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))";
    const input = { ImageRecipe: { Arn: 'arn:aws:imagebuilder:us-east-1:123:image-recipe/my-recipe/1.0.0' } };
    assert.equal(run(text, input), '1.0');
  });

  it('lets an error thrown by resolvePath propagate unchanged', () => {
    assert.throws(
      () => run('States.Array($.missing)'),
      (error: unknown) => error instanceof StatesError && error.error === 'States.ParameterPathFailure',
    );
  });
});

describe('States.Format', () => {
  it('fills the placeholders of a literal template, as in the guide', () => {
    assert.equal(run("States.Format('Hello, my name is {}.', $.name)", { name: 'Arnav' }), 'Hello, my name is Arnav.');
  });

  it('reads the template from a path, as in the guide', () => {
    const input = { name: 'Arnav', template: 'Hello, my name is {}.' };
    assert.equal(run('States.Format($.template, $.name)', input), 'Hello, my name is Arnav.');
  });

  it('fills several placeholders in order', () => {
    assert.equal(run("States.Format('{}-{}-{}', 'a', 'b', 'c')"), 'a-b-c');
  });

  it('returns a template without placeholders unchanged', () => {
    assert.equal(run("States.Format('plain')"), 'plain');
  });

  it('inserts strings raw and numbers, booleans and null as JSON', () => {
    assert.equal(run("States.Format('{}|{}|{}|{}|{}', 'text', 42, 1.5, false, null)"), 'text|42|1.5|false|null');
  });

  it('refuses objects and arrays as values with States.IntrinsicFailure', () => {
    const input = { o: { a: 1 }, l: [1, 'x'] };
    assert.throws(() => run("States.Format('{}', $.o)", input), { error: 'States.IntrinsicFailure' });
    assert.throws(() => run("States.Format('{}', $.l)", input), { error: 'States.IntrinsicFailure' });
  });

  it('leaves escaped braces in a literal template as text', () => {
    assert.equal(run("States.Format('\\{} {} \\{\\}', 'x')"), '{} x {}');
  });

  it('treats every {} in a template read from a path as a placeholder', () => {
    assert.equal(run('States.Format($.t, 1, 2)', { t: '{}{}' }), '12');
  });

  it('accepts a template produced by a nested call', () => {
    assert.equal(run("States.Format(States.Format('\\{}+{}', '\\{}'), 1, 2)"), '1+2');
  });

  it('does not re-read placeholders inside inserted values', () => {
    assert.equal(run("States.Format('{} {}', '{}', 'b')"), '{} b');
  });

  it('fails when there are fewer values than placeholders', () => {
    fails("States.Format('{} and {}', 'a')", {}, /2 \{\} placeholder\(s\) but 1 value\(s\)/);
  });

  it('fails when there are more values than placeholders', () => {
    fails("States.Format('{}', 'a', 'b')", {}, /1 \{\} placeholder\(s\) but 2 value\(s\)/);
  });

  it('fails when the template is not a string', () => {
    fails('States.Format($.t)', { t: 5 }, /first argument must be a string, got a number/);
  });
});

describe('States.StringToJson', () => {
  it('parses an escaped JSON string, as in the guide', () => {
    assert.deepEqual(run('States.StringToJson($.s)', { s: '{"foo": "bar"}' }), { foo: 'bar' });
  });

  it('parses numbers, arrays and null', () => {
    assert.equal(run("States.StringToJson('12')"), 12);
    assert.deepEqual(run("States.StringToJson('[1,\"a\"]')"), [1, 'a']);
    assert.equal(run("States.StringToJson('null')"), null);
  });

  it('fails on text that is not JSON', () => {
    fails("States.StringToJson('{oops')", {}, /not valid JSON/);
    fails("States.StringToJson('')", {}, /not valid JSON/);
  });

  it('fails when the argument is not a string', () => {
    fails('States.StringToJson($.o)', { o: {} }, /must be a string, got an object/);
  });
});

describe('States.JsonToString', () => {
  it('serializes an object as compact JSON text', () => {
    assert.equal(run('States.JsonToString($.o)', { o: { foo: 'bar', n: [1, 2] } }), '{"foo":"bar","n":[1,2]}');
  });

  it('serializes strings, numbers and null as JSON too', () => {
    assert.equal(run('States.JsonToString($.s)', { s: 'a"b' }), '"a\\"b"');
    assert.equal(run('States.JsonToString($.n)', { n: 3 }), '3');
    assert.equal(run('States.JsonToString($.z)', { z: null }), 'null');
  });

  it('round-trips with States.StringToJson', () => {
    const o = { a: [1, { b: null }], c: 'ü' };
    assert.deepEqual(run('States.StringToJson(States.JsonToString($.o))', { o }), o);
  });
});

describe('States.JsonMerge', () => {
  const input = { json1: { a: { a1: 1, a2: 2 }, b: 2 }, json2: { a: { a3: 1, a4: 2 }, c: 3 } };

  it('merges shallowly with the second object winning, as in the guide', () => {
    assert.deepEqual(run('States.JsonMerge($.json1, $.json2, false)', input), { a: { a3: 1, a4: 2 }, b: 2, c: 3 });
  });

  it('leaves its inputs untouched', () => {
    run('States.JsonMerge($.json1, $.json2, false)', input);
    assert.deepEqual(input.json1, { a: { a1: 1, a2: 2 }, b: 2 });
  });

  it('keeps a "__proto__" key as an ordinary key', () => {
    const merged = run('States.JsonMerge($.x, $.y, false)', JSON.parse('{"x":{"__proto__":{"p":1}},"y":{"q":2}}'));
    assert.deepEqual(Object.keys(merged as object), ['__proto__', 'q']);
    assert.equal(Object.getPrototypeOf(merged), Object.prototype);
  });

  it('fails when deep merging is asked for', () => {
    fails('States.JsonMerge($.json1, $.json2, true)', input, /deep merging/);
  });

  it('fails when the flag is not a boolean', () => {
    fails("States.JsonMerge($.json1, $.json2, 'false')", input, /third argument must be a boolean, got a string/);
  });

  it('fails when either value is not an object', () => {
    fails('States.JsonMerge($.l, $.json2, false)', { ...input, l: [1] }, /first argument must be an object, got an array/);
    fails('States.JsonMerge($.json1, $.n, false)', { ...input, n: null }, /second argument must be an object, got null/);
  });
});

describe('States.Array', () => {
  it('returns an empty array without arguments', () => {
    assert.deepEqual(run('States.Array()'), []);
  });

  it('wraps a path value, as in the guide', () => {
    assert.deepEqual(run('States.Array($.Id)', { Id: 123456 }), [123456]);
  });

  it('keeps arrays and objects as single items', () => {
    assert.deepEqual(run('States.Array($.l, $.o)', { l: [1, 2], o: { a: 1 } }), [[1, 2], { a: 1 }]);
  });
});

describe('States.ArrayPartition', () => {
  const inputArray = [1, 2, 3, 4, 5, 6, 7, 8, 9];

  it('cuts an array into chunks with a shorter last chunk, as in the guide', () => {
    assert.deepEqual(run('States.ArrayPartition($.inputArray,4)', { inputArray }), [[1, 2, 3, 4], [5, 6, 7, 8], [9]]);
  });

  it('gives equal chunks when the size divides the length, and one chunk when it exceeds it', () => {
    assert.deepEqual(run('States.ArrayPartition($.a, 3)', { a: [1, 2, 3, 4, 5, 6] }), [[1, 2, 3], [4, 5, 6]]);
    assert.deepEqual(run('States.ArrayPartition($.a, 10)', { a: [1, 2] }), [[1, 2]]);
  });

  it('gives no chunks for an empty array', () => {
    assert.deepEqual(run('States.ArrayPartition($.a, 2)', { a: [] }), []);
  });

  it('rounds a non-integer chunk size to the nearest integer', () => {
    assert.deepEqual(run('States.ArrayPartition($.a, 1.6)', { a: [1, 2, 3] }), [[1, 2], [3]]);
  });

  it('fails when the chunk size is zero, negative or rounds to zero', () => {
    fails('States.ArrayPartition($.a, 0)', { a: [1] }, /chunk size must be a positive integer, got 0/);
    fails('States.ArrayPartition($.a, -2)', { a: [1] }, /positive integer/);
    fails('States.ArrayPartition($.a, 0.4)', { a: [1] }, /positive integer, got 0\.4/);
  });

  it('fails when the chunk size is not a number', () => {
    fails("States.ArrayPartition($.a, '2')", { a: [1] }, /second argument must be a number, got a string/);
  });

  it('fails when the first argument is not an array', () => {
    fails("States.ArrayPartition('abc', 2)", {}, /first argument must be an array, got a string/);
  });

  it('fails when the input array exceeds the 256 KiB payload limit', () => {
    fails('States.ArrayPartition($.a, 2)', { a: ['x'.repeat(262144)] }, /payload limit is 262144/);
  });
});

describe('States.ArrayContains', () => {
  it('finds a value in an array, as in the guide', () => {
    const input = { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], lookingFor: 5 };
    assert.equal(run('States.ArrayContains($.inputArray, $.lookingFor)', input), true);
  });

  it('returns false when the value is absent or differs in type', () => {
    assert.equal(run('States.ArrayContains($.a, 4)', { a: [1, 2] }), false);
    assert.equal(run("States.ArrayContains($.a, '1')", { a: [1, 2] }), false);
  });

  it('compares objects and arrays deeply, ignoring key order', () => {
    const input = { a: [{ x: 1, y: [1, { z: 2 }] }], v: { y: [1, { z: 2 }], x: 1 } };
    assert.equal(run('States.ArrayContains($.a, $.v)', input), true);
    assert.equal(run('States.ArrayContains($.a, $.w)', { ...input, w: { x: 1 } }), false);
  });

  it('finds null', () => {
    assert.equal(run('States.ArrayContains($.a, null)', { a: [0, null] }), true);
  });

  it('fails when the first argument is not an array', () => {
    fails('States.ArrayContains($.o, 1)', { o: { a: 1 } }, /first argument must be an array, got an object/);
  });

  it('fails when the input array exceeds the 256 KiB payload limit', () => {
    fails('States.ArrayContains($.a, 1)', { a: ['x'.repeat(262144)] }, /payload limit/);
  });
});

describe('States.ArrayRange', () => {
  it('counts from start to end by step, inclusive of end, as in the guide', () => {
    assert.deepEqual(run('States.ArrayRange(1, 9, 2)'), [1, 3, 5, 7, 9]);
  });

  it('stops before end when the step does not land on it', () => {
    assert.deepEqual(run('States.ArrayRange(1, 10, 4)'), [1, 5, 9]);
  });

  it('counts down with a negative step', () => {
    assert.deepEqual(run('States.ArrayRange(9, 1, -3)'), [9, 6, 3]);
  });

  it('gives a single item when start equals end', () => {
    assert.deepEqual(run('States.ArrayRange(4, 4, 1)'), [4]);
  });

  it('gives an empty array when the step points away from end', () => {
    assert.deepEqual(run('States.ArrayRange(5, 1, 1)'), []);
  });

  it('rounds non-integer arguments to the nearest integer', () => {
    assert.deepEqual(run('States.ArrayRange(0.6, 3.4, 1.2)'), [1, 2, 3]);
  });

  it('takes its arguments from paths', () => {
    assert.deepEqual(run('States.ArrayRange($.from, $.to, 1)', { from: -1, to: 1 }), [-1, 0, 1]);
  });

  it('allows exactly 1000 items', () => {
    assert.equal((run('States.ArrayRange(1, 1000, 1)') as Json[]).length, 1000);
  });

  it('fails when the range would hold more than 1000 items', () => {
    fails('States.ArrayRange(1, 1001, 1)', {}, /1001 items; at most 1000/);
    fails('States.ArrayRange(0, 1000000000, 1)', {}, /at most 1000/);
  });

  it('fails when the step is zero', () => {
    fails('States.ArrayRange(1, 9, 0)', {}, /step \(third argument\) must not be zero/);
  });

  it('fails when an argument is not a number', () => {
    fails("States.ArrayRange('1', 9, 1)", {}, /first argument must be a number, got a string/);
  });
});

describe('States.ArrayGetItem', () => {
  it('returns the item at an index, as in the guide', () => {
    const input = { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], index: 5 };
    assert.equal(run('States.ArrayGetItem($.inputArray, $.index)', input), 6);
  });

  it('returns objects and the first item', () => {
    assert.deepEqual(run('States.ArrayGetItem($.a, 0)', { a: [{ k: 1 }] }), { k: 1 });
  });

  it('fails when the index is past the end or negative', () => {
    fails('States.ArrayGetItem($.a, 3)', { a: [1, 2, 3] }, /index 3 is out of range for an array of 3 item\(s\)/);
    fails('States.ArrayGetItem($.a, -1)', { a: [1] }, /index -1 is out of range/);
  });

  it('fails when the index is not an integer', () => {
    fails('States.ArrayGetItem($.a, 1.5)', { a: [1, 2] }, /second argument must be an integer, got a number/);
    fails("States.ArrayGetItem($.a, '1')", { a: [1, 2] }, /must be an integer, got a string/);
  });

  it('fails when the first argument is not an array', () => {
    fails('States.ArrayGetItem($.s, 0)', { s: 'abc' }, /first argument must be an array, got a string/);
  });
});

describe('States.ArrayLength', () => {
  it('returns the number of items, as in the guide', () => {
    assert.equal(run('States.ArrayLength($.inputArray)', { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] }), 9);
  });

  it('returns 0 for an empty array', () => {
    assert.equal(run('States.ArrayLength(States.Array())'), 0);
  });

  it('fails when the argument is not an array', () => {
    fails('States.ArrayLength($.s)', { s: 'abc' }, /must be an array, got a string/);
  });
});

describe('States.ArrayUnique', () => {
  it('removes duplicates, as in the guide', () => {
    assert.deepEqual(run('States.ArrayUnique($.inputArray)', { inputArray: [1, 2, 3, 3, 3, 3, 3, 3, 4] }), [1, 2, 3, 4]);
  });

  it('keeps the first occurrence of each value in the original order', () => {
    assert.deepEqual(run('States.ArrayUnique($.a)', { a: ['b', 'a', 'b', 'c', 'a'] }), ['b', 'a', 'c']);
  });

  it('compares objects deeply, ignoring key order', () => {
    const a: Json[] = [{ x: 1, y: 2 }, { y: 2, x: 1 }, { x: 1 }, [1, 2], [2, 1], [1, 2]];
    assert.deepEqual(run('States.ArrayUnique($.a)', { a }), [{ x: 1, y: 2 }, { x: 1 }, [1, 2], [2, 1]]);
  });

  it('tells values of different types apart', () => {
    assert.deepEqual(run('States.ArrayUnique($.a)', { a: [1, '1', true, 'true', null, 'null'] }), [
      1,
      '1',
      true,
      'true',
      null,
      'null',
    ]);
  });

  it('fails when the argument is not an array', () => {
    fails('States.ArrayUnique($.n)', { n: 1 }, /must be an array, got a number/);
  });
});

describe('States.Base64Encode', () => {
  it('encodes a string, as in the guide', () => {
    assert.equal(run('States.Base64Encode($.input)', { input: 'Data to encode' }), 'RGF0YSB0byBlbmNvZGU=');
  });

  it('encodes the UTF-8 bytes of text outside ASCII', () => {
    const text = 'héllo ✓ 😀';
    assert.equal(run('States.Base64Encode($.t)', { t: text }), Buffer.from(text, 'utf8').toString('base64'));
  });

  it('encodes the empty string as the empty string', () => {
    assert.equal(run("States.Base64Encode('')"), '');
  });

  it('accepts exactly 10,000 characters', () => {
    const t = 'ab'.repeat(5000);
    assert.equal(run('States.Base64Encode($.t)', { t }), Buffer.from(t).toString('base64'));
  });

  it('fails above 10,000 characters', () => {
    fails('States.Base64Encode($.t)', { t: 'a'.repeat(10001) }, /10001 characters; at most 10000/);
  });

  it('fails when the argument is not a string', () => {
    fails('States.Base64Encode($.n)', { n: 12 }, /must be a string, got a number/);
  });
});

describe('States.Base64Decode', () => {
  it('decodes the guide example back to its text', () => {
    assert.equal(run('States.Base64Decode($.base64)', { base64: 'RGF0YSB0byBlbmNvZGU=' }), 'Data to encode');
  });

  it('decodes UTF-8 text and round-trips with Base64Encode', () => {
    const text = 'Grüße, 世界 😀';
    assert.equal(run('States.Base64Decode(States.Base64Encode($.t))', { t: text }), text);
  });

  it('accepts input without padding and MIME line breaks', () => {
    assert.equal(run("States.Base64Decode('RGF0YSB0byBlbmNvZGU')"), 'Data to encode');
    assert.equal(run('States.Base64Decode($.b)', { b: 'RGF0YSB0\r\nbyBlbmNvZGU=' }), 'Data to encode');
  });

  it('turns bytes that are not UTF-8 into replacement characters', () => {
    assert.equal(run("States.Base64Decode('/w==')"), '\uFFFD');
  });

  it('fails on characters outside the Base64 alphabet', () => {
    fails("States.Base64Decode('abc$')", {}, /not valid Base64/);
    fails("States.Base64Decode('ab-_')", {}, /not valid Base64/);
  });

  it('fails on misplaced or incomplete padding and on a dangling character', () => {
    fails("States.Base64Decode('ab=c')", {}, /not valid Base64/);
    fails("States.Base64Decode('abc==')", {}, /not valid Base64/);
    fails("States.Base64Decode('abcde')", {}, /not valid Base64/);
  });

  it('fails above 10,000 characters', () => {
    fails('States.Base64Decode($.b)', { b: 'QUFB'.repeat(2501) }, /10004 characters; at most 10000/);
  });

  it('fails when the argument is not a string', () => {
    fails('States.Base64Decode($.b)', { b: true }, /must be a string, got a boolean/);
  });
});

describe('States.Hash', () => {
  it('computes the SHA-1 of the guide example', () => {
    const input = { Data: 'input data', Algorithm: 'SHA-1' };
    // The guide prints this digest with one "4" missing (39 hex digits instead of 40).
    assert.equal(run('States.Hash($.Data, $.Algorithm)', input), 'aaff4a450a104cd177d28d18d74485e8cae074b7');
  });

  it('supports MD5, SHA-1, SHA-256, SHA-384 and SHA-512 through the injected hash', () => {
    for (const algorithm of Object.keys(nodeHashNames) as HashAlgorithm[]) {
      assert.equal(run('States.Hash($.d, $.a)', { d: 'héllo', a: algorithm }), digest(algorithm, 'héllo'));
    }
  });

  it('hands the algorithm and the data to env.hash unchanged', () => {
    const seen: string[] = [];
    const hash = (algorithm: HashAlgorithm, data: string) => {
      seen.push(`${algorithm}:${data}`);
      return 'ab';
    };
    assert.equal(run("States.Hash('x', 'SHA-256')", {}, { hash }), 'ab');
    assert.deepEqual(seen, ['SHA-256:x']);
  });

  it('fails on an unknown algorithm or a differently spelled one', () => {
    fails("States.Hash('x', 'SHA-3')", {}, /unknown algorithm "SHA-3"; use one of MD5, SHA-1/);
    fails("States.Hash('x', 'sha-256')", {}, /unknown algorithm/);
  });

  it('fails when the data is longer than 10,000 characters', () => {
    fails("States.Hash($.d, 'MD5')", { d: 'x'.repeat(10001) }, /at most 10000/);
  });

  it('fails when the data or the algorithm is not a string', () => {
    fails("States.Hash($.d, 'MD5')", { d: { a: 1 } }, /first argument must be a string, got an object/);
    fails("States.Hash('x', 256)", {}, /second argument must be a string, got a number/);
  });
});

describe('States.MathRandom', () => {
  it('maps env.random() onto the range from start (inclusive) to end (exclusive)', () => {
    assert.equal(run('States.MathRandom(1, 999)', {}, { random: () => 0 }), 1);
    assert.equal(run('States.MathRandom(1, 999)', {}, { random: () => 0.9999999 }), 998);
    assert.equal(run('States.MathRandom($.start, $.end)', { start: 10, end: 20 }, { random: () => 0.5 }), 15);
  });

  it('returns the same number for the same seed, whatever env.random() gives', () => {
    const a = run('States.MathRandom(0, 1000000, 42)', {}, { random: () => 0.1 });
    const b = run('States.MathRandom(0, 1000000, 42)', {}, { random: () => 0.9 });
    assert.equal(a, b);
  });

  it('gives different numbers for different seeds', () => {
    const values = new Set([1, 2, 3, 4, 5].map((seed) => run(`States.MathRandom(0, 1000000000, ${seed})`)));
    assert.equal(values.size, 5);
  });

  it('keeps seeded results inside the range', () => {
    for (let seed = -50; seed < 50; seed++) {
      const value = run(`States.MathRandom(-3, 4, ${seed})`) as number;
      assert.ok(Number.isInteger(value) && value >= -3 && value < 4, `seed ${seed} gave ${value}`);
    }
  });

  it('rounds non-integer start and end to the nearest integer', () => {
    assert.equal(run('States.MathRandom(0.6, 2.4)', {}, { random: () => 0.99 }), 1);
  });

  it('fails when end is not greater than start', () => {
    fails('States.MathRandom(5, 5)', {}, /end \(5\) must be greater than the start \(5\)/);
    fails('States.MathRandom(5, 1)', {}, /must be greater/);
  });

  it('fails when an argument is not a number', () => {
    fails("States.MathRandom('1', 5)", {}, /first argument must be a number, got a string/);
    fails("States.MathRandom(1, 5, 'seed')", {}, /third argument must be a number, got a string/);
  });
});

describe('seededRandom', () => {
  it('produces the same sequence of numbers in [0, 1) for the same seed', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const first = [a(), a(), a()];
    assert.deepEqual([b(), b(), b()], first);
    assert.ok(first.every((n) => n >= 0 && n < 1));
    assert.equal(new Set(first).size, 3);
  });

  it('spreads its numbers over the whole unit interval', () => {
    const next = seededRandom(123);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 10000; i++) buckets[Math.floor(next() * 10)]++;
    assert.ok(buckets.every((count) => count > 850 && count < 1150), buckets.join(','));
  });
});

describe('States.MathAdd', () => {
  it('adds a negative step, as in the guide', () => {
    assert.equal(run('States.MathAdd($.value1, $.step)', { value1: 111, step: -1 }), 110);
  });

  it('rounds non-integer operands to the nearest integer', () => {
    assert.equal(run('States.MathAdd(1.5, 1.2)'), 3);
  });

  it('accepts the limits of the 32-bit range and returns a sum beyond it exactly', () => {
    assert.equal(run('States.MathAdd(2147483647, 2147483647)'), 4294967294);
    assert.equal(run('States.MathAdd(-2147483648, 0)'), -2147483648);
  });

  it('fails when an operand is outside the 32-bit range', () => {
    fails('States.MathAdd(2147483648, 1)', {}, /2147483648 is outside the allowed range -2147483648 to 2147483647/);
    fails('States.MathAdd(1, -2147483649)', {}, /outside the allowed range/);
  });

  it('fails when an operand is not a number', () => {
    fails("States.MathAdd(1, '2')", {}, /second argument must be a number, got a string/);
  });
});

describe('States.StringSplit', () => {
  it('splits on a single delimiter, as in the guide', () => {
    const input = { inputString: '1,2,3,4,5', splitter: ',' };
    assert.deepEqual(run('States.StringSplit($.inputString, $.splitter)', input), ['1', '2', '3', '4', '5']);
  });

  it('splits on each of several delimiter characters, as in the guide', () => {
    const input = { inputString: 'This.is+a,test=string', splitter: '.+,=' };
    assert.deepEqual(run('States.StringSplit($.inputString, $.splitter)', input), ['This', 'is', 'a', 'test', 'string']);
  });

  it('drops empty pieces between, before and after delimiters', () => {
    assert.deepEqual(run("States.StringSplit(',a,,b,', ',')"), ['a', 'b']);
  });

  it('returns the whole text when no delimiter occurs or the delimiter set is empty', () => {
    assert.deepEqual(run("States.StringSplit('abc', '/')"), ['abc']);
    assert.deepEqual(run("States.StringSplit('abc', '')"), ['abc']);
  });

  it('returns an empty array for empty text', () => {
    assert.deepEqual(run("States.StringSplit('', ',')"), []);
  });

  it('treats characters outside the basic plane as single delimiters', () => {
    assert.deepEqual(run('States.StringSplit($.t, $.d)', { t: 'a😀b😁c', d: '😀' }), ['a', 'b😁c']);
  });

  it('fails when either argument is not a string', () => {
    fails("States.StringSplit($.n, ',')", { n: 1 }, /first argument must be a string, got a number/);
    fails("States.StringSplit('a', $.n)", { n: null }, /second argument must be a string, got null/);
  });
});

describe('States.UUID', () => {
  const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('returns a version 4 UUID with the RFC 4122 variant', () => {
    assert.match(run('States.UUID()', {}, { random: Math.random }) as string, v4);
  });

  it('sets the version and variant bits whatever the random bytes are', () => {
    assert.equal(run('States.UUID()', {}, { random: () => 0 }), '00000000-0000-4000-8000-000000000000');
    assert.equal(run('States.UUID()', {}, { random: () => 0.9999999 }), 'ffffffff-ffff-4fff-bfff-ffffffffffff');
  });

  it('draws its sixteen bytes from env.random()', () => {
    let calls = 0;
    const random = () => (calls++ % 16) / 16;
    assert.equal(run('States.UUID()', {}, { random }), '00102030-4050-4070-8090-a0b0c0d0e0f0');
    assert.equal(calls, 16);
  });

  it('is also available as uuidFromRandom for any random source', () => {
    assert.match(uuidFromRandom(seededRandom(1)), v4);
  });
});
