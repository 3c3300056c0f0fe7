/**
 * The forms a secret value takes in what comes back from a call, each of which is redacted whole:
 * - as is;
 * - JSON-escaped, once (a JSON document holding it) and twice (a JSON document held in a JSON string, as an
 *   error cause quoting a JSON body is);
 * - URL-encoded: encodeURIComponent (`%2F`, `%20`), form encoding (`+` for a space, URLSearchParams), and the
 *   WHATWG serializations of a query and of a path (which leave `/ + = &` and more as they are);
 * - base64 and base64url of its UTF-8 bytes, including inside `user:secret` (basic auth): at each of the three
 *   byte alignments, the characters that encode only the value's bytes (a few at each end also encode what
 *   surrounds it and are left; they hold less than three bytes of the value).
 * Every form is also taken JSON-escaped. Forms are replaced longest first, all of them before the cut-off pass
 * (redactCutOff), so that a prefix shared by two forms cannot leave the rest of the value behind — a value
 * such as `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY+x=` used to come back as `[redacted]/K7MDENG/...`.
 */
const json = (text: string): string => JSON.stringify(text).slice(1, -1);

/** Percent-encodes the characters `unsafe` matches, byte by byte in UTF-8, as the URL standard does. */
function percentEncode(text: string, unsafe: RegExp): string {
  return text.replace(unsafe, (char) => [...Buffer.from(char)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}

/** The special-query and path percent-encode sets of the URL standard (C0 controls and non-ASCII included). */
const queryUnsafe = /[\u0000-\u0020"#<>'\u007f]|[^\u0000-\u007f]/gu;
const pathUnsafe = /[\u0000-\u0020"#<>?`{}\u007f]|[^\u0000-\u007f]/gu;

function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value);
  const forms: string[] = [bytes.toString('base64'), bytes.toString('base64url')];
  for (const offset of [0, 1, 2]) {
    const shifted = Buffer.concat([Buffer.alloc(offset), bytes]);
    const start = offset === 0 ? 0 : 4;
    const end = Math.floor(shifted.length / 3) * 4;
    // Shorter cores are too likely to be ordinary text.
    if (end - start < 8) continue;
    forms.push(shifted.toString('base64').slice(start, end), shifted.toString('base64url').slice(start, end));
  }
  return forms;
}

/** Every form of one value, deduplicated, without empty ones. */
export function formsOf(value: string): string[] {
  const base = [value, percentEncode(value, queryUnsafe), percentEncode(value, pathUnsafe), ...base64Forms(value)];
  try {
    // Throws on a lone surrogate, which has no UTF-8 form.
    base.push(encodeURIComponent(value), new URLSearchParams({ v: value }).toString().slice(2));
  } catch {
    // the other forms remain
  }
  const forms = new Set<string>();
  for (const form of base) for (const shape of [form, json(form), json(json(form))]) if (shape !== '') forms.add(shape);
  return [...forms];
}

/** Shorter runs are too likely to be ordinary text. */
const cutOffMinimum = 6;

/** The text with every form of every value replaced by `[redacted]`, then the cut-off starts of forms. */
export function redactForms(text: string, forms: readonly string[]): string {
  let out = text;
  for (const form of forms) if (out.includes(form)) out = out.split(form).join('[redacted]');
  for (const form of forms) out = redactCutOff(out, form);
  return out;
}

/**
 * The start of a value cut off by a truncation (http:invoke keeps 1 KiB of an error body): a run of at least
 * six characters matching the form's beginning but not the whole form is redacted too.
 */
function redactCutOff(text: string, form: string): string {
  if (form.length <= cutOffMinimum) return text;
  const head = form.slice(0, cutOffMinimum);
  let out = '';
  let from = 0;
  for (let at = text.indexOf(head); at !== -1; at = text.indexOf(head, from)) {
    let length = cutOffMinimum;
    while (length < form.length && at + length < text.length && text[at + length] === form[length]) length++;
    out += `${text.slice(from, at)}[redacted]`;
    from = at + length;
  }
  return out + text.slice(from);
}
