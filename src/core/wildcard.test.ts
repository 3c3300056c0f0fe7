import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { matchesWildcard } from './choice.ts';

describe('StringMatches', () => {
  it('matches stars, escaped stars and escaped backslashes as the ASL spec says', () => {
    const cases: Array<[string, string, boolean]> = [
      ['log-2024.txt', 'log-*.txt', true], ['log-.txt', 'log-*.txt', true], ['log.txt', 'log-*.txt', false],
      ['a*b', 'a\\*b', true], ['axb', 'a\\*b', false], ['a\\b', 'a\\\\b', true], ['', '*', true], ['abc', '*', true],
      ['a', 'a*a', false], ['aa', 'a*a', true], ['abcabc', '*b*b*', true], ['abc', '*b*b*', false], ['xyz', 'xyz', true], ['xyz', 'xy', false],
      ['a.b', 'a.b', true], ['axb', 'a.b', false], ['(x)', '(*)', true],
    ];
    for (const [text, pattern, expected] of cases) assert.equal(matchesWildcard(text, pattern), expected, `${text} ~ ${pattern}`);
  });

  it('answers a pattern of many stars over a long hostile input in one pass', { timeout: 20_000 }, () => {
    // A regex of the same shape (^[\s\S]*a[\s\S]*a…b$) takes polynomial time here; the glob walks the text once per star.
    const pattern = `${'*a'.repeat(12)}*b`;
    assert.equal(matchesWildcard('a'.repeat(200_000), pattern), false);
    assert.equal(matchesWildcard(`${'a'.repeat(200_000)}b`, pattern), true);
  });
});
