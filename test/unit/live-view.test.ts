/** The demo's terminal view, pure: the live line at 80, 120 and 200 columns, and event lines naming their provider and cloud. */
import { describe, expect, it } from 'vitest';
import { clock, eventLine, liveLine, type EventNames, type LiveView } from '../../apps/cli/live-view.js';
import { log } from './drill-report-fixtures.js';

/** Mid-incident: Route 53's API is down and still answers AWS, AWS is down, clients fail. */
const incident: LiveView = {
  dns: [
    { provider: 'route53', answer: '.11', faults: ['api down'] },
    { provider: 'azure', answer: '.12', faults: [] },
    { provider: 'clouddns', answer: 'EMPTY', faults: [] },
  ],
  targets: [
    { cloud: 'aws', verdict: 'down', chaos: 'down' },
    { cloud: 'azure', verdict: 'up', chaos: 'healthy' },
    { cloud: 'gcp', verdict: 'up', chaos: 'healthy' },
  ],
  traffic: {
    ratePerSecond: 20,
    perCloud: { aws: 1204, azure: 388, gcp: 0 },
    errors: 45,
    errorsByKind: { 'connect-refused': 34, 'dns-empty': 10, 'connect-reset': 1 },
    emptyAnswers: 10,
  },
};

describe('live line', () => {
  it('at 200 columns: everything, errors and empty answers first', () => {
    const line = liveLine(incident, 200);
    expect(line).toBe(
      'errors 45 (connect-refused 34, dns-empty 10, connect-reset 1)  empty 10 | DNS route53 .11 [api down]  azure .12  clouddns EMPTY | ' +
        'aws down [down]  azure up  gcp up | ok aws 1204 az 388 gcp 0',
    );
    expect(line.length).toBeLessThanOrEqual(200);
  });

  it('at 120 columns: shorter words, errors by kind first, faults marked with !', () => {
    const line = liveLine(incident, 120);
    expect(line.length).toBeLessThanOrEqual(120);
    expect(line).toBe('err 45 (refused 34, dns empty 10, …) empty 10 | DNS r53 .11! azdns .12 cdns EMPTY | aws down! az up gcp up');
  });

  it('at 80 columns: the errors, the empty answers, what each nameserver answers and the verdicts fit', () => {
    const line = liveLine(incident, 80);
    expect(line.length).toBeLessThanOrEqual(80);
    expect(line).toBe('err 45 empty 10 | DNS r53 .11! azdns .12 cdns EMPTY | aws down! az up gcp up');
    expect(line.startsWith('err 45')).toBe(true);
    expect(line).toContain('empty 10');
    expect(line).toContain('EMPTY');
  });

  it('never cuts the errors away, however narrow', () => {
    for (const width of [40, 30, 20]) {
      const line = liveLine(incident, width);
      expect(line.length).toBeLessThanOrEqual(width);
      expect(line.startsWith('err 45')).toBe(true);
    }
    expect(liveLine(incident, 20)).toBe('err 45 empty 10');
  });

  it('a healthy topology at 80 and 120 columns', () => {
    const healthy: LiveView = {
      dns: incident.dns.map((d) => ({ ...d, answer: '.11', faults: [] })),
      targets: incident.targets.map((t) => ({ ...t, verdict: 'up', chaos: 'healthy' })),
      traffic: { ratePerSecond: 20, perCloud: { aws: 120, azure: 0, gcp: 0 }, errors: 0, errorsByKind: {}, emptyAnswers: 0 },
    };
    const line = liveLine(healthy, 80);
    expect(line).toBe('err 0 empty 0 | DNS r53 .11 azdns .11 cdns .11 | aws up az up gcp up');
    expect(liveLine(healthy, 120)).toBe(
      'errors 0  empty 0 | DNS route53 .11  azure .11  clouddns .11 | aws up  azure up  gcp up | ok aws 120 az 0 gcp 0',
    );
    // Without a terminal (a pipe, a log): the full line.
    expect(liveLine(healthy)).toBe(
      'errors 0  empty 0 | DNS route53 .11  azure .11  clouddns .11 | aws up  azure up  gcp up | traffic 20/s  aws 120  azure 0  gcp 0',
    );
  });
});

describe('event lines', () => {
  const names: EventNames = {
    cloudOfTarget: (id) => ({ aws: 'aws', azure: 'azure', gcp: 'gcp' })[id],
    cloudOfAddress: (a) => ({ '127.0.0.11': 'aws', '127.0.0.12': 'azure' })[a],
  };
  const at = Date.UTC(2026, 11, 3, 19, 25, 6, 422);
  const retryIso = new Date(at + 30_000).toISOString();
  const events = log(
    { type: 'verdict', at, targetId: 'aws', before: 'up', after: 'down', reason: '3 of 3 fresh vantage points say down' },
    {
      type: 'provider-sync',
      at,
      provider: 'route53',
      before: 'in-sync',
      after: 'out-of-sync',
      reason: `timeout: handed to the reconciler, next retry at ${retryIso}`,
    },
    {
      type: 'write',
      at,
      service: 'app.example.test.',
      generation: 5,
      status: 'partial',
      before: ['127.0.0.11'],
      after: ['127.0.0.12'],
      providers: [
        { provider: 'route53', result: 'out-of-sync', apiCalls: 0, changes: 0 },
        { provider: 'azure', result: 'ok', latencyMs: 607, apiCalls: 3, changes: 2 },
        { provider: 'clouddns', result: 'ok', latencyMs: 458, apiCalls: 2, changes: 2 },
      ],
      reason: 'partial',
    },
    { type: 'drift', at, provider: 'clouddns', repaired: true, name: 'app.example.test.', reason: 'changed by hand' },
    { type: 'override', at, action: 'drain', operator: 'dashboard', cloud: 'aws', actor: 'operator', reason: 'maintenance' },
    { type: 'conflict', at, service: 'app.example.test.', generation: 4, provider: 'azure', kind: 'cas', names: [], reason: '412' },
  );

  it('name the provider and the cloud each is about, with one time format', () => {
    const lines = events.map((e) => eventLine(e, names));
    const t = clock(at);
    expect(lines).toEqual([
      `${t}  AWS: aws up → down: 3 of 3 fresh vantage points say down`,
      `${t}  Route 53 (AWS): in-sync → out-of-sync: timeout: handed to the reconciler, next retry at ${clock(at + 30_000)}`,
      `${t}  publish gen 5 [127.0.0.11 aws] → [127.0.0.12 azure] partial: Route 53 (AWS) out-of-sync, Azure DNS (Azure) ok 607 ms, Cloud DNS (Google Cloud) ok 458 ms`,
      `${t}  Cloud DNS (Google Cloud): drift repaired at app.example.test.: changed by hand`,
      `${t}  AWS: drain by dashboard: maintenance`,
      `${t}  Azure DNS (Azure): cas conflict, gen 4: 412`,
    ]);
    // One time format: HH:MM:SS, no ISO timestamps left.
    for (const line of lines) {
      expect(line).toMatch(/^\d{2}:\d{2}:\d{2} {2}/);
      expect(line).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    }
  });

  it('skip probe noise', () => {
    const [probe] = log({ type: 'probe-state', at, targetId: 'aws', vantageId: 'vp-1', before: 'up', after: 'suspect', reason: 'x' });
    expect(eventLine(probe!, names)).toBeUndefined();
  });
});
