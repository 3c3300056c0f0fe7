/**
 * sql:query hands the workflow its rows as JSON exactly as Postgres renders them (to_json: what
 * PostgREST and Supabase clients see), for every core type, whatever the statement: a query, a
 * data-modifying statement with RETURNING, one without (rowCount only).
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { loadWorkflow } from '../../src/asl/index.ts';
import { deployWorkflow, startExecution, waitForExecution } from '../../src/service/index.ts';
import type { Json } from '../../src/shared/index.ts';
import { createTestEngine, type TestEngine } from '../support/engine.ts';

let engine: TestEngine;

before(async () => {
  engine = await createTestEngine();
  await engine.db.sql.unsafe(`
    create type public.mood as enum ('sad', 'happy');
    create type public.pair as (x int, y text);
    create table public.events (id serial primary key, name text not null, at timestamptz not null);
  `);
});
after(() => engine.close());

async function run(name: string, definition: object, input: Json = {}) {
  const { workflow, problems } = loadWorkflow(JSON.stringify({ name, ignorePrivacyRules: true, definition }), `${name}.json`, { isKnownResource: (r) => engine.registry.has(r) });
  assert.ok(workflow, JSON.stringify(problems));
  await deployWorkflow(engine.deps, workflow);
  const started = await startExecution(engine.deps, { workflow: name, input });
  return waitForExecution(engine.deps, started.executionId, 10_000);
}

const query = (sql: string, params?: Json[]) => ({
  StartAt: 'Q', States: { Q: { Type: 'Task', Resource: 'sql:query', Parameters: params ? { sql, params } : { sql }, End: true } },
});

// [SQL expression, what the workflow sees]. Each is also checked against Postgres's own to_json.
const cases: Array<[string, Json]> = [
  ['true', true],
  ['null::int', null],
  ['1::smallint', 1],
  ['2::integer', 2],
  ['42::bigint', 42],
  ['9007199254740993::bigint', '9007199254740993'],
  ['-9007199254740991::bigint', -9007199254740991],
  ['12.50::numeric', 12.5],
  ['0.1::numeric', 0.1],
  ['12345678901234567890.123456789::numeric', '12345678901234567890.123456789'],
  ['1.5::real', 1.5],
  ['0.1::double precision', 0.1],
  ["'NaN'::double precision", 'NaN'],
  ["'Infinity'::double precision", 'Infinity'],
  ["'text'::text", 'text'],
  ["'ab'::char(3)", 'ab '],
  ["'ab'::varchar(5)", 'ab'],
  ["'\\xdeadbeef'::bytea", '\\xdeadbeef'],
  [`'{"a": [1, 2.5, "x"], "b": null}'::json`, { a: [1, 2.5, 'x'], b: null }],
  [`'{"b": 1, "a": {"c": true}}'::jsonb`, { a: { c: true }, b: 1 }],
  ["'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid", 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
  ["'2024-01-02'::date", '2024-01-02'],
  ["'03:04:05.5'::time", '03:04:05.5'],
  ["'03:04:05+02'::timetz", '03:04:05+02'],
  ["'2024-01-02 03:04:05'::timestamp", '2024-01-02T03:04:05'],
  ["'2024-01-02 03:04:05.123456+00'::timestamptz", '2024-01-02T03:04:05.123456+00:00'],
  ["'1 day 2 hours 3 minutes'::interval", '1 day 02:03:00'],
  ["'{1,2,3}'::int[]", [1, 2, 3]],
  ["'{{a,b},{c,NULL}}'::text[]", [['a', 'b'], ['c', null]]],
  ["array['2024-01-02 03:04:05+00'::timestamptz]", ['2024-01-02T03:04:05+00:00']],
  ["'192.168.0.1/24'::inet", '192.168.0.1/24'],
  ["'10.0.0.0/8'::cidr", '10.0.0.0/8'],
  ["'happy'::public.mood", 'happy'],
  ["row(1, 'a')::public.pair", { x: 1, y: 'a' }],
  ["'[1,5)'::int4range", '[1,5)'],
  ["'(1,2)'::point", '(1,2)'],
];

describe('sql:query rows as JSON', () => {
  it('renders every core type as Postgres does in JSON', async () => {
    const columns = cases.map(([expression], i) => `${expression} as c${i}`).join(', ');
    const end = await run('types', query(`select ${columns}`));
    assert.equal(end.status, 'SUCCEEDED', JSON.stringify(end));
    const row = (end.output as { rows: Array<Record<string, Json>> }).rows[0];
    const [postgres] = await engine.db.sql.unsafe<Array<{ row: string }>>(`select to_json(q)::text as row from (select ${columns}) q`);
    const rendered = JSON.parse(postgres.row) as Record<string, Json>;
    cases.forEach(([expression, expected], i) => {
      assert.deepEqual(row[`c${i}`], expected, expression);
      if (typeof expected !== 'string' || typeof rendered[`c${i}`] !== 'number') assert.deepEqual(row[`c${i}`], rendered[`c${i}`], `${expression} as to_json renders it`);
    });
    assert.deepEqual(Object.keys(row), cases.map((_, i) => `c${i}`), 'columns in order');
  });

  it('hands timestamps on as strings that JSONata, States.Format and a Wait TimestampPath can use', async () => {
    await engine.db.sql.unsafe(`insert into public.events (name, at) values ('launch', now() + interval '1 second')`);
    const end = await run('event-time', {
      StartAt: 'Read',
      States: {
        Read: { Type: 'Task', Resource: 'sql:query', Parameters: { sql: "select name, at from public.events where name = 'launch'" }, ResultSelector: { 'event.$': '$.rows[0]' }, Next: 'Shape' },
        Shape: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% {"event": $states.input.event, "when": $states.input.event.at} %}', Next: 'Say' },
        Say: { Type: 'Pass', Parameters: { 'event.$': '$.event', 'text.$': "States.Format('{} at {}', $.event.name, $.when)" }, Next: 'Until' },
        Until: { Type: 'Wait', TimestampPath: '$.event.at', End: true },
      },
    });
    assert.equal(end.status, 'SUCCEEDED', JSON.stringify(end));
    const output = end.output as { event: { at: string }; text: string };
    assert.match(output.event.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$/);
    assert.equal(output.text, `launch at ${output.event.at}`);
  });

  it('renders the rows of INSERT … RETURNING, and counts the rows of an UPDATE without RETURNING', async () => {
    const inserted = await run('insert-returning', query("insert into public.events (name, at) values ($1, '2030-05-06 07:08:09+00') returning name, at", ['release']));
    assert.deepEqual(inserted.output, { rows: [{ name: 'release', at: '2030-05-06T07:08:09+00:00' }], rowCount: 1 });
    const updated = await run('update-count', query("update public.events set name = name || '!' where at > '2000-01-01'"));
    assert.deepEqual(updated.output, { rows: [], rowCount: 2 });
    const cte = await run('with-update', query("with moved as (update public.events set name = name where name = 'release!' returning at) select at from moved"));
    assert.deepEqual(cte.output, { rows: [{ at: '2030-05-06T07:08:09+00:00' }], rowCount: 1 });
    const none = await run('select-none', query('select 1 as n where false'));
    assert.deepEqual(none.output, { rows: [], rowCount: 0 });
    const ended = await run('trailing', query('select 1 as n; -- the end'));
    assert.deepEqual(ended.output, { rows: [{ n: 1 }], rowCount: 1 });
  });
});
