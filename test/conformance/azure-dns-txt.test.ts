/**
 * TXT data between Azure's string arrays and the store's presentation form:
 * exact both ways for any text, including quotes, backslashes, digits after a
 * backslash and control characters.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteTxtString, txtFromPresentation, txtToPresentation } from '../../src/emulators/azure-dns/txt.js';

describe('TXT presentation form', () => {
  it('quotes each string and escapes quotes, backslashes and control characters', () => {
    expect(txtToPresentation(['a "b"', 'c\\d'])).toBe('"a \\"b\\"" "c\\\\d"');
    expect(quoteTxtString('tab\there')).toBe('"tab\\009here"');
    expect(txtToPresentation([''])).toBe('""');
  });

  it('reads zone-file forms: several quoted strings, unquoted words, \\DDD escapes', () => {
    expect(txtFromPresentation('"v=spf1 -all" "second"')).toEqual(['v=spf1 -all', 'second']);
    expect(txtFromPresentation('plain words')).toEqual(['plain', 'words']);
    expect(txtFromPresentation('"\\065\\"\\\\"')).toEqual(['A"\\']);
  });

  it('round-trips any list of strings exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 40 }), { minLength: 1, maxLength: 4 }), (strings) => {
        expect(txtFromPresentation(txtToPresentation(strings))).toEqual(strings);
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
