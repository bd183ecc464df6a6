import { describe, expect, it } from 'vitest';
import { ownershipRecord } from '../../src/dns/ownership.js';
import { canonicalRecordSet } from '../../src/dns/record.js';
import type { RecordSet, RecordType } from '../../src/dns/record.js';
import type { Change, ProviderPlan } from '../../src/plan/change.js';
import { publishedGenerations } from '../../src/plan/generations.js';
import { planProvider } from '../../src/plan/plan-provider.js';
import { MAX_CHANGE_SHARE, MIN_NAMES_FOR_SHARE_LIMIT, checkPlan } from '../../src/plan/safety.js';
import type { CheckContext } from '../../src/plan/safety.js';
import { applyPlan } from '../../src/plan/simulate.js';
import { exactRecordToken, providerState } from '../../src/plan/state.js';
import type { ObservedRecord, ProviderId } from '../../src/plan/state.js';

const OWNER = 'ctl';
const APP = 'app.example.test.';
const OLD = 'old.example.test.';
const obs = (rs: RecordSet): ObservedRecord => ({ record: canonicalRecordSet(rs), token: exactRecordToken(rs) });
const ownRec = (name: string, generation: number, types: RecordType[] = ['A'], owner = OWNER) =>
  ownershipRecord(name, { owner, generation, types });
const own = (name: string, generation: number, types: RecordType[] = ['A'], owner = OWNER) => obs(ownRec(name, generation, types, owner));
const a = (name: string, ...values: string[]): RecordSet => ({ name, type: 'A', ttl: 30, values });
const plan = (changes: Change[], generation = 5, provider: ProviderId = 'route53'): ProviderPlan => ({
  provider,
  owner: OWNER,
  generation,
  changes,
  skipped: [],
  unchanged: 0,
});
const ctx = (over: Partial<CheckContext> = {}): CheckContext => ({
  owner: OWNER,
  desired: [a(APP, '192.0.2.1')],
  states: [],
  publishedGenerations: new Map(),
  ...over,
});
const update = (name: string, from: RecordSet[], to: RecordSet[], fromGen: number, toGen = 5, types: RecordType[] = ['A']): Change => ({
  kind: 'update',
  name,
  from: from.map(obs),
  to,
  ownershipFrom: own(name, fromGen),
  ownershipTo: ownRec(name, toGen, types),
});
const kinds = (r: ReturnType<typeof checkPlan>) => (r.ok ? [] : r.violations.map((v) => v.kind));

describe('checkPlan: a sound plan', () => {
  it('passes', () => {
    const change = update(APP, [a(APP, '192.0.2.9')], [a(APP, '192.0.2.1')], 4);
    expect(checkPlan([plan([change])], ctx())).toEqual({ ok: true });
  });

  it('exports the octoDNS-like thresholds as named constants', () => {
    expect(MAX_CHANGE_SHARE).toBe(0.3);
    expect(MIN_NAMES_FOR_SHARE_LIMIT).toBe(10);
  });
});

describe('checkPlan I1: never empty', () => {
  it('refuses a record written with no values', () => {
    const create: Change = { kind: 'create', name: APP, records: [a(APP)], ownership: ownRec(APP, 5) };
    const result = checkPlan([plan([create])], ctx({ desired: [a(APP)] }));
    expect(result).toEqual({
      ok: false,
      violations: [
        {
          kind: 'empty-answer',
          invariant: 'I1',
          provider: 'route53',
          name: APP,
          type: 'A',
          message: `route53: ${APP} A would be written with no values; an empty answer is never published`,
        },
      ],
    });
  });

  it('refuses an update that removes a desired type without replacing it', () => {
    const change = update(APP, [a(APP, '192.0.2.1')], [], 4, 5);
    const result = checkPlan([plan([change])], ctx());
    expect(kinds(result)).toEqual(['empty-answer']);
    expect(result.ok ? '' : result.violations[0]?.message).toBe(`route53: ${APP} A would be removed although it is still desired`);
  });

  it('refuses to delete a managed name, desired or paused', () => {
    const del: Change = { kind: 'delete', name: APP, from: [obs(a(APP, '192.0.2.7'))], ownershipFrom: own(APP, 4) };
    expect(kinds(checkPlan([plan([del])], ctx({ desired: [a(APP, '192.0.2.1')] })))).toEqual(['deletes-managed-name']);
    expect(kinds(checkPlan([plan([del])], ctx({ desired: [], managedNames: ['app.example.test'] })))).toEqual(['deletes-managed-name']);
  });
});

describe('checkPlan I2: no stale plan wins', () => {
  it('refuses a plan not newer than a generation published on any provider, naming both', () => {
    const change = update(APP, [a(APP, '192.0.2.9')], [a(APP, '192.0.2.1')], 4, 5);
    const published = new Map([
      ['route53' as const, new Map([[APP, 4]])],
      ['azure' as const, new Map([['api.example.test.', 7]])],
    ]);
    const result = checkPlan([plan([change])], ctx({ publishedGenerations: published }));
    expect(result).toEqual({
      ok: false,
      violations: [
        {
          kind: 'stale-generation',
          invariant: 'I2',
          provider: 'route53',
          name: APP,
          names: [APP],
          planGeneration: 5,
          published: { provider: 'azure', name: 'api.example.test.', generation: 7 },
          message: `route53: plan generation 5 would change ${APP}, but generation 7 is already published for api.example.test. on azure; a newer plan has been applied: re-read all providers and re-plan`,
        },
      ],
    });
  });

  it('refuses an equal generation, and one older than the ownership the plan itself replaces', () => {
    const equal = update(APP, [a(APP, '192.0.2.9')], [a(APP, '192.0.2.1')], 5, 5);
    expect(kinds(checkPlan([plan([equal])], ctx()))).toEqual(['stale-generation']);
    const older = update(APP, [a(APP, '192.0.2.9')], [a(APP, '192.0.2.1')], 6, 5);
    expect(kinds(checkPlan([plan([older])], ctx()))).toEqual(['stale-generation']);
  });

  it('ignores published generations when the plan changes nothing', () => {
    expect(checkPlan([plan([])], ctx({ publishedGenerations: new Map([['azure', new Map([[APP, 99]])]]) }))).toEqual({ ok: true });
  });

  it('refuses an ownership write that does not carry this owner and generation or does not cover its records', () => {
    const wrongGen = update(APP, [a(APP, '192.0.2.9')], [a(APP, '192.0.2.1')], 4, 3);
    const result = checkPlan([plan([wrongGen])], ctx());
    expect(result.ok ? [] : result.violations.map((v) => v.message)).toEqual([
      `route53: ${APP} would write ownership owner 'ctl' generation 3, expected owner 'ctl' generation 5`,
    ]);
    const uncovered = update(APP, [], [a(APP, '192.0.2.1'), { name: APP, type: 'AAAA', ttl: 30, values: ['2001:db8::1'] }], 4, 5, ['A']);
    const r2 = checkPlan([plan([uncovered])], ctx());
    expect(r2.ok ? [] : r2.violations.map((v) => v.message)).toEqual([
      `route53: ${APP} would write AAAA without listing it in its ownership record`,
    ]);
  });
});

describe('checkPlan I3: clean-up never removes what is live', () => {
  it('refuses a clean-up that would delete an address still desired elsewhere', () => {
    const del: Change = { kind: 'delete', name: OLD, from: [obs(a(OLD, '192.0.2.1', '192.0.2.5'))], ownershipFrom: own(OLD, 4) };
    const result = checkPlan([plan([del])], ctx());
    expect(result).toEqual({
      ok: false,
      violations: [
        {
          kind: 'deletes-live-value',
          invariant: 'I3',
          provider: 'route53',
          name: OLD,
          type: 'A',
          value: '192.0.2.1',
          liveAt: APP,
          message: `route53: clean-up of ${OLD} A would delete 192.0.2.1, which is live at ${APP}; remove ${OLD} by hand if that is really meant`,
        },
      ],
    });
  });

  it('allows the clean-up of a name whose values are not live', () => {
    const del: Change = { kind: 'delete', name: OLD, from: [obs(a(OLD, '192.0.2.5'))], ownershipFrom: own(OLD, 4) };
    expect(checkPlan([plan([del])], ctx())).toEqual({ ok: true });
  });

  it('refuses to touch a name owned by someone else, or a type its ownership does not list', () => {
    const foreign: Change = { kind: 'delete', name: OLD, from: [obs(a(OLD, '192.0.2.5'))], ownershipFrom: own(OLD, 4, ['A'], 'other') };
    const r1 = checkPlan([plan([foreign])], ctx());
    expect(r1.ok ? [] : r1.violations.map((v) => v.message)).toEqual([
      `route53: delete of ${OLD} refused, it belongs to owner 'other'; owner 'ctl' only changes names it owns`,
    ]);
    const unlisted: Change = {
      kind: 'delete',
      name: OLD,
      from: [obs({ name: OLD, type: 'TXT', ttl: 30, values: ['"hand-made"'] })],
      ownershipFrom: own(OLD, 4, ['A']),
    };
    const r2 = checkPlan([plan([unlisted])], ctx());
    expect(r2.ok ? [] : r2.violations.map((v) => v.message)).toEqual([
      `route53: delete of ${OLD} would remove ${OLD} TXT, which its ownership record (type=A) does not cover`,
    ]);
    const elsewhere: Change = { kind: 'delete', name: OLD, from: [obs(a(OLD, '192.0.2.5'))], ownershipFrom: own(APP, 4) };
    expect(kinds(checkPlan([plan([elsewhere])], ctx()))).toEqual(['touches-unowned']);
  });
});

describe('checkPlan I7: blast radius', () => {
  const names = Array.from({ length: 10 }, (_, i) => `n${i}.example.test.`);
  const desired = names.map((n) => a(n, '192.0.2.1'));
  const updates = (count: number) => names.slice(0, count).map((n) => update(n, [a(n, '192.0.2.2')], [a(n, '192.0.2.1')], 4));

  it('allows exactly the limit and refuses one more, with exact numbers', () => {
    expect(checkPlan([plan(updates(3))], ctx({ desired, maxChangeShare: 0.3, minNamesForShareLimit: 10 }))).toEqual({ ok: true });
    const result = checkPlan([plan(updates(4))], ctx({ desired, maxChangeShare: 0.3, minNamesForShareLimit: 10 }));
    expect(result).toEqual({
      ok: false,
      violations: [
        {
          kind: 'blast-radius',
          invariant: 'I7',
          changed: 4,
          managed: 10,
          limit: 0.3,
          message:
            'plan changes 4 of 10 managed names (40%), over the limit of 30% (safety.maxChangeShare); re-run with --force to apply anyway',
        },
      ],
    });
  });

  it('counts a name once across providers, and does not count creates', () => {
    const perProvider = (['route53', 'azure', 'clouddns'] as const).map((p) => plan(updates(3), 5, p));
    expect(checkPlan(perProvider, ctx({ desired }))).toEqual({ ok: true });
    const creates: Change[] = names.map((n) => ({ kind: 'create', name: n, records: [a(n, '192.0.2.1')], ownership: ownRec(n, 5) }));
    expect(checkPlan([plan(creates)], ctx({ desired }))).toEqual({ ok: true });
  });

  it('prints fractional shares with one decimal', () => {
    const result = checkPlan([plan(updates(1))], ctx({ desired: desired.slice(0, 3), maxChangeShare: 0.25, minNamesForShareLimit: 3 }));
    expect(result.ok ? '' : result.violations[0]?.message).toBe(
      'plan changes 1 of 3 managed names (33.3%), over the limit of 25% (safety.maxChangeShare); re-run with --force to apply anyway',
    );
  });

  it('does not apply below minNamesForShareLimit, nor with --force (which lifts nothing else)', () => {
    expect(checkPlan([plan(updates(4))], ctx({ desired: desired.slice(0, 9), minNamesForShareLimit: 10 }))).toEqual({ ok: true });
    expect(checkPlan([plan(updates(10))], ctx({ desired, force: true }))).toEqual({ ok: true });
    const emptying = update(names[0] as string, [a(names[0] as string, '192.0.2.2')], [], 4);
    expect(kinds(checkPlan([plan([emptying])], ctx({ desired, force: true })))).toEqual(['empty-answer']);
  });
});

describe('the October 2025 race, replayed', () => {
  it('refuses the delayed enactor twice over: its CAS fails and its generation is stale', () => {
    // Two enactors read the same state; B (generation 7) applies first, A (generation 5) wakes up late.
    const s0 = providerState('route53', [obs(a(APP, '192.0.2.1')), own(APP, 4)]);
    const planA = planProvider([a(APP, '192.0.2.5')], s0, { owner: OWNER, generation: 5 });
    const planB = planProvider([a(APP, '192.0.2.7')], s0, { owner: OWNER, generation: 7 });
    const afterB = applyPlan(s0, planB);
    expect(afterB.conflicts).toEqual([]);

    const published = publishedGenerations([afterB.state], OWNER);
    const verdict = checkPlan([planA], ctx({ desired: [a(APP, '192.0.2.5')], publishedGenerations: published }));
    expect(kinds(verdict)).toEqual(['stale-generation']);
    // Even if the check were skipped, the conditional write refuses it.
    const late = applyPlan(afterB.state, planA);
    expect(late.applied).toEqual([]);
    expect(late.conflicts.map((c) => c.reason)).toEqual([`${APP} A changed since it was read`]);
    // And re-planning from fresh state with A's old generation changes nothing.
    expect(planProvider([a(APP, '192.0.2.5')], afterB.state, { owner: OWNER, generation: 5 }).skipped.map((s) => s.reason)).toEqual([
      'stale-generation',
    ]);
  });
});
