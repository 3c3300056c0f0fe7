/**
 * A start form made from a workflow's `parameters` (a JSON Schema): one field per top-level property
 * of an object schema, typed by its `type`, `enum` and `format`; anything deeper stays JSON. And the
 * other way: the input the filled fields make, and the inputs of a pasted list (a JSON array or CSV).
 */

export type FieldKind = 'text' | 'number' | 'integer' | 'boolean' | 'enum' | 'json';

export interface FormField {
  name: string;
  kind: FieldKind;
  required: boolean;
  /** The HTML input type for text: email, url, date, datetime-local or text. */
  inputType: string;
  options: string[];
  description: string | null;
}

type Schema = Record<string, unknown>;

const inputTypes: Record<string, string> = { email: 'email', uri: 'url', date: 'date', 'date-time': 'datetime-local' };

function kindOf(schema: Schema): FieldKind {
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === 'string')) return 'enum';
  if (schema.type === 'string') return 'text';
  if (schema.type === 'number' || schema.type === 'integer' || schema.type === 'boolean') return schema.type;
  return 'json';
}

/** The form's fields, or null when the schema is not an object with properties (then JSON only). */
export function formFields(parameters: unknown): FormField[] | null {
  if (typeof parameters !== 'object' || parameters === null) return null;
  const { properties, required } = parameters as Schema;
  if (typeof properties !== 'object' || properties === null || Object.keys(properties).length === 0) return null;
  const needed = new Set(Array.isArray(required) ? required : []);
  return Object.entries(properties as Record<string, Schema>).map(([name, schema]) => ({
    name,
    kind: kindOf(schema ?? {}),
    required: needed.has(name),
    inputType: inputTypes[String(schema?.format)] ?? 'text',
    options: Array.isArray(schema?.enum) ? schema.enum.map(String) : [],
    description: typeof schema?.description === 'string' ? schema.description : null,
  }));
}

/** One field's text as its JSON value; undefined for an empty optional field. An Error names the field. */
function valueOf(field: FormField, text: string): unknown {
  if (field.kind === 'boolean') return text === 'true' ? true : text === 'false' ? false : undefined;
  if (text.trim() === '') return undefined;
  if (field.kind === 'number' || field.kind === 'integer') {
    const n = Number(text);
    if (!Number.isFinite(n) || (field.kind === 'integer' && !Number.isInteger(n))) throw new Error(`${field.name}: ${JSON.stringify(text)} is not ${field.kind === 'integer' ? 'a whole number' : 'a number'}`);
    return n;
  }
  if (field.kind === 'json') {
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`${field.name}: not JSON`);
    }
  }
  if (field.inputType === 'datetime-local') return new Date(text).toISOString();
  return text;
}

/** The input the filled fields make (required ones must be filled: the server says the rest). */
export function inputOf(fields: FormField[], values: Record<string, string>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const field of fields) {
    const value = valueOf(field, values[field.name] ?? '');
    if (value === undefined && field.required) throw new Error(`${field.name} is required`);
    if (value !== undefined) input[field.name] = value;
  }
  return input;
}

/** The fields' texts for an input (switching from JSON back to the form). */
export function valuesOf(fields: FormField[], input: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  if (typeof input !== 'object' || input === null) return values;
  for (const field of fields) {
    const value = (input as Record<string, unknown>)[field.name];
    if (value === undefined) continue;
    values[field.name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return values;
}

/** One CSV line as its cells: commas separate, "double quotes" hold commas and "" is a quote. */
function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '"' && line[i + 1] === '"') { cell += '"'; i++; }
    else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) { cells.push(cell); cell = ''; }
    else cell += c;
  }
  cells.push(cell);
  return cells.map((c) => c.trim());
}

/**
 * The inputs of a pasted list: a JSON array as it is, or CSV with a header row of field names (cells
 * typed by the form's fields when there are any: numbers and booleans, empty cells left out).
 */
export function listInputs(text: string, fields: FormField[] | null): unknown[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    const parsed: unknown = JSON.parse(trimmed);
    if (!Array.isArray(parsed) || parsed.length === 0) throw new Error('The list is an empty JSON array');
    return parsed;
  }
  const lines = trimmed.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length < 2) throw new Error('Paste a JSON array, or CSV: a header row of field names, then a row per run');
  const header = csvCells(lines[0]);
  return lines.slice(1).map((line, row) => {
    const cells = csvCells(line);
    if (cells.length !== header.length) throw new Error(`CSV row ${row + 2} has ${cells.length} cells; the header has ${header.length}`);
    const values = Object.fromEntries(header.map((name, i) => [name, cells[i]]));
    if (!fields) return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
    const known = new Set(fields.map((f) => f.name));
    const extra = Object.fromEntries(Object.entries(values).filter(([k, v]) => !known.has(k) && v !== ''));
    try {
      return { ...extra, ...inputOf(fields.map((f) => ({ ...f, required: false })), values) };
    } catch (error) {
      throw new Error(`CSV row ${row + 2}: ${(error as Error).message}`);
    }
  });
}
