/**
 * The marked blocks of a documentation page and the `$ …` command lines of a run block, as
 * test/integration/doc-examples.test.ts reads them (the marks: docs/reference/README.md).
 */
import assert from 'node:assert/strict';

export interface Example {
  kind: 'file' | 'sql' | 'run' | 'workers' | 'module' | 'copy';
  arg: string;
  body: string;
  line: number;
}

/** The marked blocks of a page, in order. */
export function examplesOf(text: string): Example[] {
  const lines = text.split('\n');
  const out: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const mark = /^<!-- test: (file|sql|run|workers|module|copy)\s*(.*?)\s*-->$/.exec(lines[i].trim());
    if (!mark) continue;
    const kind = mark[1] as Example['kind'];
    if (kind === 'workers' || kind === 'copy') {
      out.push({ kind, arg: mark[2], body: '', line: i + 1 });
      continue;
    }
    const open = lines[i + 1]?.match(/^(\s*)(```+)/);
    assert.ok(open, `line ${i + 1}: a test mark must be followed by a fenced block`);
    const end = lines.findIndex((l, n) => n > i + 1 && l.trim() === open[2]);
    assert.ok(end > 0, `line ${i + 1}: the block is not closed`);
    out.push({ kind, arg: mark[2], body: lines.slice(i + 2, end).map((l) => l.slice(open[1].length)).join('\n') + '\n', line: i + 2 });
    i = end;
  }
  return out;
}

/** Words of one command line, with '…' and "…" quoting as a shell reads them (no expansion). */
function words(line: string): string[] {
  const out: string[] = [];
  let word: string | null = null;
  let quote: string | null = null;
  for (const c of line) {
    if (quote) {
      if (c === quote) quote = null;
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (/\s/.test(c)) {
      if (word !== null) out.push(word);
      word = null;
    } else word = (word ?? '') + c;
  }
  if (word !== null) out.push(word);
  return out;
}

/** `$ nightshift …` lines (a trailing `\` continues), each with the lines it must print. */
export function commandsOf(body: string): Array<{ argv: string[]; command: string; expected: string[] }> {
  const out: Array<{ argv: string[]; command: string; expected: string[] }> = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith('$ ')) {
      if (lines[i].trim() !== '') out.at(-1)?.expected.push(lines[i].trimEnd());
      continue;
    }
    let command = lines[i].slice(2);
    while (command.endsWith('\\')) command = command.slice(0, -1) + ' ' + lines[++i].trim();
    const assignment = /^([A-Z][A-Z0-9_]*)=\$\((.*)\)$/.exec(command.trim());
    if (assignment) {
      assert.ok(/^(curl|printf) /.test(assignment[2]), `an assignment runs curl or printf: ${command}`);
      out.push({ argv: ['=', assignment[1]], command: assignment[2], expected: [] });
      continue;
    }
    const argv = words(command.replace(/\s+#\s.*$/, ''));
    assert.ok(['nightshift', 'curl', 'printf'].includes(argv[0]), `only nightshift, curl and printf commands run here: ${command}`);
    out.push({ argv, command, expected: [] });
  }
  return out;
}

/**
 * A printed line that fits an expected one: equal, or, when the expected line has `…`, holding each of the
 * pieces between them (in any order: Postgres keeps a JSON object's keys in its own order).
 */
function fits(line: string, expected: string): boolean {
  const want = expected.trim();
  if (!want.includes('…')) return line === want;
  return want.split('…').every((piece) => line.includes(piece));
}

/** Every expected line fits one printed line, in order. */
export function assertPrinted(printed: string, expected: string[], where: string): void {
  const lines = printed.split('\n').map((l) => l.trim());
  let at = 0;
  for (const want of expected) {
    const found = lines.findIndex((l, n) => n >= at && fits(l, want));
    assert.ok(found >= 0, `${where}: expected a line like\n  ${want}\nin what it printed:\n${printed}`);
    at = found + 1;
  }
}
