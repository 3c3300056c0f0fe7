/**
 * A workflow's SQL (sql:query) run so that its rows reach the workflow as JSON exactly as Postgres
 * renders them (`to_json`: what PostgREST and Supabase clients see), not as driver values: the
 * statement is wrapped, `with nightshift_rows as (<statement>) select json_agg(...)`, which works
 * for queries and for INSERT/UPDATE/DELETE/MERGE … RETURNING. Numbers a double cannot hold exactly
 * stay strings (shared/exact-json.ts). What cannot be wrapped (a statement without RETURNING, a
 * WITH whose parts modify data, utility statements) runs as written: its rows, if any, are made
 * JSON from the driver's values (renderDriverValue). docs/sql.md has the table per type.
 */
import { parseJsonExact, type Json } from '../shared/index.ts';
import { PostgresError, type TransactionSql } from './connection.ts';
import { mainStatementStart } from './with-clause.ts';

export interface UserQueryResult {
  rows: Json[];
  rowCount: number;
}

// The first keyword, after comments and opening parentheses.
const leading = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/|\()*([A-Za-z]+)/;
const modifying = new Set(['insert', 'update', 'delete', 'merge']);
const querying = new Set(['select', 'values', 'table', 'with']);

/** Whether the statement may be wrapped: a query, or a data-modifying statement that says RETURNING. */
function mayWrap(text: string): boolean {
  const keyword = leading.exec(text)?.[1]?.toLowerCase() ?? '';
  return querying.has(keyword) || (modifying.has(keyword) && /\breturning\b/i.test(text));
}

/** The statement without a final semicolon (a wrapped statement is one expression). Comments stay: the wrapper closes on a new line. */
function statementOf(text: string): string {
  return text.replace(/;\s*$/, '');
}

// 0A000: a WITH whose parts modify data cannot be nested, a WITH part without RETURNING cannot be read;
// 42601: what a CTE cannot hold (SELECT … INTO, a second statement after a semicolon). Run as written.
const notWrappable = new Set(['0A000', '42601']);

const render = `select coalesce(json_agg(nightshift_rows), '[]')::text as rows, count(*)::int as n from nightshift_rows`;

/** The statement as a nested WITH part, then (for a WITH whose parts modify data) its main statement as a last part. */
function wrappings(text: string): string[] {
  const statement = statementOf(text);
  const forms = [`with nightshift_rows as (\n${statement}\n)\n${render}`];
  const main = mainStatementStart(statement);
  if (main > 0) forms.push(`${statement.slice(0, main).replace(/\s*$/, '')},\nnightshift_rows as (\n${statement.slice(main)}\n)\n${render}`);
  return forms;
}

export async function runUserQuery(tx: TransactionSql, text: string, params: Json[]): Promise<UserQueryResult> {
  for (const wrapped of mayWrap(text) ? wrappings(text) : []) {
    try {
      const [row] = await tx.savepoint((sp) => sp.unsafe<Array<{ rows: string; n: number }>>(wrapped, params as never[]));
      return { rows: parseJsonExact(row.rows) as Json[], rowCount: row.n };
    } catch (e) {
      if (!(e instanceof PostgresError) || !notWrappable.has(e.code)) throw e;
    }
  }
  const rows = await tx.unsafe(text, params as never[]);
  return { rows: rows.map((r) => renderDriverValue(r) as Json), rowCount: rows.count ?? rows.length };
}

/** A driver value as JSON, the nearest to Postgres's rendering that the value still allows. */
function renderDriverValue(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Buffer.isBuffer(value)) return `\\x${value.toString('hex')}`;
  if (Array.isArray(value)) return value.map(renderDriverValue);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDriverValue(v)]));
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value as Json;
}
