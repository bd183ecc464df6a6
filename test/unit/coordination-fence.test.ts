import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareFence, parseEpoch, supersedes, type FenceToken } from '../../src/coordination/fence.js';
import {
  decodeObservation,
  encodeObservation,
  ObservationFormatError,
  observationKey,
  sameObservation,
  type Observation,
} from '../../src/coordination/observation.js';

const token = fc.record({ epoch: fc.bigInt({ min: 1n, max: 1n << 62n }), generation: fc.nat() });

describe('fence tokens', () => {
  it('order by epoch first: a later leader wins over any generation of an earlier one', () => {
    expect(compareFence({ epoch: 7n, generation: 1 }, { epoch: 6n, generation: 1_000_000 })).toBeGreaterThan(0);
    expect(compareFence({ epoch: 6n, generation: 3 }, { epoch: 6n, generation: 4 })).toBeLessThan(0);
    expect(supersedes({ epoch: 6n, generation: 4 }, { epoch: 6n, generation: 4 })).toBe(false);
    expect(supersedes({ epoch: 1n, generation: 0 }, undefined)).toBe(true);
  });

  it('is a total order: antisymmetric and transitive for any tokens', () => {
    fc.assert(
      fc.property(token, token, token, (a: FenceToken, b: FenceToken, c: FenceToken) => {
        expect(Math.sign(compareFence(a, b))).toBe(-Math.sign(compareFence(b, a)) || 0);
        if (compareFence(a, b) <= 0 && compareFence(b, c) <= 0) expect(compareFence(a, c)).toBeLessThanOrEqual(0);
        expect(supersedes(a, b) && supersedes(b, a)).toBe(false);
      }),
    );
  });

  it('parses only positive decimal revisions', () => {
    expect(parseEpoch('42')).toBe(42n);
    for (const bad of ['0', '-1', '01', '1.5', '', 'abc']) expect(() => parseEpoch(bad)).toThrow(/positive etcd revision/);
  });
});

describe('observations in etcd', () => {
  const o: Observation = { member: 'aws', targetId: 'app.example.test/azure', state: 'down', since: 10, lastProbeAt: 12, error: 'timeout' };

  it('round-trips through its key and value', () => {
    const key = observationKey('mcf/', o.member, o.targetId);
    expect(key).toBe('mcf/obs/aws/app.example.test%2Fazure');
    expect(decodeObservation('mcf/', key, encodeObservation(o))).toEqual(o);
  });

  it('refuses a value that is not JSON, has unknown fields, or names another member or target than its key', () => {
    const key = observationKey('mcf/', 'aws', o.targetId);
    expect(() => decodeObservation('mcf/', key, '{')).toThrow(ObservationFormatError);
    expect(() => decodeObservation('mcf/', key, JSON.stringify({ ...o, extra: 1 }))).toThrow(/not an observation/);
    expect(() => decodeObservation('mcf/', key, JSON.stringify({ ...o, state: 'fine' }))).toThrow(/state/);
    expect(() => decodeObservation('mcf/', key, encodeObservation({ ...o, member: 'gcp' }))).toThrow(/names member gcp/);
  });

  it('publishes again only when the state, its start or the error changed', () => {
    expect(sameObservation(o, { ...o, lastProbeAt: 99 })).toBe(true);
    expect(sameObservation(o, { ...o, state: 'up' })).toBe(false);
    expect(sameObservation(undefined, o)).toBe(false);
  });
});
