/**
 * I4 against the real emulators and adapters: with one provider's API down, a
 * publish lands on the other two and reports that provider out of sync; once its
 * API is back, the reconciler's next scheduled retry (one backoff period) makes
 * all three nameservers answer the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Reconciler } from '../../src/controller/reconcile.js';
import type { RunningEmulators } from '../../src/emulators/index.js';
import { answerAt, emulatorProviders, type EmulatorProviders } from './emulator-providers.js';
import type { DnsProvider } from '../../src/providers/provider.js';

const APP = 'app.example.test.';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('reconciliation against the emulators', () => {
  let fx: EmulatorProviders;
  let emu: RunningEmulators;
  let providers: DnsProvider[];

  beforeAll(async () => {
    fx = await emulatorProviders({ timeoutMs: 1000, maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 50 });
    ({ emu, providers } = fx);
  });
  afterAll(async () => {
    await fx?.stop();
  });

  it('one API down: the others are written, it is out of sync, and it converges on the first retry after it is back', async () => {
    const backoff = { baseMs: 400, capMs: 2000 };
    const reconciler = new Reconciler({
      providers,
      owner: 'it-reconcile',
      safety: { maxChangeShare: 0.3, minNamesForShareLimit: 10, force: false },
      providerTimeoutMs: 3000,
      backoff,
    });
    emu.route53.faults.set({ apiDown: true });
    await emu.route53.api.settled();

    const first = await reconciler.publish({
      desired: [{ name: APP, type: 'A', ttl: 5, values: ['192.0.2.1'] }],
      generation: 1,
      managedNames: [APP],
    });
    const status = Object.fromEntries(first.providers.map((p) => [p.provider, p.status]));
    expect(status).toEqual({ route53: 'out-of-sync', azure: 'in-sync', clouddns: 'in-sync' });
    expect(reconciler.outOfSync().get('route53')?.lastError.kind).toBe('unavailable');
    expect(await answerAt(emu.azure.dns, APP)).toEqual(['192.0.2.1']);
    expect(await answerAt(emu.clouddns.dns, APP)).toEqual(['192.0.2.1']);
    expect(await answerAt(emu.route53.dns, APP)).toEqual([]);

    emu.route53.faults.heal();
    await emu.route53.api.settled();
    const healedAt = Date.now();
    const due = reconciler.nextRetryAt();
    expect(due).toBeDefined();
    // One backoff period: the retry already scheduled when the API came back.
    expect(due! - healedAt).toBeLessThanOrEqual(backoff.capMs);
    await sleep(Math.max(0, due! - Date.now()));
    const retried = await reconciler.retryDue();
    expect(retried.flatMap((o) => o.providers.filter((p) => p.provider === 'route53').map((p) => p.status))).toEqual(['in-sync']);
    expect(reconciler.outOfSync().size).toBe(0);
    expect(await answerAt(emu.route53.dns, APP)).toEqual(['192.0.2.1']);
    expect(await answerAt(emu.azure.dns, APP)).toEqual(['192.0.2.1']);
    expect(await answerAt(emu.clouddns.dns, APP)).toEqual(['192.0.2.1']);
  });
});
