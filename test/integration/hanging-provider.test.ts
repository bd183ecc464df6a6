/**
 * I5 against the real emulators and adapters: Route 53's API hangs (every
 * request held 5 s, as under packet loss or an overloaded control plane) rather
 * than refusing connections. Azure DNS and Cloud DNS must still be written
 * within the read grace, not after Route 53's deadline; Route 53 is handed to
 * the reconciler and converges once its API answers again (I4).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Reconciler } from '../../src/controller/reconcile.js';
import type { RunningEmulators } from '../../src/emulators/index.js';
import { answerAt, emulatorProviders, type EmulatorProviders } from './emulator-providers.js';
import type { DnsProvider } from '../../src/providers/provider.js';

const APP = 'app.example.test.';
const GRACE_MS = 300;
const HANG_MS = 5_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a hanging provider API against the emulators', () => {
  let fx: EmulatorProviders;
  let emu: RunningEmulators;
  let providers: DnsProvider[];

  beforeAll(async () => {
    // Per-call deadline well above the hang's grace: without the grace, Route 53's read would hold the run for seconds.
    fx = await emulatorProviders({ timeoutMs: 8_000, maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 50 });
    ({ emu, providers } = fx);
  });
  afterAll(async () => {
    await fx?.stop();
  });

  it('Azure and Cloud DNS are written within the grace; Route 53 is out of sync, then converges after heal', async () => {
    const reconciler = new Reconciler({
      providers,
      owner: 'it-hanging',
      safety: { maxChangeShare: 0.3, minNamesForShareLimit: 10, force: false },
      providerTimeoutMs: 10_000,
      readGraceMs: GRACE_MS,
      backoff: { baseMs: 400, capMs: 2_000 },
    });
    emu.route53.faults.set({ latencyMs: HANG_MS });

    const outcome = await reconciler.publish({
      desired: [{ name: APP, type: 'A', ttl: 5, values: ['192.0.2.1'] }],
      generation: 1,
      managedNames: [APP],
    });
    const byProvider = Object.fromEntries(outcome.providers.map((p) => [p.provider, p]));
    expect(outcome.status).toBe('partial');
    expect(byProvider.route53).toMatchObject({
      status: 'out-of-sync',
      errorKind: 'timeout',
      reason: `no answer within the read grace of ${GRACE_MS} ms; handed to the reconciler`,
    });
    // Grace + their own read and write, far below the 5 s hang (generous bound for a loaded machine).
    for (const p of ['azure', 'clouddns']) {
      expect(byProvider[p]?.status).toBe('in-sync');
      expect(byProvider[p]?.publishMs).toBeLessThan(1_000);
    }
    expect(await answerAt(emu.azure.dns, APP)).toEqual(['192.0.2.1']);
    expect(await answerAt(emu.clouddns.dns, APP)).toEqual(['192.0.2.1']);
    expect(await answerAt(emu.route53.dns, APP)).toEqual([]);

    // The API answers promptly again; the next scheduled retry (Route 53 alone) converges it.
    emu.route53.faults.heal();
    const due = reconciler.nextRetryAt();
    expect(due).toBeDefined();
    await sleep(Math.max(0, due! - Date.now()));
    const retried = await reconciler.retryDue();
    expect(retried.flatMap((o) => o.providers.map((p) => `${p.provider} ${p.status}`))).toEqual(['route53 in-sync']);
    expect(reconciler.outOfSync().size).toBe(0);
    expect(await answerAt(emu.route53.dns, APP)).toEqual(['192.0.2.1']);
  });
});
