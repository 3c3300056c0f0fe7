/**
 * Email templates: Mustache (logic-less: no code, no helpers, nothing but the data given). `{{name}}` is
 * HTML-escaped in the HTML part and written as it is in the subject and the text part; `{{{name}}}` never
 * escapes, for data that is HTML on purpose.
 */
import Mustache from 'mustache';
import { isJsonObject, type Json, type JsonObject } from '../shared/index.ts';

/** The Mustache sources of a message's parts; a template needs at least one. */
export interface EmailTemplate {
  subject?: string;
  text?: string;
  html?: string;
}

export interface RenderedParts {
  subject?: string;
  text?: string;
  html?: string;
}

const plain = (value: unknown): string => String(value);

/**
 * Renders each part the template has. Throws (with Mustache's message, which names no data) when a source
 * does not parse. A writer per call: Mustache's shared writer caches every template it has seen, and
 * templates given inline by Tasks would make that cache grow without bound.
 */
export function renderTemplate(template: EmailTemplate, data: JsonObject): RenderedParts {
  const writer = new Mustache.Writer();
  const view = withoutPrototypes(data);
  const parts: RenderedParts = {};
  // Without partials, `{{> name}}` renders nothing rather than reading anything.
  if (template.subject !== undefined) parts.subject = writer.render(template.subject, view, {}, { escape: plain }).replace(/[\r\n]+/g, ' ');
  if (template.text !== undefined) parts.text = writer.render(template.text, view, {}, { escape: plain });
  if (template.html !== undefined) parts.html = writer.render(template.html, view, {});
  return parts;
}

/**
 * Mustache looks names up with `in`, which sees Object.prototype: `{{constructor}}` would render a function
 * of the runtime. Objects without a prototype only have the data's own keys.
 */
function withoutPrototypes(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutPrototypes);
  if (!isJsonObject(value)) return value;
  const out = Object.create(null) as JsonObject;
  for (const [key, item] of Object.entries(value)) out[key] = withoutPrototypes(item);
  return out;
}
