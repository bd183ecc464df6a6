/**
 * Providers out of sync: a provider whose API is down is skipped by the
 * publish (the others move traffic, I5), reported, retried with backoff and
 * converges when back (I4); drift made by hand is reported and repaired unless
 * the service is paused.
 */
import { describe, expect, it } from 'vitest';
import { ADDR, NAME, rig, serving } from './controller-fixtures.js';

const SERVICE = 'app.example.test';

async function startedOnAws() {
  const r = rig();
  for (const t of ['aws', 'azure', 'gcp']) r.monitor.set(t, 'up');
  await r.controller.start();
  await r.controller.idle();
  return r;
}

describe('controller provider sync', () => {
  it('a provider whose API is down: the others are written, it is reported out of sync, retried, and converges', async () => {
    const r = await startedOnAws();
    const route53 = r.providers[0]!;
    route53.setDown(true);
    r.monitor.set('aws', 'down');
    await r.controller.idle();

    expect(serving(r.providers)).toEqual({ route53: [ADDR.aws], azure: [ADDR.azure], clouddns: [ADDR.azure] });
    const write = r.controller.events.ofType('write').at(-1);
    expect(write?.status).toBe('partial');
    expect(write?.providers.find((p) => p.provider === 'route53')).toMatchObject({ result: 'out-of-sync', changes: 0 });
    expect(write?.providers.find((p) => p.provider === 'route53')?.detail).toMatch(/unavailable: .*ECONNREFUSED/);
    expect(write?.providers.find((p) => p.provider === 'azure')).toMatchObject({ result: 'ok', changes: 1 });
    const out = r.controller.events.ofType('provider-sync').filter((e) => e.provider === 'route53' && e.service === undefined);
    expect(out.at(-1)).toMatchObject({ before: 'in-sync', after: 'out-of-sync' });
    expect(r.controller.providerSync.get('route53')).toMatchObject({ sync: 'out-of-sync' });
    expect(r.controller.service(SERVICE)?.providers.get('route53')?.sync).toBe('out-of-sync');
    // The answer moved: azure and clouddns serve it, so it is the published answer.
    expect(r.controller.service(SERVICE)?.published).toMatchObject({ addresses: [ADDR.azure], generation: 2 });

    await r.advance(3000); // still down: retried with backoff, still out of sync, one event only
    expect(route53.calls.read).toBeGreaterThan(1);
    expect(
      r.controller.events
        .ofType('provider-sync')
        .filter((e) => e.provider === 'route53' && e.after === 'out-of-sync' && e.service === undefined),
    ).toHaveLength(1);

    route53.setDown(false);
    await r.advance(5000);
    expect(serving(r.providers)).toEqual({ route53: [ADDR.azure], azure: [ADDR.azure], clouddns: [ADDR.azure] });
    expect(route53.generationAt(NAME)).toBe(2);
    expect(r.controller.events.ofType('provider-sync').at(-1)).toMatchObject({
      provider: 'route53',
      before: 'out-of-sync',
      after: 'in-sync',
    });
    expect(r.controller.service(SERVICE)?.providers.get('route53')).toMatchObject({ sync: 'in-sync' });
  });

  it('a publish no provider takes stays wanted, is retried by the reconciler, and becomes published when a provider converges', async () => {
    const r = await startedOnAws();
    for (const p of r.providers) p.setDown(true);
    r.monitor.set('aws', 'down');
    await r.controller.idle();
    const state = r.controller.service(SERVICE);
    expect(r.controller.events.ofType('write').at(-1)?.status).toBe('failed');
    expect(state?.published).toMatchObject({ addresses: [ADDR.aws], generation: 1 });
    expect(state?.wanted).toEqual({ addresses: [ADDR.azure], generation: 2 });

    await r.advance(2000); // ticks do not publish again: the reconciler owns the retry
    expect(r.controller.events.ofType('write')).toHaveLength(2);
    for (const p of r.providers) p.setDown(false);
    await r.advance(5000);
    expect(serving(r.providers)).toEqual({ route53: [ADDR.azure], azure: [ADDR.azure], clouddns: [ADDR.azure] });
    expect(state?.published).toMatchObject({ addresses: [ADDR.azure], generation: 2 });
    expect(state?.wanted).toBeUndefined();
  });

  it('drift by hand is reported and repaired with a new generation; on a paused service it is only reported', async () => {
    const r = await startedOnAws();
    const azure = r.providers[1]!;
    azure.handEdit({ name: NAME, type: 'A', ttl: 30, values: ['192.0.2.66'] });
    await r.advance(60_000);
    const drift = r.controller.events.ofType('drift');
    expect(drift[0]).toMatchObject({ provider: 'azure', service: SERVICE, expected: [ADDR.aws], found: ['192.0.2.66'], repaired: false });
    expect(drift[1]).toMatchObject({ provider: 'azure', service: SERVICE, repaired: true });
    expect(azure.served(NAME, 'A')).toEqual([ADDR.aws]);
    expect(r.controller.generation).toBe(2);
    expect(azure.generationAt(NAME)).toBe(2);

    r.controller.pause(SERVICE, { operator: 'bob', reason: 'testing by hand' });
    azure.handEdit({ name: NAME, type: 'A', ttl: 30, values: ['192.0.2.77'] });
    await r.advance(60_000);
    const last = r.controller.events.ofType('drift').at(-1);
    expect(last).toMatchObject({ found: ['192.0.2.77'], repaired: false });
    expect(last?.reason).toMatch(/paused: reported only/);
    expect(azure.served(NAME, 'A')).toEqual(['192.0.2.77']);

    // After a drift repair the next decided change is minted above it.
    r.controller.resume(SERVICE, { operator: 'bob', reason: 'done' });
    await r.controller.idle();
    const before = r.controller.generation;
    r.monitor.set('aws', 'down');
    await r.controller.idle();
    expect(serving(r.providers)).toEqual({ route53: [ADDR.azure], azure: [ADDR.azure], clouddns: [ADDR.azure] });
    expect(r.providers.map((p) => p.generationAt(NAME))).toEqual(Array(3).fill(before + 1));
  });
});
