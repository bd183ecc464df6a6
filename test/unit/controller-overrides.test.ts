/**
 * Operator overrides through the controller: pause writes nothing, drain and
 * pin move traffic at once, every change is an `override` event with who and why.
 */
import { describe, expect, it } from 'vitest';
import { OverrideError, OverrideStore } from '../../src/controller/override-store.js';
import { ADDR, NAME, rig, serving, testConfig } from './controller-fixtures.js';

const SERVICE = 'app.example.test';
const who = { operator: 'alice', reason: 'maintenance window' };

async function startedOnAws() {
  const r = rig();
  for (const t of ['aws', 'azure', 'gcp']) r.monitor.set(t, 'up');
  await r.controller.start();
  await r.controller.idle();
  return r;
}

describe('controller overrides', () => {
  it('pause: a down verdict writes nothing, the decision says what it would be; resume publishes', async () => {
    const r = await startedOnAws();
    const applies = r.applies();
    const event = r.controller.pause(SERVICE, who);
    expect(event).toMatchObject({ type: 'override', action: 'pause', actor: 'operator', operator: 'alice', service: SERVICE });
    expect(event.reason).toBe(`pause ${SERVICE}: maintenance window`);

    r.monitor.set('aws', 'down');
    await r.controller.idle();
    await r.advance(2000);
    expect(r.applies()).toBe(applies);
    expect(serving(r.providers).route53).toEqual([ADDR.aws]);
    const d = r.controller.service(SERVICE)?.lastDecision;
    expect(d?.kind).toBe('paused');
    if (d?.kind === 'paused') expect(d.wouldBe).toMatchObject({ kind: 'change', addresses: [ADDR.azure] });
    expect(r.controller.events.ofType('decision').at(-1)).toMatchObject({ kind: 'paused', paused: true, after: [ADDR.aws] });

    r.controller.resume(SERVICE, who);
    await r.controller.idle();
    expect(serving(r.providers)).toEqual({ route53: [ADDR.azure], azure: [ADDR.azure], clouddns: [ADDR.azure] });
  });

  it('drain a cloud: traffic leaves it at once; undrain returns under dwell', async () => {
    const r = await startedOnAws();
    r.controller.drain('aws', who);
    await r.controller.idle();
    expect(serving(r.providers)).toEqual({ route53: [ADDR.azure], azure: [ADDR.azure], clouddns: [ADDR.azure] });
    expect(r.controller.events.ofType('decision').at(-1)?.reason).toMatch(/draining aws/);
    expect(r.controller.overrides.view().drainedClouds).toEqual(['aws']);

    r.controller.undrain('aws', who);
    await r.controller.idle();
    expect(serving(r.providers).route53).toEqual([ADDR.azure]);
    expect(r.controller.events.ofType('decision').at(-1)).toMatchObject({ kind: 'hold', wanted: [ADDR.aws] });
    await r.advance(5000);
    expect(serving(r.providers).route53).toEqual([ADDR.aws]);
  });

  it('pin a service to a target applies at once, even within dwell; a pin to a down target is ignored', async () => {
    const r = await startedOnAws();
    r.controller.pin(SERVICE, 'gcp', who);
    await r.controller.idle();
    expect(serving(r.providers)).toEqual({ route53: [ADDR.gcp], azure: [ADDR.gcp], clouddns: [ADDR.gcp] });
    expect(r.controller.events.ofType('override').map((e) => [e.action, e.targetId])).toEqual([['pin', 'gcp']]);

    r.monitor.set('gcp', 'down');
    await r.controller.idle();
    expect(serving(r.providers).clouddns).toEqual([ADDR.aws]);
    const d = r.controller.service(SERVICE)?.lastDecision;
    expect(d?.overrides.pinIgnored).toBe(true);
  });

  it('refuses overrides naming nothing configured, with what was expected', () => {
    const store = new OverrideStore(testConfig().services);
    expect(() => store.pin(SERVICE, 'oracle', who)).toThrowError(
      new OverrideError(400, `target 'oracle' is not a target of ${SERVICE}; expected one of aws, azure, gcp`),
    );
    expect(() => store.pause('nope.example.test', who)).toThrow(
      /service 'nope.example.test' is not configured; expected one of app.example.test/,
    );
    expect(() => store.drain('ibm', who)).toThrow(/cloud 'ibm' is unknown; expected one of aws, azure, gcp/);
    try {
      store.pause('nope.example.test', who);
    } catch (err) {
      expect((err as OverrideError).status).toBe(404);
    }
    // The canonical spelling with a trailing dot finds the same service.
    expect(store.pause(NAME, who)).toMatchObject({ service: SERVICE });
    expect(store.forService(SERVICE)).toEqual({ drainedClouds: [], paused: true });
  });
});
