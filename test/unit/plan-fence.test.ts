import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ownershipRecord, parseOwnership, ownershipName } from '../../src/dns/ownership.js';
import { canonicalRecordSet, recordKey } from '../../src/dns/record.js';
import type { RecordSet } from '../../src/dns/record.js';
import { planProvider } from '../../src/plan/plan-provider.js';
import { checkPlan } from '../../src/plan/safety.js';
import { applyPlan } from '../../src/plan/simulate.js';
import { exactRecordToken, providerState } from '../../src/plan/state.js';
import type { ObservedRecord, ProviderState } from '../../src/plan/state.js';

const OWNER = 'ctl';
const APP = 'app.example.test.';
const obs = (rs: RecordSet): ObservedRecord => ({ record: canonicalRecordSet(rs), token: exactRecordToken(rs) });
const a = (...values: string[]): RecordSet => ({ name: APP, type: 'A', ttl: 30, values });
const start = (gen: number, ...values: string[]) =>
  providerState('route53', [obs(a(...values)), obs(ownershipRecord(APP, { owner: OWNER, generation: gen, types: ['A'] }))]);
const valuesOf = (s: ProviderState) => s.records.get(recordKey(APP, 'A'))?.record.values;
const genOf = (s: ProviderState) => {
  const o = s.records.get(recordKey(ownershipName(APP), 'TXT'));
  const p = o ? parseOwnership(o.record) : undefined;
  return p?.ok ? p.ownership.generation : undefined;
};

describe('fence writes: a newer decision that changes no value still beats a slower stale writer', () => {
  it('without a fence the stale plan applies after the newer plan wrote nothing (the gap)', () => {
    const s0 = start(2, '192.0.2.1');
    const stale = planProvider([a('192.0.2.9')], s0, { owner: OWNER, generation: 3 });
    const newer = planProvider([a('192.0.2.1')], s0, { owner: OWNER, generation: 5 });
    expect(newer.changes).toEqual([]);
    const afterStale = applyPlan(s0, stale);
    expect(valuesOf(afterStale.state)).toEqual(['192.0.2.9']);
  });

  it('with the name fenced, the newer plan rewrites it with its generation and the stale plan conflicts', () => {
    const s0 = start(2, '192.0.2.1');
    const stale = planProvider([a('192.0.2.9')], s0, { owner: OWNER, generation: 3 });
    const newer = planProvider([a('192.0.2.1')], s0, { owner: OWNER, generation: 5, fenceNames: [APP] });
    expect(newer.changes.map((c) => c.kind)).toEqual(['update']);
    expect(checkPlan([newer], { owner: OWNER, desired: [a('192.0.2.1')], states: [s0] })).toEqual({ ok: true });
    const s1 = applyPlan(s0, newer).state;
    expect(genOf(s1)).toBe(5);
    const s2 = applyPlan(s1, stale);
    expect(s2.applied).toEqual([]);
    expect(s2.conflicts).toHaveLength(1);
    expect(valuesOf(s2.state)).toEqual(['192.0.2.1']);
    expect(genOf(s2.state)).toBe(5);
  });

  it('a fence is not repeated: the same generation planned again writes nothing (restart)', () => {
    const s1 = applyPlan(
      start(2, '192.0.2.1'),
      planProvider([a('192.0.2.1')], start(2, '192.0.2.1'), { owner: OWNER, generation: 5, fenceNames: [APP] }),
    ).state;
    expect(planProvider([a('192.0.2.1')], s1, { owner: OWNER, generation: 5, fenceNames: [APP] }).changes).toEqual([]);
  });

  it('for every pair of plans made from one state, applying the newer fenced one first means the older never lands', () => {
    const addr = fc.constantFrom('192.0.2.1', '192.0.2.2', '192.0.2.3');
    fc.assert(
      fc.property(
        addr,
        addr,
        addr,
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 5 }),
        (current, oldWant, newWant, gap1, gap2) => {
          const published = 10;
          const s0 = start(published, current);
          const older = planProvider([a(oldWant)], s0, { owner: OWNER, generation: published + gap1, fenceNames: [APP] });
          const newer = planProvider([a(newWant)], s0, { owner: OWNER, generation: published + gap1 + gap2, fenceNames: [APP] });
          const s1 = applyPlan(s0, newer).state;
          const s2 = applyPlan(s1, older).state;
          expect(valuesOf(s2)).toEqual([newWant]);
          expect(genOf(s2)).toBe(published + gap1 + gap2);
        },
      ),
    );
  });
});
