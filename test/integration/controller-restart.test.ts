/**
 * Kill and restart mid-failover, with real parts: the first controller is
 * stopped right after it sees AWS down (before its publish starts), or right
 * after it decided to move (its publish is then in flight and stop() lets it
 * finish). A second controller over new adapters and the same providers
 * converges to Azure, and across both controllers each provider takes exactly
 * one write for the move (counted by the emulators).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Controller } from '../../src/controller/controller.js';
import type { ControllerEvent } from '../../src/observability/events.js';
import type { ProviderId } from '../../src/providers/provider.js';
import { CLOUD_HOSTS, PROVIDERS, startTopology, writeCalls, type Topology } from './controller-topology.js';

let topo: Topology | undefined;
const running: Controller[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.stop()));
  await topo?.stop();
  topo = undefined;
});

const writesNow = (t: Topology): Record<ProviderId, number> => ({
  route53: writeCalls(t.faults('route53')),
  azure: writeCalls(t.faults('azure')),
  clouddns: writeCalls(t.faults('clouddns')),
});

describe('controller restart mid-failover', () => {
  it.each([
    [
      'right after the down verdict, before the publish',
      (e: ControllerEvent) => e.type === 'verdict' && e.targetId === 'aws' && e.after === 'down',
    ],
    [
      'right after the decision to move, during the publish',
      (e: ControllerEvent) => e.type === 'decision' && e.kind === 'change' && e.after.includes(CLOUD_HOSTS.azure),
    ],
  ])('stopped %s: the next controller converges with no extra writes', async (_when, isTheMoment) => {
    topo = await startTopology();
    const first = topo.controller().controller;
    running.push(first);
    await first.start();
    await topo.servedEverywhere(CLOUD_HOSTS.aws);
    await first.idle();
    const before = writesNow(topo);
    // What one publish of an existing name costs per provider: the same as the first publish here
    // (Route 53 and Cloud DNS: one atomic change; Azure: the ownership record and the A record set).
    const onePublish = { ...before };

    let stopping: Promise<{ timedOut: boolean }> | undefined;
    first.events.on('event', (e) => {
      if (stopping === undefined && isTheMoment(e)) stopping = first.stop();
    });
    await topo.services.aws.setChaos('down');
    const until = Date.now() + 30_000; // gives up only: the moment comes after detection, which load stretches
    while (stopping === undefined && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(stopping).toBeDefined();
    expect(await stopping).toEqual({ timedOut: false });

    const second = topo.controller().controller;
    running.push(second);
    await second.start();
    await topo.servedEverywhere(CLOUD_HOSTS.azure);
    // A few more probe rounds: nothing else may be written.
    await new Promise((r) => setTimeout(r, 3 * topo!.config.health.intervalMs));
    await second.idle();

    const after = writesNow(topo);
    for (const p of PROVIDERS) expect(after[p] - before[p]).toBe(onePublish[p]);
    expect(second.generation).toBe(2);
    expect(second.service('app.example.test')?.published).toMatchObject({ addresses: [CLOUD_HOSTS.azure], generation: 2 });
    const secondWrites = second.events.ofType('write');
    if (first.events.ofType('write').length === 2) expect(secondWrites).toHaveLength(0);
    else expect(secondWrites.map((w) => [w.generation, w.status])).toEqual([[2, 'in-sync']]);
  });
});
