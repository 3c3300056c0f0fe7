import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { EngineError } from './errors.ts';
import { storedFormat } from './stored-format.ts';

/** Version 1 kept a name; version 2 splits it; version 3 adds a default count. */
const person = storedFormat<{ first: string; last: string; visits: number }>('person', [
  { schema: z.strictObject({ name: z.string() }), upgrade: (v: { name: string }) => ({ first: v.name.split(' ')[0], last: v.name.split(' ')[1] ?? '' }) },
  { schema: z.strictObject({ first: z.string(), last: z.string() }), upgrade: (v: { first: string; last: string }) => ({ ...v, visits: 0 }) },
  { schema: z.strictObject({ first: z.string(), last: z.string(), visits: z.number() }) },
]);

const refusal = (pattern: RegExp) => (e: unknown) => e instanceof EngineError && e.code === 'STORED_FORMAT_UNKNOWN' && pattern.test(e.message);

describe('stored formats', () => {
  it('writes the current version in the format field', () => {
    assert.deepEqual(person.encode({ first: 'Ada', last: 'Lovelace', visits: 2 }), { format: 3, first: 'Ada', last: 'Lovelace', visits: 2 });
  });

  it('reads the current version back without its format field', () => {
    assert.deepEqual(person.decode({ format: 3, first: 'Ada', last: 'Lovelace', visits: 2 }, 'row 1'), { first: 'Ada', last: 'Lovelace', visits: 2 });
  });

  it('upgrades an older version through every later one', () => {
    assert.deepEqual(person.decode({ format: 1, name: 'Ada Lovelace' }, 'row 1'), { first: 'Ada', last: 'Lovelace', visits: 0 });
    assert.deepEqual(person.decode({ format: 2, first: 'Ada', last: 'L' }, 'row 1'), { first: 'Ada', last: 'L', visits: 0 });
  });

  it('reads a document without a format field as version 1', () => {
    assert.deepEqual(person.decode({ name: 'Grace Hopper' }, 'row 1'), { first: 'Grace', last: 'Hopper', visits: 0 });
  });

  it('refuses a version it does not know, naming the document, the format and the versions it reads', () => {
    assert.throws(() => person.decode({ format: 4, first: 'a' }, 'row 7'), refusal(/^row 7 has person format 4; this release reads formats 1 to 3$/));
    assert.throws(() => person.decode({ format: '2' }, 'row 7'), refusal(/person format "2"/));
    assert.throws(() => person.decode({ format: 0 }, 'row 7'), refusal(/person format 0/));
  });

  it('refuses a shape its version does not allow, naming the field', () => {
    assert.throws(() => person.decode({ format: 2, first: 'Ada' }, 'row 7'), refusal(/^row 7 is not a person of format 2: \/last: /));
    assert.throws(() => person.decode({ format: 3, first: 'Ada', last: 'L', visits: 1, age: 3 }, 'row 7'), refusal(/age/));
    assert.throws(() => person.decode(null, 'row 7'), refusal(/is not a person of format 1/));
  });
});
