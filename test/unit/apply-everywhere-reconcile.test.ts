import { describe, expect, it } from 'vitest';
import { ownershipRecord } from '../../src/dns/ownership.js';
import type { RecordSet } from '../../src/dns/record.js';
import { afterFailure, retryDelay } from '../../src/controller/backoff-state.js';
import { findDrift } from '../../src/controller/drift.js';
import { Reconciler } from '../../src/controller/reconcile.js';
import type { ReconcileTarget } from '../../src/controller/reconcile.js';
import type { ReconcileEvent } from '../../src/controller/reconcile-events.js';
import { MemoryProvider } from '../support/memory-provider.js';

const OWNER = 'ctl';
const APP = 'app.example.test.';
const API = 'api.example.test.';
const a = (name: string, ...values: string[]): RecordSet => ({ name, type: 'A', ttl: 30, values });
const SAFETY = { maxChangeShare: 0.3, minNamesForShareLimit: 10, force: false };

function setup(random = () => 0.5) {
  let t = 10_000;
  const now = () => t;
  const ps = [
    new MemoryProvider('route53', { now }),
    new MemoryProvider('azure', { now }),
    new MemoryProvider('clouddns', { now }),
  ] as const;
  const reconciler = new Reconciler({ providers: ps, owner: OWNER, safety: SAFETY, now, random });
  const events: ReconcileEvent[] = [];
  reconciler.onEvent((e) => events.push(e));
  return { ps, reconciler, events, now, advanceTo: (at: number) => (t = Math.max(t, at)), advance: (ms: number) => (t += ms) };
}

const target = (generation: number, app = '192.0.2.1', over: Partial<ReconcileTarget> = {}): ReconcileTarget => ({
  desired: [a(APP, app), a(API, '192.0.2.2')],
  generation,
  fenceNames: [APP],
  ...over,
});

describe('backoff', () => {
  it('doubles from 1 s up to the 30 s cap, with equal jitter', () => {
    const policy = { baseMs: 1_000, capMs: 30_000 };
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => retryDelay(n, policy, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect([0, 1, 5].map((n) => retryDelay(n, policy, () => 0))).toEqual([500, 1_000, 15_000]);
    const first = afterFailure(undefined, 100, { kind: 'unavailable', message: 'down' }, policy, () => 0.5);
    expect(first).toEqual({ attempts: 1, nextAt: 850, delayMs: 750, lastError: { kind: 'unavailable', message: 'down' } });
    expect(afterFailure(first, 1_000, first.lastError, policy, () => 0.5)).toMatchObject({ attempts: 2, nextAt: 2_500, delayMs: 1_500 });
  });
});

describe('Reconciler: an out-of-sync provider is retried with backoff and converges', () => {
  it('retries a down provider, backing off, and brings it back within one backoff period after it recovers', async () => {
    const { ps, reconciler, events, now, advanceTo, advance } = setup();
    ps[1].setDown(true);
    const first = await reconciler.publish(target(1));
    expect(first.status).toBe('partial');
    expect(reconciler.outOfSync().get('azure')).toMatchObject({ attempts: 1, delayMs: 750 });

    // Not due yet: nothing happens.
    expect(await reconciler.retryDue()).toEqual([]);
    expect(ps[1].calls.read).toBe(1);

    // Still down on three retries: each waits longer.
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      advanceTo(reconciler.nextRetryAt() as number);
      await reconciler.retryDue();
      delays.push((reconciler.outOfSync().get('azure') as { delayMs: number }).delayMs);
    }
    expect(delays).toEqual([1_500, 3_000, 6_000]);
    // The others were only read (for the fencing check), never written by the retries.
    expect(ps[0].calls.apply).toBe(1);
    expect(ps[0].calls.read).toBe(4);

    // The controller decided anew meanwhile: the retry must carry the current target.
    await reconciler.publish(target(2, '192.0.2.7'));
    advance(100);
    const recoveredAt = now();
    ps[1].setDown(false);
    const period = (reconciler.outOfSync().get('azure') as { delayMs: number }).delayMs;
    const due = reconciler.nextRetryAt() as number;
    expect(due - recoveredAt).toBeLessThanOrEqual(period);
    advanceTo(due);
    const retry = await reconciler.retryDue();
    expect(retry.flatMap((o) => o.providers).map((o) => `${o.provider} ${o.status}`)).toEqual(['azure in-sync']);
    expect(reconciler.outOfSync().size).toBe(0);
    expect(reconciler.nextRetryAt()).toBeUndefined();
    for (const p of ps) {
      expect(p.served(APP, 'A')).toEqual(['192.0.2.7']);
      expect(p.served(API, 'A')).toEqual(['192.0.2.2']);
      expect(p.generationAt(APP)).toBe(2);
    }
    expect(events.filter((e) => e.type === 'converged')).toEqual([
      { type: 'converged', at: due, provider: 'azure', generation: 2, attempts: 5 },
    ]);
    expect(events.filter((e) => e.type === 'out-of-sync').map((e) => e.type === 'out-of-sync' && e.attempts)).toEqual([1, 2, 3, 4, 5]);
  });

  it('a provider whose conflicts persist is retried later, never forced', async () => {
    const { ps, reconciler, advanceTo } = setup();
    await reconciler.publish(target(1));
    ps[2].injectConflicts(4);
    const outcome = await reconciler.publish(target(2, '192.0.2.9'));
    expect(outcome.providers.find((o) => o.provider === 'clouddns')?.status).toBe('conflict-exhausted');
    expect(reconciler.outOfSync().get('clouddns')?.lastError.kind).toBe('conflict-exhausted');
    expect(ps[2].served(APP, 'A')).toEqual(['192.0.2.1']);
    advanceTo(reconciler.nextRetryAt() as number);
    await reconciler.retryDue();
    expect(ps[2].served(APP, 'A')).toEqual(['192.0.2.9']);
    expect(reconciler.outOfSync().size).toBe(0);
  });

  it('stops retrying a superseded target and says so', async () => {
    const { ps, reconciler, events, advanceTo } = setup();
    ps[0].setDown(true);
    await reconciler.publish(target(3));
    ps[0].setDown(false);
    ps[0].seed(a(APP, '192.0.2.50'), ownershipRecord(APP, { owner: OWNER, generation: 4, types: ['A'] }));
    advanceTo(reconciler.nextRetryAt() as number);
    const [outcome] = await reconciler.retryDue();
    expect(outcome?.status).toBe('superseded');
    expect(reconciler.outOfSync().size).toBe(0);
    expect(events.at(-1)).toMatchObject({ type: 'superseded', provider: 'route53', name: APP, published: 4, planGeneration: 3 });
    expect(ps[0].served(APP, 'A')).toEqual(['192.0.2.50']);
  });
});

describe('Reconciler: drift', () => {
  it('reports a hand edit on a name we own and repairs it with a new, fenced generation', async () => {
    const { ps, reconciler, events } = setup();
    await reconciler.publish(target(4));
    ps[1].handEdit(a(APP, '203.0.113.66'));
    const drifts = await reconciler.checkDrift();
    expect(drifts).toEqual([
      {
        provider: 'azure',
        name: APP,
        type: 'A',
        expected: { ttl: 30, values: ['192.0.2.1'] },
        found: { ttl: 30, values: ['203.0.113.66'] },
      },
    ]);
    expect(events.filter((e) => e.type !== 'out-of-sync').map((e) => e.type)).toEqual(['drift', 'generation-advanced', 'drift-repaired']);
    expect(events.find((e) => e.type === 'drift')).toMatchObject({ action: 'repair', provider: 'azure', name: APP });
    expect(events.find((e) => e.type === 'generation-advanced')).toMatchObject({ from: 4, to: 5 });
    expect(events.find((e) => e.type === 'drift-repaired')).toMatchObject({ provider: 'azure', names: [APP], generation: 5 });
    expect(ps[1].served(APP, 'A')).toEqual(['192.0.2.1']);
    expect(ps[1].generationAt(APP)).toBe(5);
    // Only the drifted provider was written; the others keep generation 4.
    expect(ps[0].generationAt(APP)).toBe(4);
    expect(reconciler.currentTarget?.generation).toBe(5);
    // Repaired: a second check finds nothing.
    expect(await reconciler.checkDrift()).toEqual([]);
  });

  it('a deleted record set is drift too', async () => {
    const { ps, reconciler } = setup();
    await reconciler.publish(target(4));
    ps[2].handEdit(a(API));
    const drifts = await reconciler.checkDrift();
    expect(drifts.map((d) => [d.provider, d.name, d.found])).toEqual([['clouddns', API, undefined]]);
    expect(ps[2].served(API, 'A')).toEqual(['192.0.2.2']);
  });

  it('on a paused name drift is reported once and left alone', async () => {
    const { ps, reconciler, events } = setup();
    await reconciler.publish(target(4));
    await reconciler.publish(target(4, '192.0.2.1', { pausedNames: [APP] }));
    ps[0].handEdit(a(APP, '203.0.113.9'));
    const drifts = await reconciler.checkDrift();
    expect(drifts).toHaveLength(1);
    expect(events.filter((e) => e.type === 'drift')).toMatchObject([
      { provider: 'route53', name: APP, action: 'report', found: { values: ['203.0.113.9'] } },
    ]);
    expect(ps[0].served(APP, 'A')).toEqual(['203.0.113.9']);
    expect(reconciler.currentTarget?.generation).toBe(4);
    await reconciler.checkDrift();
    expect(events.filter((e) => e.type === 'drift')).toHaveLength(1);
    // Paused names stay managed: a publish neither rewrites nor deletes them.
    await reconciler.publish(target(5, '192.0.2.1', { pausedNames: [APP] }));
    expect(ps[0].served(APP, 'A')).toEqual(['203.0.113.9']);
  });

  it('a provider never written is behind, not drifted; a foreign name is not ours to judge', () => {
    const state = new MemoryProvider('azure')
      .seed(a(APP, '198.51.100.1'), a(API, '198.51.100.2'), ownershipRecord(API, { owner: 'someone-else', generation: 3, types: ['A'] }))
      .snapshot();
    expect(findDrift([a(APP, '192.0.2.1'), a(API, '192.0.2.2')], state, OWNER)).toEqual([]);
  });

  it('an unreachable provider during a drift check is scheduled for a retry', async () => {
    const { ps, reconciler } = setup();
    await reconciler.publish(target(4));
    ps[2].setDown(true);
    expect(await reconciler.checkDrift()).toEqual([]);
    expect(reconciler.outOfSync().get('clouddns')?.lastError.kind).toBe('unavailable');
  });
});
