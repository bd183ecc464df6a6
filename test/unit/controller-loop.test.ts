/**
 * The loop on a fake clock: scripted verdicts → decide → publish through the
 * real Reconciler to in-memory providers → verify → events.
 */
import { describe, expect, it } from 'vitest';
import { planProvider } from '../../src/plan/plan-provider.js';
import { ADDR, NAME, rig, serving } from './controller-fixtures.js';

const allUp = (r: ReturnType<typeof rig>) => {
  for (const t of ['aws', 'azure', 'gcp']) r.monitor.set(t, 'up');
};

async function startedOnAws() {
  const r = rig();
  allUp(r);
  await r.controller.start();
  await r.controller.idle();
  return r;
}

describe('controller loop', () => {
  it('publishes the preferred target to every provider at generation 1 once every target has a verdict', async () => {
    const r = await startedOnAws();
    expect(serving(r.providers)).toEqual({ route53: [ADDR.aws], azure: [ADDR.aws], clouddns: [ADDR.aws] });
    expect(r.providers.map((p) => p.generationAt(NAME))).toEqual([1, 1, 1]);
    const state = r.controller.service('app.example.test');
    expect(state?.published).toMatchObject({ addresses: [ADDR.aws], generation: 1 });
    const write = r.controller.events.ofType('write').at(-1);
    expect(write).toMatchObject({
      service: 'app.example.test',
      generation: 1,
      status: 'in-sync',
      before: [],
      after: [ADDR.aws],
      actor: 'controller',
    });
    expect(write?.providers.map((p) => [p.provider, p.result, p.changes])).toEqual([
      ['route53', 'ok', 1],
      ['azure', 'ok', 1],
      ['clouddns', 'ok', 1],
    ]);
    const verify = r.controller.events.ofType('verify').at(-1);
    expect(verify).toMatchObject({ service: 'app.example.test', generation: 1, expected: [ADDR.aws], allOk: true });
  });

  it('a down verdict moves the answer at once with a new generation, fenced, to all providers', async () => {
    const r = await startedOnAws();
    const appliesBefore = r.applies();
    r.monitor.set('aws', 'down');
    await r.controller.idle();

    expect(serving(r.providers)).toEqual({ route53: [ADDR.azure], azure: [ADDR.azure], clouddns: [ADDR.azure] });
    expect(r.providers.map((p) => p.generationAt(NAME))).toEqual([2, 2, 2]);
    expect(r.applies() - appliesBefore).toBe(3);
    const target = r.publisher.targets.at(-1);
    expect(target).toMatchObject({ generation: 2, fenceNames: [NAME] });
    expect(target?.desired).toEqual([{ name: 'app.example.test', type: 'A', ttl: 30, values: [ADDR.azure] }]);

    const decision = r.controller.events.ofType('decision').at(-1);
    // Published a moment ago, so within dwell: leaving a down target skips it.
    expect(decision).toMatchObject({
      kind: 'change',
      before: [ADDR.aws],
      after: [ADDR.azure],
      basedOnGeneration: 1,
      urgent: true,
      held: false,
      failOpen: false,
    });
    expect(decision?.reason).toMatch(/moving away from down aws .*dwell skipped/);
    expect(r.controller.events.ofType('verdict').map((e) => [e.targetId, e.before, e.after])).toContainEqual(['aws', 'up', 'down']);
    expect(r.controller.generation).toBe(2);
  });

  it('a writer holding a plan made before the publish fails its compare-and-swap afterwards', async () => {
    const r = await startedOnAws();
    const route53 = r.providers[0]!;
    // A slow writer read route53 at generation 1 and planned gcp with generation 2.
    const stalePlan = planProvider([{ name: NAME, type: 'A', ttl: 30, values: [ADDR.gcp] }], route53.snapshot(), {
      owner: 'ctl-test',
      generation: 2,
    });
    expect(stalePlan.changes).toHaveLength(1);
    r.monitor.set('aws', 'down');
    await r.controller.idle();
    const report = await route53.apply(stalePlan);
    expect(report.applied).toEqual([]);
    expect(report.conflicts).toHaveLength(1);
    expect(route53.served(NAME, 'A')).toEqual([ADDR.azure]);
  });

  it('dwell holds the return to the recovered preferred target, then the tick lets it through', async () => {
    const r = await startedOnAws();
    r.monitor.set('aws', 'down');
    await r.controller.idle();
    const changedAt = r.controller.service(NAME)?.published?.changedAt as number;
    const appliesAfterFailover = r.applies();

    await r.advance(1000);
    r.monitor.set('aws', 'up');
    await r.controller.idle();
    const hold = r.controller.events.ofType('decision').at(-1);
    expect(hold).toMatchObject({ kind: 'hold', held: true, heldUntil: changedAt + 5000, wanted: [ADDR.aws], after: [ADDR.azure] });
    expect(r.applies()).toBe(appliesAfterFailover);

    await r.advance(3000);
    expect(serving(r.providers).route53).toEqual([ADDR.azure]);
    expect(r.applies()).toBe(appliesAfterFailover);

    await r.advance(1000); // the dwell ends at changedAt + 5000: the next tick publishes
    expect(serving(r.providers)).toEqual({ route53: [ADDR.aws], azure: [ADDR.aws], clouddns: [ADDR.aws] });
    expect(r.providers.map((p) => p.generationAt(NAME))).toEqual([3, 3, 3]);
    const back = r.controller.events.ofType('decision').at(-1);
    expect(back).toMatchObject({ kind: 'change', after: [ADDR.aws], urgent: false });
    expect(r.controller.service(NAME)?.published?.changedAt).toBeGreaterThanOrEqual(changedAt + 5000);
  });

  it('all targets down: fail open, keep the last answer, alert, write nothing', async () => {
    const r = await startedOnAws();
    const applies = r.applies();
    for (const t of ['aws', 'azure', 'gcp']) r.monitor.set(t, 'down');
    await r.controller.idle();
    // aws went down first: moved to azure; then azure and gcp: nothing usable, keep azure.
    const last = r.controller.events.ofType('decision').at(-1);
    expect(last).toMatchObject({ kind: 'fail-open', failOpen: true, after: [ADDR.azure] });
    const alerts = r.controller.events.ofType('fail-open');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ service: NAME.replace(/\.$/, ''), active: true, addresses: [ADDR.azure] });
    expect(alerts[0]?.reason).toMatch(/no usable target/);
    expect(serving(r.providers)).toEqual({ route53: [ADDR.azure], azure: [ADDR.azure], clouddns: [ADDR.azure] });
    // Every write ever made left the name with values (I1).
    for (const p of r.providers) for (const w of p.writeLog) if (w.name === NAME) expect(w.served.A?.length).toBeGreaterThan(0);
    expect(r.applies()).toBe(applies + 3); // only the move to azure

    await r.advance(3000);
    expect(r.applies()).toBe(applies + 3);
    r.monitor.set('gcp', 'up');
    await r.controller.idle();
    expect(r.controller.events.ofType('fail-open').at(-1)).toMatchObject({ active: false });
    expect(serving(r.providers).azure).toEqual([ADDR.gcp]);
  });

  it('cold start waits for verdicts; after the grace with nothing up it fails open with the policy answer, never empty', async () => {
    const r = rig({ startupGraceMs: 3000 });
    await r.controller.start();
    await r.controller.idle();
    expect(r.applies()).toBe(0);
    await r.advance(2000);
    expect(r.applies()).toBe(0);
    await r.advance(1000);
    expect(serving(r.providers)).toEqual({ route53: [ADDR.aws], azure: [ADDR.aws], clouddns: [ADDR.aws] });
    expect(r.controller.events.ofType('fail-open')[0]).toMatchObject({ active: true, addresses: [ADDR.aws] });
  });

  it('one evaluation per service at a time: verdicts during a publish coalesce into one more round', async () => {
    const r = await startedOnAws();
    const targets = r.publisher.targets.length;
    r.monitor.set('aws', 'down');
    r.monitor.set('azure', 'down'); // arrives while the move to azure is being written
    await r.controller.idle();
    expect(serving(r.providers)).toEqual({ route53: [ADDR.gcp], azure: [ADDR.gcp], clouddns: [ADDR.gcp] });
    // Two publishes at most (azure, then gcp), one after the other, generations 2 and 3.
    const published = r.publisher.targets.slice(targets);
    expect(published.map((t) => t.generation)).toEqual(published.length === 1 ? [2] : [2, 3]);
    expect(r.providers.map((p) => p.generationAt(NAME))).toEqual(Array(3).fill(published.at(-1)?.generation));
  });

  it('events have increasing ids and serialise to JSON unchanged', async () => {
    const r = await startedOnAws();
    r.monitor.set('aws', 'down');
    await r.controller.idle();
    const events = r.controller.events.since(0);
    expect(events.length).toBeGreaterThan(5);
    events.forEach((e, i) => {
      if (i > 0) expect(e.id).toBeGreaterThan(events[i - 1]!.id);
      expect(JSON.parse(JSON.stringify(e))).toEqual(e);
      expect(e.time).toBe(new Date(e.at).toISOString());
    });
    const since = events[2]!.id;
    expect(r.controller.events.since(since).map((e) => e.id)).toEqual(events.filter((e) => e.id > since).map((e) => e.id));
  });
});
