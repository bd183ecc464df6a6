import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeOwnership,
  isOwnershipName,
  ownedName,
  ownershipName,
  ownershipRecord,
  parseOwnership,
  parseOwnershipValue,
} from '../../src/dns/ownership.js';
import { MANAGED_TYPES } from '../../src/dns/record.js';

describe('ownership names', () => {
  it('puts the ownership record beside the name under _mcf', () => {
    expect(ownershipName('App.Example.Test')).toBe('_mcf.app.example.test.');
    expect(ownershipName('app.example.test.')).toBe('_mcf.app.example.test.');
    expect(isOwnershipName('_mcf.app.example.test.')).toBe(true);
    expect(isOwnershipName('app.example.test.')).toBe(false);
    expect(isOwnershipName('x_mcf.app.example.test.')).toBe(false);
    expect(ownedName('_mcf.app.example.test.')).toBe('app.example.test.');
    expect(ownedName('app.example.test.')).toBeUndefined();
  });
});

describe('encodeOwnership / ownershipRecord', () => {
  it('encodes owner, generation and the sorted type list', () => {
    expect(encodeOwnership({ owner: 'ctl-1', generation: 42, types: ['AAAA', 'A'] })).toBe('mcf-owner=ctl-1;generation=42;type=A,AAAA');
    expect(ownershipRecord('app.example.test', { owner: 'ctl-1', generation: 7, types: ['A'] })).toEqual({
      name: '_mcf.app.example.test.',
      type: 'TXT',
      ttl: 300,
      values: ['"mcf-owner=ctl-1;generation=7;type=A"'],
    });
  });

  it.each([
    [{ owner: 'bad owner', generation: 1, types: ['A' as const] }, /invalid owner/],
    [{ owner: 'ok', generation: -1, types: ['A' as const] }, /invalid generation/],
    [{ owner: 'ok', generation: 1.5, types: ['A' as const] }, /invalid generation/],
    [{ owner: 'ok', generation: 1, types: [] }, /at least one record type/],
  ])('refuses to encode %j', (o, message) => {
    expect(() => encodeOwnership(o)).toThrow(message);
  });
});

describe('parseOwnershipValue', () => {
  it('parses quoted and bare values', () => {
    expect(parseOwnershipValue('"mcf-owner=ctl-1;generation=0;type=CNAME"')).toEqual({
      ok: true,
      ownership: { owner: 'ctl-1', generation: 0, types: ['CNAME'] },
    });
    expect(parseOwnershipValue('mcf-owner=a.b_c;generation=9007199254740991;type=TXT,A')).toEqual({
      ok: true,
      ownership: { owner: 'a.b_c', generation: 9007199254740991, types: ['A', 'TXT'] },
    });
  });

  it.each([
    ['"v=spf1 -all"', 'foreign', /not an ownership record/],
    ['"heritage=external-dns,external-dns/owner=default"', 'foreign', /not an ownership record/],
    ['"mcf-owner=ctl;generation=1"', 'malformed', /garbled/],
    ['"mcf-owner=ctl;generation=1;type=A;extra=1"', 'malformed', /garbled/],
    ['"mcf-owner=ctl;type=A;generation=1"', 'malformed', /garbled/],
    ['"mcf-owner=;generation=1;type=A"', 'malformed', /owner '' is invalid/],
    ['"mcf-owner=c tl;generation=1;type=A"', 'malformed', /owner 'c tl' is invalid/],
    ['"mcf-owner=ctl;generation=01;type=A"', 'malformed', /generation '01' is invalid/],
    ['"mcf-owner=ctl;generation=-1;type=A"', 'malformed', /generation '-1' is invalid/],
    ['"mcf-owner=ctl;generation=1e3;type=A"', 'malformed', /generation '1e3' is invalid/],
    ['"mcf-owner=ctl;generation=99999999999999999999;type=A"', 'malformed', /generation '99999999999999999999' is invalid/],
    ['"mcf-owner=ctl;generation=1;type=MX"', 'malformed', /type 'MX' is invalid/],
    ['"mcf-owner=ctl;generation=1;type="', 'malformed', /type '' is invalid/],
    ['"mcf-owner=ctl;generation=1;type=A,A"', 'malformed', /repeats a type/],
  ])('reports %s as %s', (value, kind, message) => {
    const parsed = parseOwnershipValue(value);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.kind).toBe(kind);
    expect(parsed.error.message).toMatch(message);
  });
});

describe('parseOwnership (record set)', () => {
  it('needs a TXT with exactly one value', () => {
    const base = { name: '_mcf.app.example.test.', ttl: 300 };
    const notTxt = parseOwnership({ ...base, type: 'A', values: ['192.0.2.1'] });
    expect(notTxt.ok ? undefined : notTxt.error.kind).toBe('not-txt');
    const two = parseOwnership({
      ...base,
      type: 'TXT',
      values: ['"mcf-owner=a;generation=1;type=A"', '"mcf-owner=b;generation=2;type=A"'],
    });
    expect(two.ok ? undefined : two.error.kind).toBe('value-count');
    expect(two.ok ? '' : two.error.message).toMatch(/has 2 values; an ownership record has exactly one/);
    const none = parseOwnership({ ...base, type: 'TXT', values: [] });
    expect(none.ok ? undefined : none.error.kind).toBe('value-count');
  });

  it('round-trips every valid ownership', () => {
    const ownership = fc.record({
      owner: fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/),
      generation: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
      types: fc.uniqueArray(fc.constantFrom(...MANAGED_TYPES), { minLength: 1 }),
    });
    fc.assert(
      fc.property(ownership, (o) => {
        const parsed = parseOwnership(ownershipRecord('x.example.test', o));
        expect(parsed).toEqual({ ok: true, ownership: { ...o, types: MANAGED_TYPES.filter((t) => o.types.includes(t)) } });
      }),
    );
  });

  it('never throws on arbitrary TXT text', () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const parsed = parseOwnershipValue(text);
        if (parsed.ok) expect(parseOwnershipValue(encodeOwnership(parsed.ownership))).toEqual(parsed);
        else expect(parsed.error.message.length).toBeGreaterThan(0);
      }),
    );
  });
});
