/**
 * A publish never waits for a background write (I5): a retry of a hanging
 * provider (or a drift repair) may wait out its whole deadline, but a new
 * decision is written to the other providers meanwhile, and the busy provider
 * is brought to the NEWEST target once its own write ends, never to the older
 * one. Fake timers drive the memory providers' delays, the grace and
 * Date.now together, so every time below is exact.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApplyOutcome, ProviderOutcome } from '../../src/controller/apply-outcome.js';
import { Reconciler } from '../../src/controller/reconcile.js';
import type { ReconcileTarget } from '../../src/controller/reconcile.js';
import type { ReconcileEvent } from '../../src/controller/reconcile-events.js';
import type { RecordSet } from '../../src/dns/record.js';
import { MemoryProvider } from '../support/memory-provider.js';

const OWNER = 'ctl';
const APP = 'app.example.test.';
const API = 'api.example.test.';
const SAFETY = { maxChangeShare: 1, minNamesForShareLimit: 10, force: false };
const GRACE_MS = 300;
const HANG_MS = 5_000;
const a = (name: string, ...values: string[]): RecordSet => ({ name, type: 'A', ttl: 30, values });
const target = (generation: number, app: string): ReconcileTarget => ({
  desired: [a(APP, app), a(API, '192.0.2.2')],
  generation,
  fenceNames: [APP],
});

function setup() {
  const ps = [new MemoryProvider('route53'), new MemoryProvider('azure'), new MemoryProvider('clouddns')] as const;
  const reconciler = new Reconciler({
    providers: ps,
    owner: OWNER,
    safety: SAFETY,
    providerTimeoutMs: 10_000,
    readGraceMs: GRACE_MS,
    random: () => 0.5,
  });
  const events: ReconcileEvent[] = [];
  reconciler.onEvent((e) => events.push(e));
  return { ps, reconciler, events };
}

/** Start `work`; `result()` is its value once settled, undefined before. */
function track<T>(work: Promise<T>): { result: () => T | undefined } {
  let value: T | undefined;
  void work.then((v) => (value = v));
  return { result: () => value };
}

const brief = (o: ProviderOutcome) => ({
  provider: o.provider,
  status: o.status,
  ...(o.status === 'out-of-sync' ? { errorKind: o.errorKind, reason: o.reason } : {}),
});

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Route 53 hangs: generation 1 lands on the others, and a retry of Route 53 alone is in flight (its read held HANG_MS). */
async function retryInFlight() {
  const s = setup();
  const [route53] = s.ps;
  route53.setDelay(HANG_MS);
  const first = track(s.reconciler.publish(target(1, '192.0.2.1')));
  await vi.advanceTimersByTimeAsync(GRACE_MS);
  expect((first.result() as ApplyOutcome).providers.map((o) => `${o.provider} ${o.status}`)).toEqual([
    'route53 out-of-sync',
    'azure in-sync',
    'clouddns in-sync',
  ]);
  await vi.advanceTimersByTimeAsync((s.reconciler.nextRetryAt() as number) - Date.now());
  const retry = track(s.reconciler.retryDue());
  await vi.advanceTimersByTimeAsync(1_000);
  expect(retry.result()).toBeUndefined();
  expect(route53.calls).toEqual({ read: 2, apply: 0 });
  return { ...s, retry };
}

describe('a publish while a retry of a hanging provider is in flight', () => {
  it('is written to the other providers within the read grace; the busy provider is out of sync, "retry in flight"', async () => {
    const { ps, reconciler, retry } = await retryInFlight();
    const [route53, azure, clouddns] = ps;
    const second = track(reconciler.publish(target(2, '192.0.2.9')));
    await vi.advanceTimersByTimeAsync(GRACE_MS);
    const outcome = second.result() as ApplyOutcome;
    expect(outcome.status).toBe('partial');
    expect(outcome.generation).toBe(2);
    expect(outcome.providers.map(brief)).toEqual([
      { provider: 'route53', status: 'out-of-sync', errorKind: 'unavailable', reason: 'retry in flight' },
      { provider: 'azure', status: 'in-sync' },
      { provider: 'clouddns', status: 'in-sync' },
    ]);
    expect([azure.served(APP, 'A'), clouddns.served(APP, 'A')]).toEqual([['192.0.2.9'], ['192.0.2.9']]);
    expect([azure.generationAt(APP), clouddns.generationAt(APP)]).toEqual([2, 2]);
    // The publish neither read nor wrote Route 53: its only call in flight is the retry's read.
    expect(route53.calls).toEqual({ read: 2, apply: 0 });
    expect(retry.result()).toBeUndefined();
  });

  it('after the hanging read returns, the busy provider converges to the NEWEST target and never writes the older one', async () => {
    const { ps, reconciler, events, retry } = await retryInFlight();
    const [route53, azure] = ps;
    // Two more decisions while Route 53's retry hangs: both land elsewhere without waiting for it.
    const second = track(reconciler.publish(target(2, '192.0.2.9')));
    const third = track(reconciler.publish(target(3, '192.0.2.33')));
    await vi.advanceTimersByTimeAsync(0);
    expect([(second.result() as ApplyOutcome).status, (third.result() as ApplyOutcome).status]).toEqual(['partial', 'partial']);
    const newestAckAt = (azure.writeLog.find((e) => e.name === APP && e.generation === 3) as { at: number }).at;

    // Route 53's API answers promptly again; the pending read still returns only after its hang.
    route53.setDelay(0);
    await vi.advanceTimersByTimeAsync(HANG_MS);
    const outcomes = retry.result() as readonly ApplyOutcome[];
    expect(outcomes.map((o) => [o.generation, o.providers.map(brief)])).toEqual([[3, [{ provider: 'route53', status: 'in-sync' }]]]);
    expect([route53.served(APP, 'A'), route53.generationAt(APP)]).toEqual([['192.0.2.33'], 3]);
    // Generation 1 was read, then refused before its apply: Route 53 only ever saw generation 3 written.
    expect(route53.calls).toEqual({ read: 3, apply: 1 });
    expect(route53.writeLog.filter((e) => e.name === APP).map((e) => e.generation)).toEqual([3]);
    expect(route53.writeLog.filter((e) => e.at >= newestAckAt && e.generation !== undefined && e.generation < 3)).toEqual([]);
    expect(events.filter((e) => e.type === 'converged')).toMatchObject([{ provider: 'route53', generation: 3 }]);
    expect(reconciler.outOfSync().size).toBe(0);
  });

  it('publishes stay serial with each other: the second starts once the first has finished', async () => {
    const { ps, reconciler } = setup();
    const [, azure] = ps;
    azure.setDelay(200);
    const first = track(reconciler.publish(target(1, '192.0.2.1')));
    const second = track(reconciler.publish(target(2, '192.0.2.9')));
    await vi.advanceTimersByTimeAsync(300);
    // The first is writing Azure (read 200 ms, write 200 ms); the second has not read anything yet.
    expect([first.result(), second.result(), azure.calls.read]).toEqual([undefined, undefined, 1]);
    await vi.advanceTimersByTimeAsync(100);
    expect((first.result() as ApplyOutcome).status).toBe('in-sync');
    await vi.advanceTimersByTimeAsync(400);
    expect((second.result() as ApplyOutcome).status).toBe('in-sync');
    expect(azure.writeLog.filter((e) => e.name === APP).map((e) => e.generation)).toEqual([1, 2]);
  });
});

describe('a publish while a drift repair is in flight', () => {
  it('is not held by the repair; the repaired provider is due at once and brought to the newest target', async () => {
    const { ps, reconciler, events } = setup();
    const [route53, azure, clouddns] = ps;
    await reconciler.publish(target(1, '192.0.2.1'));
    clouddns.handEdit(a(APP, '203.0.113.66'));
    // Cloud DNS reads in 100 ms (inside the grace), then its repair write hangs.
    clouddns.setDelay(100);
    const drift = track(reconciler.checkDrift());
    await vi.advanceTimersByTimeAsync(50);
    clouddns.setDelay(HANG_MS);
    await vi.advanceTimersByTimeAsync(100);
    expect(events.filter((e) => e.type === 'generation-advanced')).toMatchObject([{ from: 1, to: 2, reason: 'drift-repair' }]);
    expect(clouddns.calls.apply).toBe(2);

    const publish = track(reconciler.publish(target(3, '192.0.2.9')));
    await vi.advanceTimersByTimeAsync(0);
    expect((publish.result() as ApplyOutcome).providers.map(brief)).toEqual([
      { provider: 'route53', status: 'in-sync' },
      { provider: 'azure', status: 'in-sync' },
      { provider: 'clouddns', status: 'out-of-sync', errorKind: 'unavailable', reason: 'drift repair in flight' },
    ]);
    expect([route53.served(APP, 'A'), azure.served(APP, 'A')]).toEqual([['192.0.2.9'], ['192.0.2.9']]);

    // The repair's write (sent before the publish) lands; Cloud DNS is then due at once, with generation 3.
    clouddns.setDelay(0);
    await vi.advanceTimersByTimeAsync(HANG_MS);
    expect((drift.result() as readonly unknown[]).length).toBe(1);
    expect(reconciler.nextRetryAt()).toBeLessThanOrEqual(Date.now());
    const retried = await reconciler.retryDue();
    expect(retried.flatMap((o) => o.providers).map((o) => `${o.provider} ${o.status}`)).toEqual(['clouddns in-sync']);
    expect([clouddns.served(APP, 'A'), clouddns.generationAt(APP)]).toEqual([['192.0.2.9'], 3]);
    expect(reconciler.outOfSync().size).toBe(0);
  });
});
