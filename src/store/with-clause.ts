/**
 * Where the main statement of `WITH a AS (…), b AS (…) <main>` starts, found by walking the text at
 * parenthesis depth 0 while skipping strings, quoted names, comments and dollar-quoted bodies. Used
 * to render the rows of a WITH whose parts modify data (which cannot be nested in another WITH): the
 * main statement becomes one more part of the same WITH (user-sql.ts).
 */

/** The index where the main statement starts, or -1 when the text is not a WITH that can be split. */
export function mainStatementStart(text: string): number {
  const head = /^\s*with\s+(recursive\s+)?/i.exec(text);
  if (!head) return -1;
  let depth = 0;
  let closedPart = false;
  for (let i = head[0].length; i < text.length;) {
    const skipped = skipQuoted(text, i);
    if (skipped !== i) {
      i = skipped;
      continue;
    }
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) closedPart = true;
      if (depth < 0) return -1;
    } else if (depth === 0 && closedPart && !/\s/.test(c)) {
      if (c === ',') closedPart = false;
      else if (/[A-Za-z]/.test(c) && !/^(search|cycle)\b/i.test(text.slice(i))) return i;
    }
    i++;
  }
  return -1;
}

/** Past a string, quoted name, comment or dollar-quoted body starting at i; i itself when none starts there. */
function skipQuoted(text: string, i: number): number {
  const c = text[i];
  if (c === "'") {
    const escapes = /[eE]/.test(text[i - 1] ?? '') && !/[A-Za-z0-9_]/.test(text[i - 2] ?? '');
    let j = i + 1;
    while (j < text.length) {
      if (escapes && text[j] === '\\') j += 2;
      else if (text[j] === "'" && text[j + 1] === "'") j += 2;
      else if (text[j] === "'") return j + 1;
      else j++;
    }
    return j;
  }
  if (c === '"') {
    const end = text.indexOf('"', i + 1);
    return end === -1 ? text.length : end + 1;
  }
  if (c === '-' && text[i + 1] === '-') {
    const end = text.indexOf('\n', i);
    return end === -1 ? text.length : end + 1;
  }
  if (c === '/' && text[i + 1] === '*') {
    const end = text.indexOf('*/', i + 2);
    return end === -1 ? text.length : end + 2;
  }
  if (c === '$') {
    const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i))?.[0];
    if (tag && !/[A-Za-z0-9_]/.test(text[i - 1] ?? '')) {
      const end = text.indexOf(tag, i + tag.length);
      return end === -1 ? text.length : end + tag.length;
    }
  }
  return i;
}
