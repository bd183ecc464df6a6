/**
 * A provider's acknowledged write is reported (and audited) the moment its
 * answer arrives, not once the slowest provider has answered: applyEverywhere's
 * onProviderApplied hook, threaded through the Reconciler and the publisher to
 * the controller's `provider-write` event and the audit file. One provider is
 * held back by a gate the test opens, so "before the slow one returns" is a
 * fact of the run, not a timing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyEverywhere, type AppliedTiming, type ApplyLog } from '../../src/controller/apply-everywhere.js';
import type { RecordSet } from '../../src/dns/record.js';
import type { ProviderPlan } from '../../src/plan/change.js';
import { AuditLog, bindAuditLog, readAuditLog } from '../../src/observability/audit-log.js';
import { bindControllerMetrics, ControllerMetrics } from '../../src/observability/metrics.js';
import type { ApplyReport, ProviderId } from '../../src/providers/provider.js';
import { MemoryProvider } from '../support/memory-provider.js';
import { ADDR, FakeClock, NAME, rig, settle } from './controller-fixtures.js';

const APP = 'app.example.test.';
const API = 'api.example.test.';
const a = (name: string, ...values: string[]): RecordSet => ({ name, type: 'A', ttl: 30, values });
const SAFETY = { maxChangeShare: 0.3, minNamesForShareLimit: 10, force: false };

/** A memory provider whose applies wait at a gate until the test opens it. */
class GatedProvider extends MemoryProvider {
  #gate: Promise<void> = Promise.resolve();
  #open: () => void = () => {};
  entered = 0;
  returned = 0;

  hold(): void {
    this.#gate = new Promise((resolve) => (this.#open = resolve));
  }

  release(): void {
    this.#open();
  }

  override async apply(plan: ProviderPlan): Promise<ApplyReport> {
    this.entered += 1;
    await this.#gate;
    const report = await super.apply(plan);
    this.returned += 1;
    return report;
  }
}

/** Resolves once `check` holds, letting promise chains run in between (no wall-clock wait). */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (check()) return;
    await settle();
  }
  throw new Error(`never happened: ${what}`);
}

const dir = mkdtempSync(join(tmpdir(), 'provider-applied-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('applyEverywhere: onProviderApplied', () => {
  it('fires for the fast provider while the slow one is still writing, then for the slow one; never for a provider that wrote nothing', async () => {
    let t = 1_000;
    const now = () => t;
    const route53 = new MemoryProvider('route53', { now });
    const azure = new GatedProvider('azure', { now });
    azure.hold();
    const heard: { provider: ProviderId; generation: number; names: string[]; timing: AppliedTiming; azureReturned: number }[] = [];
    const run = applyEverywhere({
      providers: [route53, azure],
      desired: [a(APP, '192.0.2.1'), a(API, '192.0.2.2')],
      owner: 'ctl',
      generation: 7,
      safety: SAFETY,
      now,
      decidedAt: 900,
      onProviderApplied: (provider, report, generation, timing) => {
        heard.push({
          provider,
          generation,
          names: report.applied.map((c) => `${c.kind} ${c.name}`),
          timing,
          azureReturned: azure.returned,
        });
      },
    });
    let settled = false;
    void run.then(() => (settled = true));

    await until(() => heard.length > 0, 'the hook for route53');
    expect(heard).toEqual([
      {
        provider: 'route53',
        generation: 7,
        names: [`create ${API}`, `create ${APP}`],
        timing: { decidedAt: 900, acknowledgedAt: 1_000 },
        azureReturned: 0,
      },
    ]);
    // Azure's apply is still waiting: it has written nothing and the run has not finished.
    expect([azure.entered, azure.returned]).toEqual([1, 0]);
    expect(azure.served(APP, 'A')).toBeUndefined();
    expect(settled).toBe(false);

    t = 1_250;
    azure.release();
    const outcome = await run;
    expect(outcome.status).toBe('in-sync');
    expect(heard.map((h) => [h.provider, h.timing.acknowledgedAt])).toEqual([
      ['route53', 1_000],
      ['azure', 1_250],
    ]);

    // Nothing to write the second time: no acknowledgement to report.
    const again: ProviderId[] = [];
    await applyEverywhere({
      providers: [route53, azure],
      desired: [a(APP, '192.0.2.1'), a(API, '192.0.2.2')],
      owner: 'ctl',
      generation: 7,
      safety: SAFETY,
      now,
      onProviderApplied: (p) => again.push(p),
    });
    expect(again).toEqual([]);
  });

  it('a hook that throws is logged and changes nothing about the run', async () => {
    const warned: string[] = [];
    const outcome = await applyEverywhere({
      providers: [new MemoryProvider('route53'), new MemoryProvider('clouddns')],
      desired: [a(APP, '192.0.2.1')],
      owner: 'ctl',
      generation: 1,
      safety: SAFETY,
      onProviderApplied: () => {
        throw new Error('listener broke');
      },
      log: { info: () => {}, warn: (_obj: unknown, msg?: string) => void warned.push(String(msg)) } as unknown as ApplyLog,
    });
    expect(outcome.providers.map((p) => [p.provider, p.status])).toEqual([
      ['route53', 'in-sync'],
      ['clouddns', 'in-sync'],
    ]);
    expect(warned).toEqual(['onProviderApplied hook failed', 'onProviderApplied hook failed']);
  });
});

describe('controller: provider-write', () => {
  it('is in the audit file for the fast providers before the slow one answers; the write follows; DNS writes are counted once', async () => {
    const clock = new FakeClock();
    const providers = [
      new MemoryProvider('route53', { now: () => clock.now() }),
      new GatedProvider('azure', { now: () => clock.now() }),
      new MemoryProvider('clouddns', { now: () => clock.now() }),
    ];
    const azure = providers[1] as GatedProvider;
    const r = rig({ clock, providers });
    const audit = AuditLog.open(join(dir, 'audit.jsonl'));
    bindAuditLog(r.controller.events, audit);
    const metrics = new ControllerMetrics();
    bindControllerMetrics(r.controller.events, metrics);
    for (const t of ['aws', 'azure', 'gcp']) r.monitor.set(t, 'up');
    await r.controller.start();
    await r.controller.idle();
    expect(
      r.controller.events
        .ofType('provider-write')
        .map((e) => `${e.provider}@${e.generation}`)
        .sort(),
    ).toEqual(['azure@1', 'clouddns@1', 'route53@1']);

    // AWS fails while Azure DNS's API is slow: Route 53 and Cloud DNS acknowledge first.
    azure.hold();
    r.monitor.set('aws', 'down');
    await until(
      () => r.controller.events.ofType('provider-write').filter((e) => e.generation === 2).length === 2,
      'the fast providers to acknowledge generation 2',
    );
    expect([azure.entered, azure.returned]).toEqual([2, 1]); // generation 2's apply is still waiting
    const early = (await readAuditLog(audit.path)).records.filter((rec) => rec.generation === 2);
    expect(early.map((rec) => [rec.kind, rec.providers?.[0]?.provider])).toEqual([
      ['provider-write', 'route53'],
      ['provider-write', 'clouddns'],
    ]);
    expect(early[0]).toMatchObject({
      actor: 'controller',
      service: 'app.example.test',
      providers: [{ provider: 'route53', result: 'ok', changes: 1, apiCalls: 1, latencyMs: 0 }],
      detail: {
        provider: 'route53',
        services: ['app.example.test'],
        changes: [{ kind: 'update', name: NAME, records: [{ type: 'A', ttl: 30, values: [ADDR.azure] }] }],
      },
    });
    expect(early[0]?.reason).toBe(`route53 acknowledged update ${NAME} [${ADDR.azure}] at generation 2 after 0 ms`);
    expect(JSON.parse(JSON.stringify(r.controller.events.ofType('provider-write').at(-1)))).toEqual(
      r.controller.events.ofType('provider-write').at(-1),
    );

    azure.release();
    await r.controller.idle();
    const records = (await readAuditLog(audit.path)).records.filter((rec) => rec.generation === 2);
    expect(records.map((rec) => `${rec.kind} ${rec.providers?.map((p) => p.provider).join(',')}`)).toEqual([
      'provider-write route53',
      'provider-write clouddns',
      'provider-write azure',
      'write route53,azure,clouddns',
    ]);

    // Two publishes, three providers each: every provider's write counted once, not once more per provider-write.
    const writes = (await metrics.dnsWrites.get()).values.map((v) => `${v.labels.provider} ${v.labels.outcome} ${v.value}`).sort();
    expect(writes).toEqual(['azure ok 2', 'clouddns ok 2', 'route53 ok 2']);
    await r.controller.stop();
    audit.close();
  });
});
