/**
 * The controller group on a real three-member etcd cluster (Debian's etcd-server), one
 * member per "cloud" loopback address: one leader at a time, epochs that only grow, a
 * guard that refuses a write from anyone but the current leader, observations that
 * travel between members and vanish with a dead member's lease.
 * Waits poll for a condition with a generous ceiling; nothing asserts a wall-clock speed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ControllerGroup, NotLeaderError } from '../../src/coordination/group.js';
import { LocalEtcdCluster } from '../../src/coordination/local-cluster.js';

const CLOUDS = [
  { name: 'aws', host: '127.0.0.11' },
  { name: 'azure', host: '127.0.0.12' },
  { name: 'gcp', host: '127.0.0.13' },
] as const;

let cluster: LocalEtcdCluster;
const groups: ControllerGroup[] = [];

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ceilingMs = 20_000): Promise<T> {
  const started = performance.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (performance.now() - started > ceilingMs) throw new Error(`not within ${ceilingMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function join(memberId: string, endpoints: readonly string[], prefix: string): ControllerGroup {
  const g = new ControllerGroup({ endpoints, memberId, prefix, leaseTtlSeconds: 2, callTimeoutMs: 1000 });
  g.on('trouble', () => undefined);
  groups.push(g);
  return g;
}

function leaders(gs: readonly ControllerGroup[]): ControllerGroup[] {
  return gs.filter((g) => g.role.kind === 'leader');
}

beforeAll(async () => {
  cluster = await LocalEtcdCluster.start({ members: CLOUDS });
}, 60_000);

afterEach(async () => {
  await Promise.allSettled(groups.splice(0).map((g) => g.stop()));
  for (const c of CLOUDS) await cluster.startMember(c.name);
});

afterAll(async () => {
  await cluster?.stop();
});

describe('controller group on etcd', () => {
  it('elects exactly one leader; only it passes the write guard, with its election revision as epoch', async () => {
    const gs = CLOUDS.map((c) => join(c.name, cluster.clientUrls, 'one-leader/'));
    await Promise.all(gs.map((g) => g.start()));
    const [leader] = await until('a leader', () => (leaders(gs).length === 1 ? leaders(gs) : undefined));
    const epoch = await leader!.assertLeader();
    expect(leader!.role).toEqual({ kind: 'leader', epoch });
    expect(epoch).toBeGreaterThan(0n);
    for (const follower of gs.filter((g) => g !== leader)) {
      expect(follower.role.kind).toBe('follower');
      await expect(follower.assertLeader()).rejects.toBeInstanceOf(NotLeaderError);
    }
  });

  it("shares every member's observations and withdraws a crashed member's with its lease", async () => {
    const gs = CLOUDS.map((c) => join(c.name, cluster.clientUrls, 'observations/'));
    await Promise.all(gs.map((g) => g.start()));
    await Promise.all(gs.map((g, i) => g.observe({ targetId: 'aws', state: i === 0 ? 'down' : 'up', since: 1000 + i })));
    const seen = await until('three observations everywhere', () => (gs.every((g) => g.observations().length === 3) ? true : undefined));
    expect(seen).toBe(true);
    const byMember = Object.fromEntries(gs[1]!.observations().map((o) => [o.member, o.state]));
    expect(byMember).toEqual({ aws: 'down', azure: 'up', gcp: 'up' });

    gs[0]!.abandon(); // a crash: no resign, no revoke; etcd ends the lease after its TTL
    await until("the crashed member's observation withdrawn", () =>
      gs[1]!.observations().every((o) => o.member !== 'aws') ? true : undefined,
    );
    expect(
      gs[2]!
        .observations()
        .map((o) => o.member)
        .sort(),
    ).toEqual(['azure', 'gcp']);
  });

  it('a crashed leader is replaced by a survivor with a larger epoch; the old epoch never passes the guard again', async () => {
    const gs = CLOUDS.map((c) => join(c.name, cluster.clientUrls, 'takeover/'));
    await Promise.all(gs.map((g) => g.start()));
    const first = (await until('a leader', () => (leaders(gs).length === 1 ? leaders(gs) : undefined)))[0]!;
    const firstEpoch = await first.assertLeader();
    first.abandon();
    const survivors = gs.filter((g) => g !== first);
    const next = (await until('a new leader', () => (leaders(survivors).length === 1 ? leaders(survivors) : undefined)))[0]!;
    const nextEpoch = await next.assertLeader();
    expect(nextEpoch).toBeGreaterThan(firstEpoch);
    await expect(first.assertLeader()).rejects.toBeInstanceOf(NotLeaderError);
  });

  it('a leader cut off from etcd fails the guard at once; a peer leads with a larger epoch', async () => {
    // Each controller talks to its own cloud's etcd member only: stopping that member partitions it.
    const gs = CLOUDS.map((c) => join(c.name, [cluster.member(c.name).clientUrl], 'partition/'));
    await Promise.all(gs.map((g) => g.start()));
    const leader = (await until('a leader', () => (leaders(gs).length === 1 ? leaders(gs) : undefined)))[0]!;
    const epoch = await leader.assertLeader();
    await cluster.stopMember(leader.memberId);
    await expect(leader.assertLeader()).rejects.toBeInstanceOf(NotLeaderError);
    const others = gs.filter((g) => g !== leader);
    const next = (await until('a peer leads', () => (leaders(others).length === 1 ? leaders(others) : undefined)))[0]!;
    expect(await next.assertLeader()).toBeGreaterThan(epoch);
    await expect(leader.assertLeader()).rejects.toBeInstanceOf(NotLeaderError);
  });

  it('without an etcd quorum nobody passes the guard', async () => {
    const gs = CLOUDS.map((c) => join(c.name, cluster.clientUrls, 'quorum-loss/'));
    await Promise.all(gs.map((g) => g.start()));
    const leader = (await until('a leader', () => (leaders(gs).length === 1 ? leaders(gs) : undefined)))[0]!;
    await leader.assertLeader();
    await cluster.stopMember('azure');
    await cluster.stopMember('gcp');
    for (const g of gs) await expect(g.assertLeader()).rejects.toBeInstanceOf(NotLeaderError);
  });
});
