import { describe, expect, it } from 'vitest';
import { ownershipRecord } from '../../src/dns/ownership.js';
import type { RecordSet } from '../../src/dns/record.js';
import type { Change, ProviderPlan } from '../../src/plan/change.js';
import { newestPublished, nextGeneration, publishedGenerations } from '../../src/plan/generations.js';
import { applyPlan } from '../../src/plan/simulate.js';
import { exactRecordToken, providerState } from '../../src/plan/state.js';

const APP = 'app.example.test.';
const obs = (record: RecordSet) => ({ record, token: exactRecordToken(record) });
const a = (name: string, ...values: string[]): RecordSet => ({ name, type: 'A', ttl: 30, values });
const ownRec = (name: string, generation: number, owner = 'ctl') => ownershipRecord(name, { owner, generation, types: ['A'] });
const plan = (...changes: Change[]): ProviderPlan => ({
  provider: 'route53',
  owner: 'ctl',
  generation: 2,
  changes,
  skipped: [],
  unchanged: 0,
});

describe('applyPlan: conditional, all-or-nothing per change', () => {
  const state = providerState('route53', [obs(a(APP, '192.0.2.1')), obs(ownRec(APP, 1))]);

  it('applies an update whose tokens still match', () => {
    const change: Change = {
      kind: 'update',
      name: APP,
      from: [obs(a(APP, '192.0.2.1'))],
      to: [a(APP, '192.0.2.2')],
      ownershipFrom: obs(ownRec(APP, 1)),
      ownershipTo: ownRec(APP, 2),
    };
    const result = applyPlan(state, plan(change));
    expect(result.conflicts).toEqual([]);
    expect(result.applied).toEqual([change]);
    expect([...result.state.records.values()].map((o) => o.record.values)).toEqual([
      ['192.0.2.2'],
      ['"mcf-owner=ctl;generation=2;type=A"'],
    ]);
    expect(state.records.get(`${APP} A`)?.record.values).toEqual(['192.0.2.1']); // input untouched
  });

  it('refuses, as a whole, a change planned from another state', () => {
    const stale: Change = {
      kind: 'update',
      name: APP,
      from: [obs(a(APP, '192.0.2.9'))],
      to: [a(APP, '192.0.2.2')],
      ownershipFrom: obs(ownRec(APP, 1)),
      ownershipTo: ownRec(APP, 2),
    };
    const create: Change = { kind: 'create', name: APP, records: [a(APP, '192.0.2.3')], ownership: ownRec(APP, 2) };
    const del: Change = { kind: 'delete', name: 'gone.example.test.', from: [], ownershipFrom: obs(ownRec('gone.example.test.', 1)) };
    const result = applyPlan(state, plan(stale, create, del));
    expect(result.applied).toEqual([]);
    expect(result.conflicts.map((c) => c.reason)).toEqual([
      `${APP} A changed since it was read`,
      `${APP} A already exists`,
      '_mcf.gone.example.test. TXT no longer exists',
    ]);
    expect(result.state.records).toEqual(state.records);
  });
});

describe('published generations', () => {
  it('reads our generations per provider and picks the next one', () => {
    const route53 = providerState('route53', [obs(ownRec(APP, 4)), obs(ownRec('x.example.test.', 9, 'other'))]);
    const azure = providerState('azure', [
      obs(ownRec(APP, 6)),
      obs({ name: '_mcf.y.example.test.', type: 'TXT', ttl: 300, values: ['"garbled"'] }),
    ]);
    const published = publishedGenerations([route53, azure], 'ctl');
    expect(published).toEqual(
      new Map([
        ['route53', new Map([[APP, 4]])],
        ['azure', new Map([[APP, 6]])],
      ]),
    );
    expect(newestPublished(published)).toEqual({ provider: 'azure', name: APP, generation: 6 });
    expect(nextGeneration(published)).toBe(7);
    expect(nextGeneration(published, 10)).toBe(11);
    expect(nextGeneration(new Map())).toBe(1);
  });
});
