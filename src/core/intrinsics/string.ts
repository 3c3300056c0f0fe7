/** States.StringSplit(text, delimiters). */
import { expectString, type IntrinsicFunction } from './arguments.ts';

/**
 * Splits on every character of the second argument (each one is a delimiter on its own, as in the
 * guide's ".+,=" example). Empty pieces are dropped: Step Functions tokenizes rather than splits, so
 * "a,,b" gives ["a","b"] and a leading or trailing delimiter adds nothing. An empty delimiter set
 * leaves the text whole (a one-item array, or none when the text is empty).
 */
export const stringSplit: IntrinsicFunction = (args) => {
  const text = expectString('States.StringSplit', args, 0);
  const delimiters = new Set(expectString('States.StringSplit', args, 1));
  const pieces: string[] = [];
  let piece = '';
  // Iterating by code point keeps characters outside the BMP (emoji) whole, as text or as delimiter.
  for (const ch of text) {
    if (delimiters.has(ch)) {
      if (piece !== '') pieces.push(piece);
      piece = '';
    } else {
      piece += ch;
    }
  }
  if (piece !== '') pieces.push(piece);
  return pieces;
};
