/**
 * A restarted controller starts from what the providers publish: it writes
 * nothing that is right, catches up a provider a crash left behind, and never
 * mints a generation at or below one already published.
 */
import { describe, expect, it } from 'vitest';
import { ownershipRecord } from '../../src/dns/ownership.js';
import { ADDR, FakeClock, NAME, memoryProviders, rig, serving } from './controller-fixtures.js';

const SERVICE = 'app.example.test';

async function failedOverToAzure() {
  const r = rig();
  for (const t of ['aws', 'azure', 'gcp']) r.monitor.set(t, 'up');
  await r.controller.start();
  await r.controller.idle();
  r.monitor.set('aws', 'down');
  await r.controller.idle();
  expect(serving(r.providers).route53).toEqual([ADDR.azure]);
  await r.controller.stop();
  return r;
}

describe('controller restart', () => {
  it('a new controller over the same providers writes nothing and keeps the published answer and generation', async () => {
    const first = await failedOverToAzure();
    const applies = first.applies();
    const second = rig({ providers: first.providers, clock: first.clock });
    await second.controller.start();
    await second.controller.idle();

    // Health starts unknown: the published azure keeps its traffic, nothing moves.
    const state = second.controller.service(SERVICE);
    expect(state?.published).toMatchObject({ addresses: [ADDR.azure], generation: 2, changedAt: first.clock.now() });
    expect(state?.lastDecision).toMatchObject({ kind: 'keep', addresses: [ADDR.azure] });
    expect(second.controller.generation).toBe(2);
    for (const p of second.providers) expect(second.controller.service(SERVICE)?.providers.get(p.id)?.sync).toBe('in-sync');

    second.monitor.set('aws', 'down');
    second.monitor.set('azure', 'up');
    second.monitor.set('gcp', 'up');
    await second.advance(3000);
    expect(second.applies()).toBe(applies);
    expect(second.providers.map((p) => p.generationAt(NAME))).toEqual([2, 2, 2]);
    await second.controller.stop();
  });

  it('generations stay monotonic across restarts: the next change is minted above everything published', async () => {
    const first = await failedOverToAzure();
    const second = rig({ providers: first.providers, clock: first.clock });
    await second.controller.start();
    for (const t of ['aws', 'azure', 'gcp']) second.monitor.set(t, 'up');
    second.monitor.set('azure', 'down');
    await second.controller.idle();
    expect(serving(second.providers)).toEqual({ route53: [ADDR.aws], azure: [ADDR.aws], clouddns: [ADDR.aws] });
    expect(second.providers.map((p) => p.generationAt(NAME))).toEqual([3, 3, 3]);
    await second.controller.stop();

    const third = rig({ providers: first.providers, clock: first.clock });
    await third.controller.start();
    await third.controller.idle();
    expect(third.controller.generation).toBe(3);
    expect(third.controller.service(SERVICE)?.published).toMatchObject({ addresses: [ADDR.aws], generation: 3 });
  });

  it('a provider left behind by a crash mid-publish is caught up alone, with a new generation and no fence', async () => {
    const clock = new FakeClock();
    const providers = memoryProviders(clock);
    const a = (v: string) => ({ name: NAME, type: 'A' as const, ttl: 30, values: [v] });
    const own = (generation: number) => ownershipRecord(NAME, { owner: 'ctl-test', generation, types: ['A'] });
    // route53 and clouddns took generation 2 (azure); the azure provider still has generation 1 (aws).
    providers[0]!.seed(a(ADDR.azure), own(2));
    providers[1]!.seed(a(ADDR.aws), own(1));
    providers[2]!.seed(a(ADDR.azure), own(2));

    const r = rig({ providers, clock });
    await r.controller.start();
    await r.controller.idle();
    expect(serving(providers)).toEqual({ route53: [ADDR.azure], azure: [ADDR.azure], clouddns: [ADDR.azure] });
    expect(providers.map((p) => p.calls.apply)).toEqual([0, 1, 0]);
    expect(providers.map((p) => p.generationAt(NAME))).toEqual([2, 3, 2]);
    expect(r.publisher.targets.at(-1)).toMatchObject({ generation: 3, fenceNames: [] });
    expect(r.controller.service(SERVICE)?.published).toMatchObject({ addresses: [ADDR.azure], generation: 2 });
    const lag = r.controller.events.ofType('provider-sync').find((e) => e.provider === 'azure' && e.service === SERVICE);
    expect(lag).toMatchObject({ after: 'out-of-sync' });
    expect(lag?.reason).toMatch(/serves \[127\.0\.0\.11\], published is \[127\.0\.0\.12\] at generation 2/);
  });

  it('ties at the highest generation go to the answer most providers hold', async () => {
    const clock = new FakeClock();
    const providers = memoryProviders(clock);
    const own = ownershipRecord(NAME, { owner: 'ctl-test', generation: 5, types: ['A'] });
    providers[0]!.seed({ name: NAME, type: 'A', ttl: 30, values: [ADDR.gcp] }, own);
    providers[1]!.seed({ name: NAME, type: 'A', ttl: 30, values: [ADDR.azure] }, own);
    providers[2]!.seed({ name: NAME, type: 'A', ttl: 30, values: [ADDR.azure] }, own);
    const r = rig({ providers, clock });
    await r.controller.start();
    await r.controller.idle();
    expect(r.controller.service(SERVICE)?.published).toMatchObject({ addresses: [ADDR.azure], generation: 5 });
    expect(serving(providers).route53).toEqual([ADDR.azure]);
    expect(providers[0]!.generationAt(NAME)).toBe(6);
  });
});

describe('controller superseded by a newer writer', () => {
  it('learns the newer published answer instead of overwriting it, and mints above it afterwards', async () => {
    const r = rig();
    for (const t of ['aws', 'azure', 'gcp']) r.monitor.set(t, 'up');
    await r.controller.start();
    await r.controller.idle();
    // Another writer with our owner (a previous incarnation whose write landed late) published azure at generation 5.
    for (const p of r.providers) {
      p.handEdit({ name: NAME, type: 'A', ttl: 30, values: [ADDR.azure] });
      p.handEdit(ownershipRecord(NAME, { owner: 'ctl-test', generation: 5, types: ['A'] }));
    }
    const applies = r.applies();
    r.monitor.set('aws', 'down');
    await r.controller.idle();

    expect(r.applies()).toBe(applies);
    expect(r.controller.events.ofType('conflict').at(-1)).toMatchObject({ kind: 'superseded', generation: 2, names: [NAME] });
    // The fenced plan found nothing to write (the name already carried generation 5): it is read back, not overwritten.
    expect(r.controller.events.ofType('write').at(-1)).toMatchObject({ generation: 2, after: [ADDR.azure] });
    expect(r.controller.service(SERVICE)?.published).toMatchObject({ addresses: [ADDR.azure], generation: 5 });
    expect(r.controller.service(SERVICE)?.lastDecision?.kind).toBe('keep');
    expect(r.providers.map((p) => p.generationAt(NAME))).toEqual([5, 5, 5]);

    r.monitor.set('azure', 'down');
    await r.controller.idle();
    expect(serving(r.providers)).toEqual({ route53: [ADDR.gcp], azure: [ADDR.gcp], clouddns: [ADDR.gcp] });
    expect(r.providers.map((p) => p.generationAt(NAME))).toEqual([6, 6, 6]);
  });
});

describe('controller superseded by a newer writer with another answer', () => {
  it('stops, reads the newer answer back, holds it for the dwell, then moves with a generation above it', async () => {
    const r = rig();
    for (const t of ['aws', 'azure', 'gcp']) r.monitor.set(t, 'up');
    await r.controller.start();
    await r.controller.idle();
    for (const p of r.providers) {
      p.handEdit({ name: NAME, type: 'A', ttl: 30, values: [ADDR.gcp] });
      p.handEdit(ownershipRecord(NAME, { owner: 'ctl-test', generation: 5, types: ['A'] }));
    }
    const applies = r.applies();
    r.monitor.set('aws', 'down');
    await r.controller.idle();

    expect(r.applies()).toBe(applies);
    expect(r.controller.events.ofType('write').at(-1)).toMatchObject({ generation: 2, status: 'superseded' });
    expect(r.controller.events.ofType('conflict').at(-1)).toMatchObject({ kind: 'superseded', generation: 2 });
    expect(r.controller.service(SERVICE)?.published).toMatchObject({ addresses: [ADDR.gcp], generation: 5 });
    // Read back as just changed: returning to the preferred usable target waits for the dwell.
    expect(r.controller.events.ofType('decision').at(-1)).toMatchObject({ kind: 'hold', after: [ADDR.gcp], wanted: [ADDR.azure] });

    await r.advance(5000);
    expect(serving(r.providers)).toEqual({ route53: [ADDR.azure], azure: [ADDR.azure], clouddns: [ADDR.azure] });
    expect(r.providers.map((p) => p.generationAt(NAME))).toEqual([6, 6, 6]);
  });
});
