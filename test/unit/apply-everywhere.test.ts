import { describe, expect, it } from 'vitest';
import { ownershipRecord } from '../../src/dns/ownership.js';
import type { RecordSet } from '../../src/dns/record.js';
import { applyEverywhere } from '../../src/controller/apply-everywhere.js';
import type { ApplyEverywhereInput } from '../../src/controller/apply-everywhere.js';
import { describeOutcome, overallStatus } from '../../src/controller/apply-outcome.js';
import type { ProviderOutcome } from '../../src/controller/apply-outcome.js';
import { staticDesired } from '../../src/controller/static-desired.js';
import { MemoryProvider } from '../support/memory-provider.js';

const OWNER = 'ctl';
const APP = 'app.example.test.';
const API = 'api.example.test.';
const a = (name: string, ...values: string[]): RecordSet => ({ name, type: 'A', ttl: 30, values });
const owned = (name: string, generation: number, owner = OWNER) => ownershipRecord(name, { owner, generation, types: ['A'] });
const SAFETY = { maxChangeShare: 0.3, minNamesForShareLimit: 10, force: false };

function clock(start = 1_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

function three(now: () => number) {
  return [new MemoryProvider('route53', { now }), new MemoryProvider('azure', { now }), new MemoryProvider('clouddns', { now })] as const;
}

function input(providers: readonly MemoryProvider[], over: Partial<ApplyEverywhereInput> = {}): ApplyEverywhereInput {
  return { providers, desired: [a(APP, '192.0.2.1'), a(API, '192.0.2.2')], owner: OWNER, generation: 5, safety: SAFETY, ...over };
}

const byProvider = (outcomes: readonly ProviderOutcome[]) => Object.fromEntries(outcomes.map((o) => [o.provider, o]));

describe('applyEverywhere', () => {
  it('writes every provider in parallel and reports each in sync with its latency and calls', async () => {
    const c = clock();
    const ps = three(c.now);
    const outcome = await applyEverywhere(input(ps, { now: c.now, decidedAt: 900 }));
    expect(outcome.status).toBe('in-sync');
    expect(outcome.generation).toBe(5);
    expect(outcome.providers.map((o) => o.status)).toEqual(['in-sync', 'in-sync', 'in-sync']);
    for (const o of outcome.providers) {
      expect(o.applied.map((ch) => `${ch.kind} ${ch.name}`)).toEqual([`create ${API}`, `create ${APP}`]);
      expect(o.apiCalls).toBe(1);
      expect(o.reads).toBe(1);
      expect(o.publishMs).toBe(100);
    }
    for (const p of ps) {
      expect(p.served(APP, 'A')).toEqual(['192.0.2.1']);
      expect(p.generationAt(API)).toBe(5);
    }
  });

  it('writes nothing and reports no latency when every provider already serves the desired state', async () => {
    const ps = three(Date.now);
    await applyEverywhere(input(ps));
    const again = await applyEverywhere(input(ps, { generation: 6 }));
    expect(again.status).toBe('in-sync');
    expect(again.providers.every((o) => o.applied.length === 0 && o.publishMs === undefined && o.apiCalls === 0)).toBe(true);
    expect(ps.map((p) => p.calls.apply)).toEqual([1, 1, 1]);
  });

  it('counts throttled attempts the adapter absorbed as API calls', async () => {
    const ps = three(Date.now);
    ps[1].throttleNext(3);
    const outcome = await applyEverywhere(input(ps));
    expect(byProvider(outcome.providers).azure?.apiCalls).toBe(4);
    expect(outcome.status).toBe('in-sync');
  });

  it('skips a provider that is down, writes the others, and says when to retry', async () => {
    const c = clock();
    const ps = three(c.now);
    ps[0].setDown(true);
    const outcome = await applyEverywhere(input(ps, { now: c.now, retryAt: () => c.now() + 2_000 }));
    expect(outcome.status).toBe('partial');
    const r53 = byProvider(outcome.providers).route53;
    expect(r53).toMatchObject({ status: 'out-of-sync', errorKind: 'unavailable', nextRetryAt: 3_000 });
    expect(r53?.applied).toEqual([]);
    expect(ps[1].served(APP, 'A')).toEqual(['192.0.2.1']);
    expect(ps[2].served(APP, 'A')).toEqual(['192.0.2.1']);
    expect(ps[0].served(APP, 'A')).toBeUndefined();
    expect(describeOutcome(r53 as ProviderOutcome)).toContain('route53: OUT OF SYNC (unavailable)');
  });

  it('does not wait for a provider slower than its deadline', async () => {
    const ps = three(Date.now);
    ps[2].setDelay(400);
    const outcome = await applyEverywhere(input(ps, { providerTimeoutMs: 40 }));
    const cd = byProvider(outcome.providers).clouddns;
    expect(cd).toMatchObject({ status: 'out-of-sync', errorKind: 'timeout' });
    expect(cd?.status === 'out-of-sync' && cd.reason).toContain('no answer within 40 ms');
    expect(byProvider(outcome.providers).route53?.status).toBe('in-sync');
  });

  it('a provider that fails between read and write is out of sync; the others are written', async () => {
    const ps = three(Date.now);
    ps[1].onBeforeApply(() => {
      throw new Error('socket hang up');
    });
    const outcome = await applyEverywhere(input(ps));
    expect(byProvider(outcome.providers).azure).toMatchObject({ status: 'out-of-sync', errorKind: 'unavailable' });
    expect(outcome.status).toBe('partial');
    expect(ps[0].served(API, 'A')).toEqual(['192.0.2.2']);
  });

  it('no provider reachable: failed, nothing planned', async () => {
    const ps = three(Date.now);
    ps.forEach((p) => p.setDown(true));
    const outcome = await applyEverywhere(input(ps));
    expect(outcome.status).toBe('failed');
    expect(outcome.providers.map((o) => o.status)).toEqual(['out-of-sync', 'out-of-sync', 'out-of-sync']);
  });

  it('re-reads and re-plans a provider whose write conflicted, with the same generation, and succeeds', async () => {
    const ps = three(Date.now);
    await applyEverywhere(input(ps, { generation: 5 }));
    ps[1].injectConflicts(1);
    const outcome = await applyEverywhere(input(ps, { generation: 6, desired: [a(APP, '192.0.2.9'), a(API, '192.0.2.2')] }));
    expect(outcome.status).toBe('in-sync');
    const az = byProvider(outcome.providers).azure;
    expect(az).toMatchObject({ status: 'in-sync', replans: 1, reads: 2 });
    expect(az?.applied.map((c) => c.name)).toEqual([APP]);
    expect(ps[1].served(APP, 'A')).toEqual(['192.0.2.9']);
    expect(ps[1].generationAt(APP)).toBe(6);
    expect(ps[1].calls.apply).toBe(3);
    expect(byProvider(outcome.providers).route53?.replans).toBe(0);
  });

  it('gives up after maxReplans conflicts without forcing anything', async () => {
    const ps = three(Date.now);
    await applyEverywhere(input(ps, { generation: 5 }));
    ps[2].injectConflicts(100);
    const outcome = await applyEverywhere(input(ps, { generation: 6, maxReplans: 2, desired: [a(APP, '192.0.2.9'), a(API, '192.0.2.2')] }));
    const cd = byProvider(outcome.providers).clouddns;
    expect(cd).toMatchObject({ status: 'conflict-exhausted', replans: 2, reads: 3 });
    expect(cd?.status === 'conflict-exhausted' && cd.conflicts.map((c) => c.name)).toEqual([APP]);
    expect(ps[2].calls.apply).toBe(1 + 3);
    expect(ps[2].served(APP, 'A')).toEqual(['192.0.2.1']);
    expect(ps[2].generationAt(APP)).toBe(5);
    expect(outcome.status).toBe('partial');
    expect(ps[0].served(APP, 'A')).toEqual(['192.0.2.9']);
  });

  it('a newer generation published anywhere supersedes the run: nothing is written anywhere', async () => {
    const ps = three(Date.now);
    await applyEverywhere(input(ps, { generation: 5 }));
    // A newer controller published generation 9 for app on Azure.
    ps[1].handEdit(owned(APP, 9));
    const writes = ps.map((p) => p.writeLog.length);
    const outcome = await applyEverywhere(input(ps, { generation: 7, desired: [a(APP, '192.0.2.7'), a(API, '192.0.2.7')] }));
    expect(outcome.status).toBe('superseded');
    expect(outcome.superseded).toEqual({ provider: 'azure', name: APP, published: 9, planGeneration: 7 });
    expect(outcome.providers.map((o) => o.status)).toEqual(['held', 'held', 'held']);
    expect(ps.map((p) => p.writeLog.length)).toEqual(writes);
    expect(ps[0].served(APP, 'A')).toEqual(['192.0.2.1']);
  });

  it('a stale generation skip found on re-plan stops the run without overwriting it', async () => {
    const ps = three(Date.now);
    await applyEverywhere(input(ps, { generation: 5 }));
    // Between our read and our write, a newer writer publishes generation 8 at app on Cloud DNS.
    ps[2].onBeforeApply(() => {
      ps[2].handEdit(a(APP, '192.0.2.8'));
      ps[2].handEdit(owned(APP, 8));
      ps[2].onBeforeApply(undefined);
    });
    const outcome = await applyEverywhere(input(ps, { generation: 6, desired: [a(APP, '192.0.2.6'), a(API, '192.0.2.2')] }));
    expect(outcome.status).toBe('superseded');
    expect(outcome.superseded).toMatchObject({ provider: 'clouddns', name: APP, published: 8 });
    expect(byProvider(outcome.providers).clouddns?.status).toBe('held');
    expect(ps[2].served(APP, 'A')).toEqual(['192.0.2.8']);
    expect(ps[2].generationAt(APP)).toBe(8);
  });

  it('a safety violation writes nothing on any provider and returns the violations', async () => {
    const ps = three(Date.now);
    const names = Array.from({ length: 10 }, (_, i) => `n${i}.example.test.`);
    await applyEverywhere(input(ps, { desired: names.map((n) => a(n, '192.0.2.1')), generation: 1 }));
    const writes = ps.map((p) => p.writeLog.length);
    const moved = names.map((n, i) => a(n, i < 4 ? '192.0.2.2' : '192.0.2.1'));
    const outcome = await applyEverywhere(input(ps, { desired: moved, generation: 2 }));
    expect(outcome.status).toBe('refused');
    expect(outcome.violations.map((v) => v.kind)).toEqual(['blast-radius']);
    expect(outcome.violations[0]?.message).toContain('plan changes 4 of 10 managed names (40%), over the limit of 30%');
    expect(outcome.providers.every((o) => o.status === 'held' && o.applied.length === 0)).toBe(true);
    expect(ps.map((p) => p.writeLog.length)).toEqual(writes);

    const forced = await applyEverywhere(input(ps, { desired: moved, generation: 2, safety: { ...SAFETY, force: true } }));
    expect(forced.status).toBe('in-sync');
    expect(ps[2].served('n0.example.test.', 'A')).toEqual(['192.0.2.2']);
  });

  it('the violation check sees the states of reachable providers only, and an unreachable one stays out of sync', async () => {
    const ps = three(Date.now);
    ps[0].setDown(true);
    // A name we do not own on Azure: skipped, never touched.
    ps[1].seed(a(APP, '198.51.100.1'));
    const outcome = await applyEverywhere(input(ps));
    expect(outcome.status).toBe('partial');
    const az = byProvider(outcome.providers).azure;
    expect(az?.skipped.map((s) => `${s.name} ${s.reason}`)).toEqual([`${APP} unowned-record`]);
    expect(ps[1].served(APP, 'A')).toEqual(['198.51.100.1']);
  });
});

describe('applyEverywhere with observers (one lagging provider retried alone)', () => {
  it('writes the lagging provider although the others already serve this generation', async () => {
    const ps = three(Date.now);
    ps[0].setDown(true);
    await applyEverywhere(input(ps, { generation: 5 }));
    ps[0].setDown(false);
    const together = await applyEverywhere(input(ps, { generation: 5 }));
    // Retried together, our own generation 5 on Azure looks like a newer writer to the zone-wide check.
    expect(together.status).toBe('superseded');
    const alone = await applyEverywhere(input([ps[0]], { generation: 5, observers: [ps[1], ps[2]] }));
    expect(alone.status).toBe('in-sync');
    expect(ps[0].served(APP, 'A')).toEqual(['192.0.2.1']);
    expect(ps[0].generationAt(APP)).toBe(5);
    expect([ps[1].calls.apply, ps[2].calls.apply]).toEqual([1, 1]);
  });

  it('stops when an observer holds a strictly newer generation', async () => {
    const ps = three(Date.now);
    ps[0].setDown(true);
    await applyEverywhere(input(ps, { generation: 5 }));
    ps[0].setDown(false);
    ps[2].handEdit(owned(API, 6));
    const alone = await applyEverywhere(input([ps[0]], { generation: 5, observers: [ps[1], ps[2]] }));
    expect(alone.status).toBe('superseded');
    expect(alone.superseded).toEqual({ provider: 'clouddns', name: API, published: 6, planGeneration: 5 });
    expect(ps[0].served(APP, 'A')).toBeUndefined();
  });

  it('an observer that does not answer does not hold the retry up', async () => {
    const ps = three(Date.now);
    ps[1].setDown(true);
    const alone = await applyEverywhere(input([ps[0]], { observers: [ps[1]] }));
    expect(alone.status).toBe('in-sync');
    expect(alone.providers.map((o) => o.provider)).toEqual(['route53']);
  });
});

describe('overallStatus', () => {
  const o = (status: ProviderOutcome['status']) => ({ status }) as ProviderOutcome;
  it.each([
    [[o('in-sync'), o('in-sync')], { refused: false, superseded: false }, 'in-sync'],
    [[o('in-sync'), o('out-of-sync')], { refused: false, superseded: false }, 'partial'],
    [[o('conflict-exhausted'), o('out-of-sync')], { refused: false, superseded: false }, 'failed'],
    [[], { refused: false, superseded: false }, 'failed'],
    [[o('held')], { refused: true, superseded: false }, 'refused'],
    [[o('held')], { refused: true, superseded: true }, 'superseded'],
  ] as const)('%j %j → %s', (providers, stop, want) => {
    expect(overallStatus(providers, stop)).toBe(want);
  });
});

describe('staticDesired (what plan/apply write without health checks)', () => {
  it('serves the preferred target of a failover service, every target of a multivalue one, and the static records', () => {
    const target = (id: string, address: string, priority: number) => ({
      id,
      cloud: 'aws' as const,
      address,
      priority,
      healthUrl: 'http://127.0.0.1/',
      expectStatus: 200,
    });
    const got = staticDesired({
      services: [
        {
          name: 'App.Example.test',
          type: 'A',
          ttl: 30,
          policy: 'failover',
          targets: [target('b', '192.0.2.2', 20), target('a', '192.0.2.1', 10), target('c', '192.0.2.3', 10)],
        },
        {
          name: 'www.example.test',
          type: 'A',
          ttl: 60,
          policy: 'multivalue',
          targets: [target('a', '192.0.2.1', 10), target('b', '192.0.2.2', 20)],
        },
      ],
      records: [{ name: 'app.example.test.', type: 'TXT', ttl: 300, values: ['"v=1"'] }],
    });
    expect(got.desired).toEqual([
      { name: APP, type: 'A', ttl: 30, values: ['192.0.2.1'] },
      { name: 'www.example.test.', type: 'A', ttl: 60, values: ['192.0.2.1', '192.0.2.2'] },
      { name: APP, type: 'TXT', ttl: 300, values: ['"v=1"'] },
    ]);
    expect(got.managedNames).toEqual([APP, 'www.example.test.']);
  });
});

describe('applyEverywhere clean-up', () => {
  it('deletes an owned name that left the configuration, everywhere, and leaves a foreign one alone', async () => {
    const ps = three(Date.now);
    const OLD = 'old.example.test.';
    await applyEverywhere(input(ps, { desired: [a(APP, '192.0.2.1'), a(OLD, '192.0.2.9')], generation: 5 }));
    for (const p of ps) p.seed(a('foreign.example.test.', '198.51.100.1'), owned('foreign.example.test.', 1, 'someone-else'));
    const outcome = await applyEverywhere(input(ps, { desired: [a(APP, '192.0.2.1')], managedNames: [APP], generation: 6 }));
    expect(outcome.status).toBe('in-sync');
    for (const p of ps) {
      expect(p.served(OLD, 'A')).toBeUndefined();
      expect(p.generationAt(OLD)).toBeUndefined();
      expect(p.served(APP, 'A')).toEqual(['192.0.2.1']);
      expect(p.served('foreign.example.test.', 'A')).toEqual(['198.51.100.1']);
    }
  });
});
