import { describe, expect, it } from 'vitest';
import { ownershipRecord } from '../../src/dns/ownership.js';
import type { RecordSet } from '../../src/dns/record.js';
import { formatPlan } from '../../src/plan/format.js';
import { planProvider } from '../../src/plan/plan-provider.js';
import { exactRecordToken, providerState } from '../../src/plan/state.js';

const obs = (record: RecordSet) => ({ record, token: exactRecordToken(record) });
const a = (name: string, ...values: string[]): RecordSet => ({ name, type: 'A', ttl: 30, values });
const own = (name: string, generation: number, owner = 'ctl') => obs(ownershipRecord(name, { owner, generation, types: ['A'] }));

describe('formatPlan', () => {
  it('prints a per-provider diff and a summary line', () => {
    const state = providerState('route53', [
      obs(a('app.example.test.', '192.0.2.1')),
      own('app.example.test.', 3),
      obs(a('old.example.test.', '192.0.2.9')),
      own('old.example.test.', 3),
      obs(a('theirs.example.test.', '192.0.2.4')),
      own('theirs.example.test.', 3, 'other'),
    ]);
    const desired = [a('app.example.test.', '192.0.2.2'), a('new.example.test.', '192.0.2.3'), a('theirs.example.test.', '192.0.2.5')];
    const route53 = planProvider(desired, state, { owner: 'ctl', generation: 4 });
    const azure = planProvider(desired, providerState('azure', []), { owner: 'ctl', generation: 4 });
    expect(formatPlan([route53, azure]).split('\n')).toEqual([
      'route53 (generation 4)',
      '  ~ update app.example.test. A 30 192.0.2.1 → 30 192.0.2.2 [generation 3 → 4]',
      '  + create new.example.test. 30 A 192.0.2.3 [generation 4]',
      '  - delete old.example.test. 30 A 192.0.2.9',
      "  ! skipped theirs.example.test.: foreign-owner: theirs.example.test. belongs to owner 'other' (TXT _mcf.theirs.example.test.); owner 'ctl' leaves it alone",
      '  1 to create, 1 to update, 1 to delete, 1 skipped, 0 unchanged',
      'azure (generation 4)',
      '  + create app.example.test. 30 A 192.0.2.2 [generation 4]',
      '  + create new.example.test. 30 A 192.0.2.3 [generation 4]',
      '  + create theirs.example.test. 30 A 192.0.2.5 [generation 4]',
      '  3 to create, 0 to update, 0 to delete, 0 skipped, 0 unchanged',
      'Summary: 6 changes on route53, azure: 4 to create, 1 to update, 1 to delete, 1 skipped',
    ]);
  });

  it('says when nothing changes, and shows removals and ownership-only clean-up', () => {
    const unchanged = planProvider(
      [a('app.example.test.', '192.0.2.1')],
      providerState('clouddns', [obs(a('app.example.test.', '192.0.2.1')), own('app.example.test.', 1)]),
      { owner: 'ctl', generation: 2 },
    );
    expect(formatPlan([unchanged])).toBe(
      'clouddns (generation 2)\n  0 to create, 0 to update, 0 to delete, 0 skipped, 1 unchanged\nSummary: no changes on clouddns',
    );
    const stray = planProvider([], providerState('clouddns', [own('gone.example.test.', 1)]), { owner: 'ctl', generation: 2 });
    expect(formatPlan([stray]).split('\n')[1]).toBe('  - delete gone.example.test. (ownership record only)');
    const cname: RecordSet = { name: 'app.example.test.', type: 'CNAME', ttl: 30, values: ['lb.example.test.'] };
    const switched = planProvider(
      [cname],
      providerState('azure', [obs(a('app.example.test.', '192.0.2.1')), own('app.example.test.', 1)]),
      { owner: 'ctl', generation: 2 },
    );
    expect(formatPlan([switched]).split('\n').slice(1, 3)).toEqual([
      '  ~ update app.example.test. A 30 192.0.2.1 → (removed) [generation 1 → 2]',
      '  ~ update app.example.test. CNAME (absent) → 30 lb.example.test. [generation 1 → 2]',
    ]);
    expect(formatPlan([])).toBe('Summary: no changes on no providers');
  });
});
