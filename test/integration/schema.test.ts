import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Queryable } from '../../src/store/index.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

// The migrated `nightshift` schema, described from the catalogs, must match the committed
// src/store/schema.snapshot.txt: a reviewer sees every schema change as a text diff.
// `UPDATE_SNAPSHOT=1 npm test schema` rewrites the file.
const snapshotFile = new URL('../../src/store/schema.snapshot.txt', import.meta.url);

type Row = Record<string, string | boolean | null>;

/**
 * Everything a migration can change, sorted by name (columns too) and printed with search_path
 * set to pg_catalog so names come out schema-qualified. NOT NULL appears on columns only (Postgres
 * 18 also lists it among constraints), so the text is the same from Postgres 15 to 18.
 */
async function describeSchema(tx: Queryable): Promise<string> {
  await tx.unsafe('set local search_path = pg_catalog');
  const query = async (text: string) => (await tx.unsafe(text)) as unknown as Row[];
  const namespace = "(select oid from pg_namespace where nspname = 'nightshift')";
  const [schema] = await query(`select obj_description(${namespace}, 'pg_namespace') as comment`);
  const relations = await query(`
    select c.oid::text as oid, c.relname as name, c.relkind as kind, obj_description(c.oid, 'pg_class') as comment,
      array_to_string(c.reloptions, ', ') as options
    from pg_class c
    where c.relnamespace = ${namespace} and c.relkind in ('r', 'p', 'v', 'm', 'f')`);
  const columns = await query(`
    select a.attrelid::text as relation, a.attname as name, format_type(a.atttypid, a.atttypmod) as type,
      a.attnotnull as not_null, pg_get_expr(d.adbin, d.adrelid) as default, a.attidentity as identity,
      a.attgenerated as generated, col_description(a.attrelid, a.attnum) as comment
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where c.relnamespace = ${namespace} and c.relkind in ('r', 'p', 'v', 'm', 'f')
      and a.attnum > 0 and not a.attisdropped`);
  const constraints = await query(`
    select conrelid::text as relation, conname as name, pg_get_constraintdef(oid) as definition,
      obj_description(oid, 'pg_constraint') as comment
    from pg_constraint
    where connamespace = ${namespace} and contype in ('p', 'u', 'f', 'c', 'x')`);
  const indexes = await query(`
    select i.indrelid::text as relation, c.relname as name, pg_get_indexdef(i.indexrelid) as definition,
      obj_description(i.indexrelid, 'pg_class') as comment
    from pg_index i join pg_class c on c.oid = i.indexrelid
    where c.relnamespace = ${namespace}`);
  const triggers = await query(`
    select t.tgrelid::text as relation, t.tgname as name, pg_get_triggerdef(t.oid) as definition
    from pg_trigger t join pg_class c on c.oid = t.tgrelid
    where c.relnamespace = ${namespace} and not t.tgisinternal`);
  const functions = await query(`
    select proname || '(' || pg_get_function_identity_arguments(oid) || ')' as name,
      pg_get_function_result(oid) as result, obj_description(oid, 'pg_proc') as comment
    from pg_proc where pronamespace = ${namespace}`);
  const types = await query(`
    select t.typname as name, t.typtype as kind,
      (select string_agg(e.enumlabel, ', ' order by e.enumsortorder) from pg_enum e where e.enumtypid = t.oid) as labels,
      format_type(t.typbasetype, t.typtypmod) as base
    from pg_type t
    where t.typnamespace = ${namespace} and t.typtype in ('e', 'd')`);
  const sequences = await query(`
    select c.relname as name from pg_class c
    where c.relnamespace = ${namespace} and c.relkind = 'S'
      and not exists (select 1 from pg_depend d where d.objid = c.oid and d.deptype = 'i')`);

  const byName = (a: Row, b: Row) => String(a.name) < String(b.name) ? -1 : String(a.name) > String(b.name) ? 1 : 0;
  const commentLine = (row: Row, indent: string) => (row.comment ? [`${indent}comment: ${row.comment}`] : []);
  const of = (rows: Row[], relation: Row) => rows.filter((row) => row.relation === relation.oid).sort(byName);
  const kinds: Record<string, string> = { r: 'table', p: 'partitioned table', v: 'view', m: 'materialized view', f: 'foreign table' };

  const lines = ['schema nightshift', ...commentLine(schema, '  ')];
  for (const relation of relations.sort(byName)) {
    lines.push('', `${kinds[String(relation.kind)]} nightshift.${relation.name}`, ...commentLine(relation, '  '));
    if (relation.options) lines.push(`  with (${relation.options})`);
    for (const column of of(columns, relation)) {
      const parts = [`  column ${column.name} ${column.type}`, column.not_null ? 'not null' : 'null'];
      if (column.identity) parts.push(`generated ${column.identity === 'a' ? 'always' : 'by default'} as identity`);
      if (column.generated) parts.push(`generated always as (${column.default}) stored`);
      else if (column.default !== null) parts.push(`default ${column.default}`);
      lines.push(parts.join(' '), ...commentLine(column, '    '));
    }
    for (const constraint of of(constraints, relation)) {
      lines.push(`  constraint ${constraint.name}: ${constraint.definition}`, ...commentLine(constraint, '    '));
    }
    for (const index of of(indexes, relation)) {
      lines.push(`  index ${index.definition}`, ...commentLine(index, '    '));
    }
    for (const trigger of of(triggers, relation)) lines.push(`  trigger ${trigger.definition}`);
  }
  for (const fn of functions.sort(byName)) {
    lines.push('', `function nightshift.${fn.name} returns ${fn.result}`, ...commentLine(fn, '  '));
  }
  for (const type of types.sort(byName)) {
    const shape = type.kind === 'e' ? `enum (${type.labels})` : `domain over ${type.base}`;
    lines.push('', `type nightshift.${type.name} ${shape}`);
  }
  for (const sequence of sequences.sort(byName)) lines.push('', `sequence nightshift.${sequence.name}`);
  return `${lines.join('\n')}\n`;
}

describe('schema', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase();
  });
  after(async () => {
    await db.drop();
  });

  it('matches the committed schema snapshot', async () => {
    const actual = await db.sql.begin((tx) => describeSchema(tx));
    if (process.env.UPDATE_SNAPSHOT === '1') {
      await writeFile(snapshotFile, actual);
      return;
    }
    const expected = await readFile(snapshotFile, 'utf8').catch(() => '');
    assert.equal(actual, expected, 'the schema changed: review the diff, then run UPDATE_SNAPSHOT=1 npm test schema');
  });
});
