/**
 * startupView: the published answer and generation floor read back from the
 * providers' ownership records and values (pure).
 */
import { describe, expect, it } from 'vitest';
import { startupView, publishedFrom } from '../../src/controller/startup.js';
import { ownershipRecord } from '../../src/dns/ownership.js';
import { quoteTxt, type RecordSet } from '../../src/dns/record.js';
import { exactRecordToken, providerState, type ProviderId } from '../../src/plan/state.js';

const NAME = 'app.example.test.';
const OTHER = 'api.example.test.';
const SERVICES = [{ name: 'app.example.test', type: 'A' as const }];

const state = (provider: ProviderId, ...sets: RecordSet[]) =>
  providerState(
    provider,
    sets.map((record) => ({ record, token: exactRecordToken(record) })),
  );
const a = (name: string, ...values: string[]): RecordSet => ({ name, type: 'A', ttl: 30, values });
const own = (name: string, generation: number, owner = 'ctl-1') => ownershipRecord(name, { owner, generation, types: ['A'] });

describe('startupView', () => {
  it('takes the values at the highest generation of ours, and the floor over every name', () => {
    const view = startupView(
      [
        state('route53', a(NAME, '10.0.0.2'), own(NAME, 7), a(OTHER, '10.9.9.9'), own(OTHER, 9)),
        state('azure', a(NAME, '10.0.0.1'), own(NAME, 6)),
        state('clouddns', a(NAME, '10.0.0.2'), own(NAME, 7)),
      ],
      SERVICES,
      'ctl-1',
      500,
    );
    const app = view.services.get('app.example.test');
    expect(app?.published).toEqual({ addresses: ['10.0.0.2'], generation: 7, changedAt: 500 });
    expect(app?.lagging).toEqual(['azure']);
    expect(view.generationFloor).toBe(9);
  });

  it('ignores foreign and unreadable ownership, and records without ownership', () => {
    const garbled: RecordSet = { name: `_mcf.${NAME}`, type: 'TXT', ttl: 300, values: [quoteTxt('mcf-owner=ctl-1;generation=x;type=A')] };
    const view = startupView(
      [
        state('route53', a(NAME, '10.0.0.5'), own(NAME, 40, 'someone-else')),
        state('azure', a(NAME, '10.0.0.6'), garbled),
        state('clouddns', a(NAME, '10.0.0.7')),
      ],
      SERVICES,
      'ctl-1',
      0,
    );
    const app = view.services.get('app.example.test');
    expect(app?.published).toBeUndefined();
    expect(app?.lagging).toEqual([]);
    expect(app?.holdings.map((h) => [h.provider, h.generation, h.problem])).toEqual([
      ['route53', undefined, "owned by 'someone-else'"],
      ['azure', undefined, expect.stringMatching(/generation 'x' is invalid/)],
      ['clouddns', undefined, 'records without an ownership record'],
    ]);
    expect(view.generationFloor).toBe(0);
  });

  it('the same values at an older generation are not lagging; a missing name is', () => {
    const view = startupView(
      [state('route53', a(NAME, '10.0.0.2'), own(NAME, 4)), state('azure', a(NAME, '10.0.0.2'), own(NAME, 3)), state('clouddns')],
      SERVICES,
      'ctl-1',
      0,
    );
    expect(view.services.get('app.example.test')?.lagging).toEqual(['clouddns']);
  });

  it('publishedFrom: a tie at the top generation goes to the majority, then provider order; empty values never count', () => {
    const h = (provider: ProviderId, generation: number | undefined, ...addresses: string[]) => ({ provider, generation, addresses });
    expect(publishedFrom([h('route53', 3, '1.1.1.1'), h('azure', 3, '2.2.2.2'), h('clouddns', 3, '2.2.2.2')], 0)?.addresses).toEqual([
      '2.2.2.2',
    ]);
    expect(publishedFrom([h('route53', 3, '1.1.1.1'), h('azure', 3, '2.2.2.2')], 0)?.addresses).toEqual(['1.1.1.1']);
    expect(publishedFrom([h('route53', 9), h('azure', 2, '2.2.2.2')], 0)).toEqual({ addresses: ['2.2.2.2'], generation: 2, changedAt: 0 });
    expect(publishedFrom([], 0)).toBeUndefined();
  });
});
