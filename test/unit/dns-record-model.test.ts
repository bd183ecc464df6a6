import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalRecordSet, canonicalValue, parseTxtStrings, quoteTxt, sameRecordSet, unquoteTxt } from '../../src/dns/record.js';

describe('record model canonical form', () => {
  it.each([
    ['A', ' 192.0.2.1 ', '192.0.2.1'],
    ['AAAA', '2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['CNAME', 'Target.Example.Test', 'target.example.test.'],
    ['TXT', 'plain', '"plain"'],
    ['TXT', '"a b" "c"', '"a b" "c"'],
    ['TXT', '"say \\"hi\\""', '"say \\"hi\\""'],
  ] as const)('%s %s → %s', (type, input, expected) => {
    expect(canonicalValue(type, input)).toBe(expected);
  });

  it('splits TXT presentation into character-strings', () => {
    expect(parseTxtStrings('"a b" "c\\"d" e')).toEqual(['a b', 'c"d', 'e']);
    expect(unquoteTxt('"mcf-owner=x;generation=3"')).toBe('mcf-owner=x;generation=3');
  });

  it('quoteTxt and parseTxtStrings round-trip any single string', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        expect(parseTxtStrings(quoteTxt(s))).toEqual([s]);
      }),
    );
  });

  it('compares record sets independent of order, case and duplicates', () => {
    const a = { name: 'App.Example.Test', type: 'A' as const, ttl: 30, values: ['192.0.2.2', '192.0.2.1', '192.0.2.1'] };
    const b = { name: 'app.example.test.', type: 'A' as const, ttl: 30, values: ['192.0.2.1', '192.0.2.2'] };
    expect(sameRecordSet(a, b)).toBe(true);
    expect(sameRecordSet(a, { ...b, ttl: 60 })).toBe(false);
    expect(canonicalRecordSet(a).values).toEqual(['192.0.2.1', '192.0.2.2']);
  });
});
