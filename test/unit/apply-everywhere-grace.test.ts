/**
 * The read grace (I5): a provider whose API hangs must not hold the healthy
 * providers' writes for its whole deadline. Fake timers drive the memory
 * providers' delays, the grace and Date.now together, so every time below is
 * exact and nothing depends on the speed of the machine.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyEverywhere } from '../../src/controller/apply-everywhere.js';
import type { ApplyOutcome, ProviderOutcome } from '../../src/controller/apply-outcome.js';
import { Reconciler } from '../../src/controller/reconcile.js';
import type { ReconcileEvent } from '../../src/controller/reconcile-events.js';
import { ownershipRecord } from '../../src/dns/ownership.js';
import type { RecordSet } from '../../src/dns/record.js';
import { MemoryProvider } from '../support/memory-provider.js';

const OWNER = 'ctl';
const APP = 'app.example.test.';
const API = 'api.example.test.';
const SAFETY = { maxChangeShare: 1, minNamesForShareLimit: 10, force: false };
const GRACE_REASON = 'no answer within the read grace of 300 ms; handed to the reconciler';
const a = (name: string, ...values: string[]): RecordSet => ({ name, type: 'A', ttl: 30, values });
const desired = (app: string) => [a(APP, app), a(API, '192.0.2.2')];

function providers() {
  return [new MemoryProvider('route53'), new MemoryProvider('azure'), new MemoryProvider('clouddns')] as const;
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
  publishMs: o.publishMs,
  ...(o.status === 'out-of-sync' ? { errorKind: o.errorKind, reason: o.reason } : {}),
});

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('applyEverywhere with a read grace', () => {
  it('writes the answering providers when the grace ends; the hanging one is out of sync with the grace reason', async () => {
    const [route53, azure, clouddns] = providers();
    route53.setDelay(5_000);
    const run = track(
      applyEverywhere({
        providers: [route53, azure, clouddns],
        desired: desired('192.0.2.1'),
        owner: OWNER,
        generation: 1,
        safety: SAFETY,
        providerTimeoutMs: 10_000,
        readGraceMs: 300,
      }),
    );

    await vi.advanceTimersByTimeAsync(299);
    expect(run.result()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    const outcome = run.result() as ApplyOutcome;
    expect(outcome.status).toBe('partial');
    expect(outcome.providers.map(brief)).toEqual([
      { provider: 'route53', status: 'out-of-sync', publishMs: undefined, errorKind: 'timeout', reason: GRACE_REASON },
      { provider: 'azure', status: 'in-sync', publishMs: 300 },
      { provider: 'clouddns', status: 'in-sync', publishMs: 300 },
    ]);
    expect([azure.served(APP, 'A'), clouddns.served(APP, 'A')]).toEqual([['192.0.2.1'], ['192.0.2.1']]);

    // The abandoned read answers later: its result is dropped, nothing is written there.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(route53.calls).toEqual({ read: 1, apply: 0 });
    expect(route53.served(APP, 'A')).toBeUndefined();
  });

  it('the grace starts at the first answer, not at the start of the run', async () => {
    const [route53, azure, clouddns] = providers();
    azure.setDelay(200);
    clouddns.setDelay(400);
    route53.setDelay(5_000);
    const run = track(
      applyEverywhere({
        providers: [route53, azure, clouddns],
        desired: desired('192.0.2.1'),
        owner: OWNER,
        generation: 1,
        safety: SAFETY,
        readGraceMs: 300,
      }),
    );

    await vi.advanceTimersByTimeAsync(499);
    expect(run.result()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    // Cloud DNS answered 200 ms after Azure, inside the grace: read, then written (its apply waits 400 ms more).
    await vi.advanceTimersByTimeAsync(400);
    expect((run.result() as ApplyOutcome).providers.map((o) => `${o.provider} ${o.status}`)).toEqual([
      'route53 out-of-sync',
      'azure in-sync',
      'clouddns in-sync',
    ]);
  });

  it('grace 0 waits for every read, as before: the hanging provider delays the others by its whole delay', async () => {
    const [route53, azure, clouddns] = providers();
    route53.setDelay(5_000);
    const run = track(
      applyEverywhere({
        providers: [route53, azure, clouddns],
        desired: desired('192.0.2.1'),
        owner: OWNER,
        generation: 1,
        safety: SAFETY,
        providerTimeoutMs: 10_000,
        readGraceMs: 0,
      }),
    );

    await vi.advanceTimersByTimeAsync(4_999);
    expect(run.result()).toBeUndefined();
    expect(azure.calls.apply).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    // Route 53's read has answered; its write waits another 5 s (every call is delayed).
    await vi.advanceTimersByTimeAsync(5_000);
    const outcome = run.result() as ApplyOutcome;
    expect(outcome.status).toBe('in-sync');
    expect(outcome.providers.map((o) => [o.provider, o.publishMs])).toEqual([
      ['route53', 10_000],
      ['azure', 5_000],
      ['clouddns', 5_000],
    ]);
  });

  it('observers do not start the grace: a slow provider retried alone is awaited in full', async () => {
    const [route53, azure, clouddns] = providers();
    route53.setDelay(2_000);
    const run = track(
      applyEverywhere({
        providers: [route53],
        observers: [azure, clouddns],
        desired: desired('192.0.2.1'),
        owner: OWNER,
        generation: 1,
        safety: SAFETY,
        providerTimeoutMs: 10_000,
        readGraceMs: 300,
      }),
    );
    await vi.advanceTimersByTimeAsync(4_000);
    expect((run.result() as ApplyOutcome).providers.map(brief)).toEqual([{ provider: 'route53', status: 'in-sync', publishMs: 4_000 }]);
  });
});

describe('Reconciler with a read grace', () => {
  function setup() {
    const ps = providers();
    const reconciler = new Reconciler({
      providers: ps,
      owner: OWNER,
      safety: SAFETY,
      providerTimeoutMs: 10_000,
      readGraceMs: 300,
      random: () => 0.5,
    });
    const events: ReconcileEvent[] = [];
    reconciler.onEvent((e) => events.push(e));
    return { ps, reconciler, events };
  }

  it('a hanging provider is handed to the retries; the retry awaits its own read and brings it in sync', async () => {
    const { ps, reconciler, events } = setup();
    const [route53] = ps;
    route53.setDelay(5_000);
    const publish = track(reconciler.publish({ desired: desired('192.0.2.1'), generation: 1, fenceNames: [APP] }));
    await vi.advanceTimersByTimeAsync(300);
    expect((publish.result() as ApplyOutcome).providers.map((o) => `${o.provider} ${o.status}`)).toEqual([
      'route53 out-of-sync',
      'azure in-sync',
      'clouddns in-sync',
    ]);
    expect(reconciler.outOfSync().get('route53')).toMatchObject({ attempts: 1, lastError: { kind: 'timeout', message: GRACE_REASON } });

    // The retry is route53 alone (grace irrelevant): it waits for the slow read, and the slow write.
    await vi.advanceTimersByTimeAsync((reconciler.nextRetryAt() as number) - Date.now());
    const retry = track(reconciler.retryDue());
    await vi.advanceTimersByTimeAsync(10_000);
    expect((retry.result() as readonly ApplyOutcome[]).flatMap((o) => o.providers).map((o) => `${o.provider} ${o.status}`)).toEqual([
      'route53 in-sync',
    ]);
    expect(route53.served(APP, 'A')).toEqual(['192.0.2.1']);
    expect(events.filter((e) => e.type === 'converged')).toMatchObject([{ provider: 'route53', generation: 1, attempts: 1 }]);
    expect(reconciler.outOfSync().size).toBe(0);
  });

  it('a publish shares one grace: a lagging provider that still hangs does not hold the new decision', async () => {
    const { ps, reconciler } = setup();
    const [route53, azure] = ps;
    route53.setDown(true);
    await reconciler.publish({ desired: desired('192.0.2.1'), generation: 1, fenceNames: [APP] });
    expect([...reconciler.outOfSync().keys()]).toEqual(['route53']);

    // Its API now hangs instead of refusing; a new decision is written to the others within the grace.
    route53.setDown(false).setDelay(5_000);
    const publish = track(reconciler.publish({ desired: desired('192.0.2.9'), generation: 2, fenceNames: [APP] }));
    await vi.advanceTimersByTimeAsync(299);
    // The providers in sync were written at once (their run had every answer it waited for) ...
    expect(azure.served(APP, 'A')).toEqual(['192.0.2.9']);
    expect(publish.result()).toBeUndefined();
    // ... and Route 53's run of its own is cut short by the same grace, not by its 10 s deadline.
    await vi.advanceTimersByTimeAsync(1);
    const outcome = publish.result() as ApplyOutcome;
    expect(outcome.providers.map(brief)).toEqual([
      { provider: 'route53', status: 'out-of-sync', publishMs: undefined, errorKind: 'timeout', reason: GRACE_REASON },
      { provider: 'azure', status: 'in-sync', publishMs: 0 },
      { provider: 'clouddns', status: 'in-sync', publishMs: 0 },
    ]);
    expect(azure.served(APP, 'A')).toEqual(['192.0.2.9']);
    expect(reconciler.outOfSync().get('route53')).toMatchObject({ attempts: 2 });
  });

  it('a straggler holding a NEWER generation: the plan lands on the others, the retry reports superseded and overwrites nothing', async () => {
    const { ps, reconciler, events } = setup();
    const [route53, azure, clouddns] = ps;
    // Someone (a later incarnation of this controller) published generation 9 on Route 53 only.
    route53.seed(a(APP, '198.51.100.9'), ownershipRecord(APP, { owner: OWNER, generation: 9, types: ['A'] })).setDelay(5_000);
    const publish = track(reconciler.publish({ desired: desired('192.0.2.5'), generation: 5, fenceNames: [APP] }));
    await vi.advanceTimersByTimeAsync(300);
    expect((publish.result() as ApplyOutcome).status).toBe('partial');
    expect([azure.generationAt(APP), clouddns.generationAt(APP)]).toEqual([5, 5]);

    // The retry reads the straggler (slowly): generation 9 is newer than the plan's 5.
    await vi.advanceTimersByTimeAsync((reconciler.nextRetryAt() as number) - Date.now());
    const retry = track(reconciler.retryDue());
    await vi.advanceTimersByTimeAsync(5_000);
    const outcome = (retry.result() as readonly ApplyOutcome[])[0] as ApplyOutcome;
    expect(outcome.status).toBe('superseded');
    expect(outcome.superseded).toEqual({ provider: 'route53', name: APP, published: 9, planGeneration: 5 });
    expect(outcome.providers.map((o) => `${o.provider} ${o.status}`)).toEqual(['route53 held']);
    expect(route53.calls.apply).toBe(0);
    expect([route53.served(APP, 'A'), route53.generationAt(APP)]).toEqual([['198.51.100.9'], 9]);
    // The controller hears it as a 'superseded' event (and mints above 9 from then on); the retries stop.
    expect(events.filter((e) => e.type === 'superseded')).toMatchObject([
      { provider: 'route53', name: APP, published: 9, planGeneration: 5 },
    ]);
    expect(reconciler.outOfSync().size).toBe(0);
  });
});
