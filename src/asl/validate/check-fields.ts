/**
 * The one generic check behind every "which fields may this object have" rule: states, state machines,
 * retriers, catchers, ItemBatcher, ProcessorConfig.
 */
import type { QueryLanguage } from '../types.ts';
import { didYouMean, join, quote } from './context.ts';
import type { FieldTable } from './fields.ts';

export type Reporter = (code: string, pointer: string, message: string) => void;

export interface FieldCheckOptions {
  /** How messages name the object: "a Task state", "a retrier". */
  what: string;
  language: QueryLanguage;
  /** Fields known elsewhere: reported as not allowed here rather than unknown. */
  vocabulary?: ReadonlySet<string>;
}

/** What to write instead of a JSONPath-only field in a JSONata state. */
const jsonataReplacement: Readonly<Record<string, string>> = {
  InputPath: 'Arguments (with "{% $states.input... %}")',
  Parameters: 'Arguments',
  ResultSelector: 'Output (with "{% $states.result... %}")',
  ResultPath: 'Output or Assign',
  OutputPath: 'Output',
  ItemsPath: 'Items',
  Iterator: 'ItemProcessor',
  Result: 'Output',
};

function languageHint(field: string, language: QueryLanguage, what: string): string {
  const subject = what.replace(/^(a|an) /, 'this ');
  if (language === 'JSONPath') {
    return `${field} is a JSONata field, and ${subject} uses JSONPath; set "QueryLanguage": "JSONata" to use it.`;
  }
  const base = field.endsWith('Path') ? field.slice(0, -'Path'.length) : '';
  const replacement =
    jsonataReplacement[field] ?? (base ? `${base} with a "{% ... %}" expression` : undefined);
  const instead = replacement ? ` Use ${replacement} instead.` : '';
  return `${field} is a JSONPath field, and ${subject} uses JSONata.${instead}`;
}

/** Reports every field the table does not allow; returns the names of the fields that are allowed. */
export function checkFields(
  object: Record<string, unknown>,
  pointer: string,
  table: FieldTable,
  options: FieldCheckOptions,
  report: Reporter,
): string[] {
  const allowed: string[] = [];
  for (const field of Object.keys(object)) {
    const availability = table[field];
    const at = join(pointer, field);
    if (availability === undefined) {
      if (options.vocabulary?.has(field)) {
        report('FIELD_NOT_ALLOWED', at, `${options.what} does not accept the field ${quote(field)}.`);
      } else {
        const hint = didYouMean(field, Object.keys(table));
        report('FIELD_UNKNOWN', at, `${quote(field)} is not a field of ${options.what}.${hint}`);
      }
    } else if (availability !== 'both' && availability !== options.language) {
      report('FIELD_NOT_ALLOWED', at, languageHint(field, options.language, options.what));
    } else {
      allowed.push(field);
    }
  }
  return allowed;
}
