import { describe, expect, it } from 'vitest';
import { ownershipRecord } from '../../src/dns/ownership.js';
import { canonicalRecordSet } from '../../src/dns/record.js';
import type { RecordSet, RecordType } from '../../src/dns/record.js';
import { PlanInputError, planProvider } from '../../src/plan/plan-provider.js';
import { exactRecordToken, providerState } from '../../src/plan/state.js';
import type { ObservedRecord } from '../../src/plan/state.js';

const OWNER = 'ctl';
const obs = (rs: RecordSet): ObservedRecord => ({ record: canonicalRecordSet(rs), token: exactRecordToken(rs) });
const own = (name: string, generation: number, types: RecordType[] = ['A'], owner = OWNER) =>
  obs(ownershipRecord(name, { owner, generation, types }));
const rec = (name: string, type: RecordType, ...values: string[]): RecordSet => ({ name, type, ttl: 30, values });
const a = (name: string, ...values: string[]) => rec(name, 'A', ...values);
const state = (...records: ObservedRecord[]) => providerState('route53', records);
const APP = 'app.example.test.';

describe('planProvider: creating and updating owned names', () => {
  it('creates an absent name together with its ownership record', () => {
    const plan = planProvider([a('App.Example.Test', '192.0.2.2', '192.0.2.1')], state(), { owner: OWNER, generation: 5 });
    expect(plan).toEqual({
      provider: 'route53',
      owner: OWNER,
      generation: 5,
      changes: [
        {
          kind: 'create',
          name: APP,
          records: [a(APP, '192.0.2.1', '192.0.2.2')],
          ownership: ownershipRecord(APP, { owner: OWNER, generation: 5, types: ['A'] }),
        },
      ],
      skipped: [],
      unchanged: 0,
    });
  });

  it('changes nothing when the values are right, even if the ownership generation is older (restart)', () => {
    const plan = planProvider([a(APP, '192.0.2.1')], state(obs(a(APP, '192.0.2.1')), own(APP, 3)), { owner: OWNER, generation: 9 });
    expect(plan.changes).toEqual([]);
    expect(plan.skipped).toEqual([]);
    expect(plan.unchanged).toBe(1);
  });

  it('updates an owned name conditionally on the observed record and ownership', () => {
    const current = obs(a(APP, '192.0.2.1'));
    const ownership = own(APP, 3);
    const plan = planProvider([a(APP, '192.0.2.9')], state(current, ownership), { owner: OWNER, generation: 4 });
    expect(plan.changes).toEqual([
      {
        kind: 'update',
        name: APP,
        from: [current],
        to: [a(APP, '192.0.2.9')],
        ownershipFrom: ownership,
        ownershipTo: ownershipRecord(APP, { owner: OWNER, generation: 4, types: ['A'] }),
      },
    ]);
  });

  it('treats a TTL difference as a change', () => {
    const plan = planProvider([{ ...a(APP, '192.0.2.1'), ttl: 60 }], state(obs(a(APP, '192.0.2.1')), own(APP, 1)), {
      owner: OWNER,
      generation: 2,
    });
    expect(plan.changes.map((c) => c.kind)).toEqual(['update']);
  });

  it('re-creates a hand-deleted record of an owned name as a conditional create inside an update', () => {
    const ownership = own(APP, 1);
    const plan = planProvider([a(APP, '192.0.2.1')], state(ownership), { owner: OWNER, generation: 2 });
    expect(plan.changes).toEqual([
      {
        kind: 'update',
        name: APP,
        from: [],
        to: [a(APP, '192.0.2.1')],
        ownershipFrom: ownership,
        ownershipTo: ownershipRecord(APP, { owner: OWNER, generation: 2, types: ['A'] }),
      },
    ]);
  });

  it('switches an owned A to a CNAME in one change', () => {
    const current = obs(a(APP, '192.0.2.1'));
    const plan = planProvider([rec(APP, 'CNAME', 'lb.example.test')], state(current, own(APP, 1)), { owner: OWNER, generation: 2 });
    const change = plan.changes[0];
    expect(change?.kind).toBe('update');
    if (change?.kind !== 'update') return;
    expect(change.from).toEqual([current]);
    expect(change.to).toEqual([rec(APP, 'CNAME', 'lb.example.test.')]);
    expect(change.ownershipTo.values).toEqual(['"mcf-owner=ctl;generation=2;type=CNAME"']);
  });

  it('creates a name next to a foreign TXT of another type, but never next to a CNAME', () => {
    const verification = obs(rec(APP, 'TXT', '"site-verification=abc"'));
    const plan = planProvider([a(APP, '192.0.2.1')], state(verification), { owner: OWNER, generation: 1 });
    expect(plan.changes.map((c) => [c.kind, c.name])).toEqual([['create', APP]]);
    const cname = planProvider([a(APP, '192.0.2.1')], state(obs(rec(APP, 'CNAME', 'other.example.test.'))), {
      owner: OWNER,
      generation: 1,
    });
    expect(cname.changes).toEqual([]);
    expect(cname.skipped).toEqual([expect.objectContaining({ name: APP, type: 'A', reason: 'unowned-record' })]);
  });
});

describe('planProvider: what it leaves alone', () => {
  it('does not adopt an existing record without ownership, and says how to hand it over', () => {
    const plan = planProvider([a(APP, '192.0.2.9')], state(obs(a(APP, '192.0.2.1'))), { owner: OWNER, generation: 1 });
    expect(plan.changes).toEqual([]);
    expect(plan.skipped).toEqual([
      {
        name: APP,
        type: 'A',
        reason: 'unowned-record',
        detail: `${APP} 30 A 192.0.2.1 exists without an ownership record; delete it, or hand it over by creating TXT _mcf.${APP} "mcf-owner=ctl;generation=0;type=A"`,
      },
    ]);
  });

  it('skips a name owned by someone else', () => {
    const plan = planProvider([a(APP, '192.0.2.9')], state(obs(a(APP, '192.0.2.1')), own(APP, 1, ['A'], 'other')), {
      owner: OWNER,
      generation: 2,
    });
    expect(plan.changes).toEqual([]);
    expect(plan.skipped).toEqual([
      { name: APP, reason: 'foreign-owner', detail: `${APP} belongs to owner 'other' (TXT _mcf.${APP}); owner 'ctl' leaves it alone` },
    ]);
  });

  it('skips a name whose ownership record is garbled', () => {
    const garbled = obs(rec(`_mcf.${APP}`, 'TXT', '"mcf-owner=ctl;generation=x;type=A"'));
    const plan = planProvider([a(APP, '192.0.2.9')], state(obs(a(APP, '192.0.2.1')), garbled), { owner: OWNER, generation: 2 });
    expect(plan.changes).toEqual([]);
    expect(plan.skipped[0]?.reason).toBe('unreadable-ownership');
    expect(plan.skipped[0]?.detail).toMatch(/generation 'x' is invalid.*fix or delete TXT _mcf\.app\.example\.test\. by hand/);
  });

  it('skips a change to a name written by the same or a newer generation (stale plan)', () => {
    for (const published of [7, 8]) {
      const plan = planProvider([a(APP, '192.0.2.9')], state(obs(a(APP, '192.0.2.1')), own(APP, published)), {
        owner: OWNER,
        generation: 7,
      });
      expect(plan.changes).toEqual([]);
      expect(plan.skipped).toEqual([
        {
          name: APP,
          reason: 'stale-generation',
          detail: `${APP} was last changed by generation ${published} on route53, not older than this plan's generation 7; re-read all providers and re-plan`,
        },
      ]);
    }
  });

  it('updates the owned type and skips a type held by an unowned record at the same name', () => {
    const current = obs(a(APP, '192.0.2.1'));
    const foreignAaaa = obs(rec(APP, 'AAAA', '2001:db8::1'));
    const plan = planProvider([a(APP, '192.0.2.9'), rec(APP, 'AAAA', '2001:db8::9')], state(current, foreignAaaa, own(APP, 1)), {
      owner: OWNER,
      generation: 2,
    });
    expect(plan.skipped.map((s) => [s.name, s.type, s.reason])).toEqual([[APP, 'AAAA', 'unowned-record']]);
    const change = plan.changes[0];
    if (change?.kind !== 'update') throw new Error('expected an update');
    expect(change.from).toEqual([current]);
    expect(change.to).toEqual([a(APP, '192.0.2.9')]);
    expect(change.ownershipTo.values).toEqual(['"mcf-owner=ctl;generation=2;type=A"']);
  });

  it('keeps an owned A when its replacement CNAME would clash with an unowned record (never empties the name)', () => {
    const plan = planProvider(
      [rec(APP, 'CNAME', 'lb.example.test.')],
      state(obs(a(APP, '192.0.2.1')), obs(rec(APP, 'TXT', '"x"')), own(APP, 1)),
      { owner: OWNER, generation: 2 },
    );
    expect(plan.changes).toEqual([]);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['unowned-record']);
  });

  it('refuses to manage a name under the ownership label', () => {
    const plan = planProvider([rec(`_mcf.${APP}`, 'TXT', '"x"')], state(), { owner: OWNER, generation: 1 });
    expect(plan.changes).toEqual([]);
    expect(plan.skipped.map((s) => s.reason)).toEqual(['reserved-name']);
  });
});

describe('planProvider: clean-up', () => {
  const OLD = 'old.example.test.';

  it('deletes only the owned types of a name that is no longer managed, with its ownership record', () => {
    const oldA = obs(a(OLD, '192.0.2.5'));
    const handMadeTxt = obs(rec(OLD, 'TXT', '"keep me"'));
    const ownership = own(OLD, 2);
    const plan = planProvider([a(APP, '192.0.2.1')], state(oldA, handMadeTxt, ownership, obs(a(APP, '192.0.2.1')), own(APP, 2)), {
      owner: OWNER,
      generation: 3,
    });
    expect(plan.changes).toEqual([{ kind: 'delete', name: OLD, from: [oldA], ownershipFrom: ownership }]);
    expect(plan.unchanged).toBe(1);
  });

  it('keeps a paused managed name and never cleans up what is not ours', () => {
    const plan = planProvider([], state(obs(a(APP, '192.0.2.1')), own(APP, 2), obs(a(OLD, '192.0.2.5')), own(OLD, 2, ['A'], 'other')), {
      owner: OWNER,
      generation: 3,
      managedNames: ['app.example.test'],
    });
    expect(plan.changes).toEqual([]);
    expect(plan.skipped).toEqual([]);
  });

  it('does not clean up on behalf of a stale plan', () => {
    const plan = planProvider([], state(obs(a(OLD, '192.0.2.5')), own(OLD, 9)), { owner: OWNER, generation: 3 });
    expect(plan.changes).toEqual([]);
    expect(plan.skipped.map((s) => [s.name, s.reason])).toEqual([[OLD, 'stale-generation']]);
  });
});

describe('planProvider: input errors', () => {
  it('throws PlanInputError on input no configuration can produce', () => {
    expect(() => planProvider([a(APP, '192.0.2.1'), a('APP.example.test', '192.0.2.2')], state(), { owner: OWNER, generation: 1 })).toThrow(
      PlanInputError,
    );
    expect(() => planProvider([], state(), { owner: OWNER, generation: 0 })).toThrow(/generation 0 is invalid/);
    expect(() => planProvider([], state(), { owner: 'no spaces', generation: 1 })).toThrow(/owner 'no spaces' is invalid/);
  });
});
