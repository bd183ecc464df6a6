/**
 * Properties of planner + safety checks + conditional apply, over generated
 * provider states (random names, values, owners, generations, missing,
 * foreign and garbled ownership) and generated desired states. The plans fed
 * to checkPlan are the planner's, sometimes corrupted on purpose, so that the
 * checks are tested as an independent guard and not only on good input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOwnershipName, ownedName, ownershipName, ownershipRecord, parseOwnership } from '../../src/dns/ownership.js';
import { MANAGED_TYPES, canonicalRecordSet, recordKey } from '../../src/dns/record.js';
import type { RecordSet, RecordType } from '../../src/dns/record.js';
import type { Change, ProviderPlan } from '../../src/plan/change.js';
import { newestPublished, nextGeneration, publishedGenerations } from '../../src/plan/generations.js';
import { planProvider } from '../../src/plan/plan-provider.js';
import { checkPlan } from '../../src/plan/safety.js';
import { applyPlan } from '../../src/plan/simulate.js';
import { PROVIDER_IDS, exactRecordToken, providerState } from '../../src/plan/state.js';
import type { ObservedRecord, ProviderId, ProviderState } from '../../src/plan/state.js';

const OWNER = 'ctl';
const NAMES = ['a', 'b', 'c', 'd', 'e', '_mcf.f'].map((n) => `${n}.example.test.`);
const VALUES: Record<RecordType, string[]> = {
  A: ['192.0.2.1', '192.0.2.2', '192.0.2.3'],
  AAAA: ['2001:db8::1', '2001:db8::2'],
  CNAME: ['x.example.test.', 'y.example.test.'],
  TXT: ['"t1"', '"t2"'],
};

const obs = (rs: RecordSet): ObservedRecord => ({ record: canonicalRecordSet(rs), token: exactRecordToken(rs) });
const valuesArb = (type: RecordType, allowEmpty: boolean) => {
  const nonEmpty = fc.subarray(VALUES[type], { minLength: 1, maxLength: type === 'CNAME' ? 1 : undefined });
  return allowEmpty ? fc.oneof({ weight: 9, arbitrary: nonEmpty }, { weight: 1, arbitrary: fc.constant([] as string[]) }) : nonEmpty;
};
const recordArb = (name: string, type: RecordType, allowEmpty: boolean) =>
  fc.record({ ttl: fc.constantFrom(30, 60), values: valuesArb(type, allowEmpty) }).map((r) => canonicalRecordSet({ name, type, ...r }));

const ownershipArb = (name: string) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant<RecordSet[]>([]) },
    {
      weight: 4,
      arbitrary: fc
        .record({ g: fc.nat(10), t: fc.subarray([...MANAGED_TYPES], { minLength: 1 }) })
        .map(({ g, t }) => [ownershipRecord(name, { owner: OWNER, generation: g, types: t })]),
    },
    { weight: 2, arbitrary: fc.nat(10).map((g) => [ownershipRecord(name, { owner: 'other', generation: g, types: ['A', 'CNAME'] })]) },
    {
      weight: 1,
      arbitrary: fc.constant([
        { name: ownershipName(name), type: 'TXT' as const, ttl: 300, values: ['"mcf-owner=ctl;generation=?;type=A"'] },
      ]),
    },
    {
      weight: 1,
      arbitrary: fc.constant([
        {
          name: ownershipName(name),
          type: 'TXT' as const,
          ttl: 300,
          values: ['"mcf-owner=ctl;generation=1;type=A"', '"mcf-owner=x;generation=2;type=A"'],
        },
      ]),
    },
  );

const nameStateArb = (name: string) =>
  fc
    .tuple(ownershipArb(name), ...MANAGED_TYPES.map((t) => fc.option(recordArb(name, t, false), { nil: undefined, freq: 2 })))
    .map(([own, ...records]) => [...own, ...records.filter((r): r is RecordSet => r !== undefined)]);

const stateArb = (provider: ProviderId) =>
  fc.tuple(...NAMES.map(nameStateArb)).map((perName) => providerState(provider, perName.flat().map(obs)));

const desiredArb = fc
  .subarray(NAMES)
  .chain((names) =>
    fc.tuple(
      ...names.map((n) =>
        fc.subarray([...MANAGED_TYPES], { minLength: 1, maxLength: 2 }).chain((ts) => fc.tuple(...ts.map((t) => recordArb(n, t, true)))),
      ),
    ),
  )
  .map((perName) => perName.flat());

const worldArb = fc.subarray([...PROVIDER_IDS], { minLength: 1 }).chain((providers) =>
  fc.record({
    states: fc.tuple(...providers.map(stateArb)),
    desired: desiredArb,
    paused: fc.subarray(NAMES, { maxLength: 2 }),
    generationOffset: fc.integer({ min: -3, max: 2 }),
    force: fc.boolean(),
    maxChangeShare: fc.constantFrom(0.3, 0.5, 1),
    minNamesForShareLimit: fc.constantFrom(0, 3, 10),
    mutation: fc.record({
      kind: fc.constantFrom(
        'none',
        'none',
        'empty-values',
        'drop-to',
        'update-to-delete',
        'older-generation',
        'delete-name',
        'delete-name',
        'remove-extra',
      ),
      at: fc.nat(50),
      name: fc.constantFrom(...NAMES),
    }),
  }),
);
type World = typeof worldArb extends fc.Arbitrary<infer W> ? W : never;

// ── on-purpose corruption, to test the checks as a guard ──────────────────

function rewriteGeneration(change: Change, generation: number): Change {
  const retag = (rs: RecordSet) => {
    const parsed = parseOwnership(rs);
    return parsed.ok ? ownershipRecord(change.name, { ...parsed.ownership, generation }) : rs;
  };
  if (change.kind === 'create') return { ...change, ownership: retag(change.ownership) };
  if (change.kind === 'update') return { ...change, ownershipTo: retag(change.ownershipTo) };
  return change;
}

function recordsAt(state: ProviderState, name: string): ObservedRecord[] {
  return [...state.records.values()].filter((o) => o.record.name === name);
}

function corrupt(plan: ProviderPlan, state: ProviderState, m: World['mutation']): ProviderPlan {
  const changes = [...plan.changes];
  const i = changes.length > 0 ? m.at % changes.length : -1;
  const target = changes[i];
  switch (m.kind) {
    case 'empty-values':
      if (target?.kind === 'create')
        changes[i] = { ...target, records: target.records.map((r, j) => (j === 0 ? { ...r, values: [] } : r)) };
      if (target?.kind === 'update' && target.to.length > 0)
        changes[i] = { ...target, to: target.to.map((r, j) => (j === 0 ? { ...r, values: [] } : r)) };
      break;
    case 'drop-to':
      if (target?.kind === 'update') changes[i] = { ...target, to: [] };
      break;
    case 'update-to-delete':
      if (target?.kind === 'update')
        changes[i] = { kind: 'delete', name: target.name, from: target.from, ownershipFrom: target.ownershipFrom };
      break;
    case 'older-generation': {
      const generation = Math.max(1, plan.generation - 1 - (m.at % 3));
      return { ...plan, generation, changes: changes.map((c) => rewriteGeneration(c, generation)) };
    }
    case 'delete-name': {
      if (isOwnershipName(m.name)) break;
      const ownership = state.records.get(recordKey(ownershipName(m.name), 'TXT')) ?? {
        record: ownershipRecord(m.name, { owner: OWNER, generation: 0, types: ['A'] }),
        token: 'made-up',
      };
      const del: Change = { kind: 'delete', name: m.name, from: recordsAt(state, m.name), ownershipFrom: ownership };
      return { ...plan, changes: [...changes.filter((c) => c.name !== m.name), del] };
    }
    case 'remove-extra':
      if (target?.kind === 'update') {
        const extra = recordsAt(state, target.name).find((o) => !target.from.some((f) => f.record.type === o.record.type));
        if (extra) changes[i] = { ...target, from: [...target.from, extra] };
      }
      break;
  }
  return { ...plan, changes };
}

// ── reading states ─────────────────────────────────────────────────────────

function valueCount(state: ProviderState, name: string): number {
  return [...state.records.values()].filter((o) => o.record.name === name).reduce((n, o) => n + o.record.values.length, 0);
}

function ours(state: ProviderState, name: string) {
  const o = state.records.get(recordKey(ownershipName(name), 'TXT'));
  const parsed = o ? parseOwnership(o.record) : undefined;
  return parsed?.ok && parsed.ownership.owner === OWNER ? parsed.ownership : undefined;
}

function setup(w: World) {
  const states = w.states as ProviderState[];
  const published = publishedGenerations(states, OWNER);
  const generation = Math.max(1, nextGeneration(published) + w.generationOffset);
  const managedNames = [...new Set([...w.desired.map((d) => d.name), ...w.paused])];
  const plans = states.map((s) => planProvider(w.desired, s, { owner: OWNER, generation, managedNames }));
  return { states, published, generation, managedNames, plans };
}

describe('planner + checkPlan + conditional apply: for all generated states', () => {
  it('a plan that passes checkPlan never empties a name, never regresses a generation, never removes live or unowned data, and respects the change share', () => {
    let passed = 0;
    let changedSomething = 0;
    fc.assert(
      fc.property(worldArb, (w) => {
        const { states, published, managedNames, plans: honest } = setup(w);
        const plans = honest.map((p, i) => corrupt(p, states[i] as ProviderState, w.mutation));
        const verdict = checkPlan(plans, {
          owner: OWNER,
          desired: w.desired,
          managedNames,
          states,
          publishedGenerations: published,
          maxChangeShare: w.maxChangeShare,
          minNamesForShareLimit: w.minNamesForShareLimit,
          force: w.force,
        });
        if (!verdict.ok) return;
        passed += 1;
        const desiredNames = new Set(w.desired.map((d) => d.name));
        const desiredValues = new Set(w.desired.flatMap((d) => d.values.map((v) => `${d.type} ${v}`)));
        const newest = newestPublished(published)?.generation ?? 0;

        plans.forEach((plan, i) => {
          const before = states[i] as ProviderState;
          const { state: after, applied } = applyPlan(before, plan);
          if (applied.length > 0) changedSomething += 1;
          const changedNames = new Set(applied.map((c) => c.name));

          // (i) never empty: no managed name loses its last value, no desired record loses its values
          for (const name of managedNames) {
            if (valueCount(before, name) > 0) expect(valueCount(after, name), `${name} emptied on ${plan.provider}`).toBeGreaterThan(0);
            if (desiredNames.has(name) && changedNames.has(name))
              expect(valueCount(after, name), `${name} written empty`).toBeGreaterThan(0);
          }
          for (const d of w.desired) {
            const key = recordKey(d.name, d.type);
            if ((before.records.get(key)?.record.values.length ?? 0) > 0)
              expect(after.records.get(key)?.record.values.length ?? 0, `${key} emptied`).toBeGreaterThan(0);
          }
          // (ii) generations only move forward, past everything published anywhere
          for (const name of NAMES) {
            const was = ours(before, name);
            const now = ours(after, name);
            if (was && now) expect(now.generation).toBeGreaterThanOrEqual(was.generation);
            if (changedNames.has(name) && now) {
              expect(now.generation).toBe(plan.generation);
              expect(plan.generation).toBeGreaterThan(newest);
            }
          }
          // (iii) only owned records change; clean-up removes no live value
          for (const [key, o] of before.records) {
            const kept = after.records.get(key);
            if (kept && kept.token === o.token) continue;
            const owner = ownedName(o.record.name);
            if (o.record.type === 'TXT' && owner !== undefined) {
              expect(ours(before, owner), `foreign ownership ${key} changed`).toBeDefined();
              continue;
            }
            expect(ours(before, o.record.name)?.types, `unowned ${key} changed`).toContain(o.record.type);
            if (!kept && !managedNames.includes(o.record.name)) {
              for (const v of o.record.values) expect(desiredValues.has(`${o.record.type} ${v}`), `live ${v} deleted`).toBe(false);
            }
          }
        });
        // (iv) change share
        const managed = managedNames.length;
        if (!w.force && managed > 0 && managed >= w.minNamesForShareLimit) {
          const changed = new Set(plans.flatMap((p) => p.changes.filter((c) => c.kind !== 'create').map((c) => c.name))).size;
          expect(changed / managed).toBeLessThanOrEqual(w.maxChangeShare);
        }
      }),
      { numRuns: 1000 },
    );
    // The property is only worth something if many plans pass and write.
    expect(passed).toBeGreaterThan(100);
    expect(changedSomething).toBeGreaterThan(50);
  });

  it('the planner itself never trips the structural checks (ownership, generation, emptiness of what it writes from non-empty desires)', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const { states, managedNames, plans } = setup({ ...w, generationOffset: 0 });
        const verdict = checkPlan(plans, { owner: OWNER, desired: w.desired, managedNames, states, force: true });
        const structural = verdict.ok
          ? []
          : verdict.violations.filter(
              (v) => v.kind !== 'deletes-live-value' && !(v.kind === 'empty-answer' && w.desired.some((d) => d.values.length === 0)),
            );
        expect(structural).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('planning is idempotent: after applying a plan, a restarted controller plans no change', () => {
    fc.assert(
      fc.property(worldArb, (w) => {
        const { states, generation, managedNames, plans } = setup({ ...w, generationOffset: 0 });
        plans.forEach((plan, i) => {
          const { state, conflicts } = applyPlan(states[i] as ProviderState, plan);
          expect(conflicts).toEqual([]);
          const again = planProvider(w.desired, state, { owner: OWNER, generation: generation + 1, managedNames });
          expect(again.changes).toEqual([]);
          expect(again.skipped.filter((s) => s.reason === 'stale-generation')).toEqual([]);
        });
      }),
      { numRuns: 300 },
    );
  });
});
