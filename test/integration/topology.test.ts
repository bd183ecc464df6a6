/**
 * The local topology on free ports, all real parts in one process: every
 * provider's nameserver answers AWS, asked with dig (node:dns when dig is
 * missing); AWS goes down → every provider answers Azure and the traffic
 * generator's answers come from Azure; a provider's API goes down and heals;
 * stop() frees every port it used.
 */
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { startTopology, type Topology } from '../../apps/topology/topology.js';

const run = promisify(execFile);
const ADDR = { aws: '127.0.0.11', azure: '127.0.0.12', gcp: '127.0.0.13' } as const;
const PROVIDERS = ['route53', 'azure', 'clouddns'] as const;
const stateDir = mkdtempSync(join(tmpdir(), 'topology-it-'));
let topo: Topology;
let hasDig = false;

beforeAll(async () => {
  hasDig = await run('dig', ['-v']).then(
    () => true,
    () => false,
  );
  // Load fetch (undici) before the 80 ms probes run in this process: its first use stalls the event loop.
  await fetch('http://127.0.0.1:1/').catch(() => undefined);
  topo = await startTopology({
    freePorts: true,
    health: { intervalMs: 200, fastIntervalMs: 100, timeoutMs: 80, fall: 3, rise: 2 },
    dwellMs: 300,
    ttl: 1,
    traffic: { ratePerSecond: 20 },
    stateDir,
  });
});

afterAll(async () => {
  await topo?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

/** What one nameserver answers for an A question: dig +short when present, else node:dns. */
async function ask(port: number, name: string): Promise<string[]> {
  if (hasDig) {
    const { stdout } = await run('dig', [`@127.0.0.1`, '-p', String(port), name, 'A', '+short', '+time=1', '+tries=1']);
    return stdout.split('\n').filter((l) => l.trim() !== '');
  }
  const resolver = new Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([`127.0.0.1:${port}`]);
  return resolver.resolve4(name).catch(() => []);
}

const dnsPort = (p: (typeof PROVIDERS)[number]) => topo.nameservers.find((n) => n.provider === p)!.port;

async function answersEverywhere(name = 'app.example.test'): Promise<string[][]> {
  return Promise.all(PROVIDERS.map((p) => ask(dnsPort(p), name)));
}

async function until<T>(what: string, read: () => Promise<T> | T, ok: (v: T) => boolean, withinMs = 10_000): Promise<T> {
  const end = Date.now() + withinMs;
  let last = await read();
  while (!ok(last)) {
    if (Date.now() > end) throw new Error(`${what}: not within ${withinMs} ms; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 50));
    last = await read();
  }
  return last;
}

describe('startTopology', () => {
  it('starts with AWS answered by every provider, a valid config, ready services and a resolvable dependency', async () => {
    expect(configSchema.safeParse(topo.config).success).toBe(true);
    expect(topo.serviceName).toBe('app.example.test.');
    expect(topo.config.services[0]?.targets.map((t) => [t.id, t.address, t.healthUrl])).toEqual([
      ['aws', ADDR.aws, `http://${ADDR.aws}:${topo.servicePort}/readyz`],
      ['azure', ADDR.azure, `http://${ADDR.azure}:${topo.servicePort}/readyz`],
      ['gcp', ADDR.gcp, `http://${ADDR.gcp}:${topo.servicePort}/readyz`],
    ]);
    expect(await answersEverywhere()).toEqual([[ADDR.aws], [ADDR.aws], [ADDR.aws]]);
    // The services' dependency lives in the same zone, on every provider.
    expect(await answersEverywhere('db.example.test')).toEqual([['127.0.0.1'], ['127.0.0.1'], ['127.0.0.1']]);
    for (const cloud of ['aws', 'azure', 'gcp'] as const) {
      const ready = await fetch(`${topo.clouds[cloud].url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', dependency: { host: 'db.example.test', addresses: ['127.0.0.1'] } });
      const chaos = await fetch(`${topo.clouds[cloud].chaosUrl}/chaos`, { headers: { 'x-chaos-token': topo.clouds[cloud].chaosToken } });
      expect(await chaos.json()).toEqual({ mode: 'healthy' });
    }
    // Probes with an 80 ms timeout share this process with the test: wait out a momentary stall.
    type Status = { owner: string; targets: { id: string; verdict: string }[] };
    const status = await until(
      'every target up',
      async () => (await (await fetch(`${topo.api.url}/status`)).json()) as Status,
      (s) => s.targets.every((t) => t.verdict === 'up'),
    );
    expect(status.owner).toBe('failover-local');
    expect(status.targets.map((t) => [t.id, t.verdict])).toEqual([
      ['aws', 'up'],
      ['azure', 'up'],
      ['gcp', 'up'],
    ]);
    // The admin token works on the API.
    const drain = await fetch(`${topo.api.url}/overrides`, { headers: { authorization: `Bearer ${topo.api.token}` } });
    expect(drain.status).toBe(200);
  });

  it('moves every provider and the traffic to Azure when AWS goes down', async () => {
    await until(
      'traffic reaches AWS',
      () => topo.traffic!.stats().perCloud.aws ?? 0,
      (n) => n > 0,
    );
    await topo.chaosCloud('aws', 'down');
    await until(
      'every provider answers Azure',
      () => answersEverywhere(),
      (a) => a.every((x) => x.length === 1 && x[0] === ADDR.azure),
    );
    const before = topo.traffic!.stats().perCloud.azure ?? 0;
    // TTL 1 s: clients come over once their cached answer expires.
    const after = await until(
      'traffic reaches Azure',
      () => topo.traffic!.stats().perCloud.azure ?? 0,
      (n) => n >= before + 10,
    );
    expect(after).toBeGreaterThanOrEqual(10);
    const write = topo.controller.events.ofType('write').at(-1);
    expect(write).toMatchObject({ before: [ADDR.aws], after: [ADDR.azure], status: 'in-sync' });
    expect(topo.poller.latest('route53')?.addresses).toEqual([ADDR.azure]);
    expect(topo.traffic!.stats().emptyAnswers).toBe(0);
    expect(topo.poller.emptyAnswers()).toBe(0);
  });

  it('breaks and heals a provider in-process', async () => {
    await topo.chaosProvider('route53', 'api-down');
    expect(topo.emulators.route53.faults.settings.apiDown).toBe(true);
    await expect(fetch(topo.emulators.route53.endpoint)).rejects.toThrow();
    await topo.chaosProvider('clouddns', 'throttle');
    expect(topo.emulators.clouddns.faults.settings.throttle).toBe('always');
    await topo.chaosProvider('route53', 'heal');
    await topo.chaosProvider('clouddns', 'heal');
    expect(topo.emulators.route53.faults.settings).toMatchObject({ apiDown: false, dnsDown: false, throttle: 'off' });
    expect((await fetch(topo.emulators.route53.endpoint)).status).toBeGreaterThanOrEqual(200);
    await topo.chaosCloud('aws', 'heal');
    expect(topo.clouds.aws.service.chaos).toEqual({ mode: 'healthy' });
  });

  it('stop() is idempotent and frees every port', async () => {
    const tcp: [string, number][] = [
      ...(['aws', 'azure', 'gcp'] as const).flatMap((c): [string, number][] => [
        [ADDR[c], topo.servicePort],
        [ADDR[c], Number(new URL(topo.clouds[c].chaosUrl).port)],
      ]),
      ['127.0.0.1', Number(new URL(topo.api.url).port)],
      ['127.0.0.1', topo.dependency.port],
      ['127.0.0.1', topo.emulators.admin.port],
      ...PROVIDERS.flatMap((p): [string, number][] => [
        ['127.0.0.1', topo.emulators[p].port],
        ['127.0.0.1', topo.emulators[p].dns.port],
      ]),
    ];
    const udp = PROVIDERS.map((p) => topo.emulators[p].dns.port);
    await Promise.all([topo.stop(), topo.stop()]);
    await topo.stop();
    expect(topo.poller.running).toBe(false);
    expect(topo.traffic!.running).toBe(false);
    expect(topo.controller.phase).toBe('stopped');
    for (const [host, port] of tcp) {
      const server = createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, resolve);
      });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    for (const port of udp) {
      const socket = createSocket('udp4');
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(port, '127.0.0.1', resolve);
      });
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    }
    expect(tcp.length).toBe(15);
  });
});
