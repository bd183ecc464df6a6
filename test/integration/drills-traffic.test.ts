/**
 * The drills' load generator against the local topology's pieces: three sample
 * services on 127.0.0.11/12/13 sharing one port (aws, azure, gcp), and one
 * emulated DNS data plane whose store the test writes directly.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSampleService, type SampleService } from '../../apps/sample-service/index.js';
import type { Cloud } from '../../apps/sample-service/config.js';
import { FaultInjector } from '../../src/emulators/core/faults.js';
import { ZoneStore } from '../../src/emulators/core/zone-store.js';
import { startDnsServer, type RunningDnsServer } from '../../src/emulators/dns/index.js';
import { StubResolver } from '../../src/drills/resolver.js';
import { TrafficGenerator, TrafficOptionError, type TrafficStats } from '../../apps/topology/traffic.js';
import { silentLogger } from '../../src/observability/logger.js';

const NAME = 'app.example.test';
const CLOUDS: { cloud: Cloud; host: string }[] = [
  { cloud: 'aws', host: '127.0.0.11' },
  { cloud: 'azure', host: '127.0.0.12' },
  { cloud: 'gcp', host: '127.0.0.13' },
];

const store = new ZoneStore();
const faults = new FaultInjector({ bucket: { capacity: 10, refillPerSecond: 1 } });
let dns: RunningDnsServer;
let services: SampleService[];
let port: number;
const service = (cloud: Cloud) => services.find((s) => s.config.cloud === cloud)!;
const nameserver = () => `127.0.0.1:${dns.port}`;

function setA(values: string[]): void {
  store.transact('Z', (d) => (values.length > 0 ? d.put({ name: NAME, type: 'A', ttl: 1, values }) : d.delete(NAME, 'A')));
}

async function freePort(host: string): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, host, resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function until(what: string, condition: () => boolean, limitMs = 5_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Run `gen` until `condition` holds of its stats, then stop it. */
async function runUntil(gen: TrafficGenerator, what: string, condition: (s: TrafficStats) => boolean): Promise<TrafficStats> {
  gen.start();
  try {
    await until(what, () => condition(gen.stats()));
  } finally {
    await gen.stop();
  }
  return gen.stats();
}

function fakeClock(start = Date.now()): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

beforeAll(async () => {
  // SOA TTL 1 s: negative answers are cached for a second at most.
  store.createZone({ id: 'Z', name: 'example.test', nameServers: ['ns1.example.test.'], soaTtl: 1 });
  dns = await startDnsServer({ store, faults, host: '127.0.0.1', port: 0 });
  port = await freePort('127.0.0.11');
  services = await Promise.all(CLOUDS.map(({ cloud, host }) => startSampleService({ cloud, host, port }, { logger: silentLogger() })));
});

afterAll(async () => {
  await Promise.all([dns?.stop(), ...(services ?? []).map((s) => s.stop({ drainMs: 0 }))]);
});

describe('traffic through DNS', () => {
  it('counts answers per cloud, and moves with the record once its TTL has run out', async () => {
    setA(['127.0.0.11']);
    const clock = fakeClock();
    const resolver = new StubResolver({ nameservers: [nameserver()], now: clock.now });
    const gen = new TrafficGenerator({ name: NAME, port, ratePerSecond: 50, timeoutMs: 1_000, resolver });
    gen.start();
    try {
      await until('aws answering', () => gen.stats().perCloud.aws! >= 5);
      setA(['127.0.0.12']);
      const finishedAtWrite = gen.stats().finished;
      await until('more answers', () => gen.stats().finished >= finishedAtWrite + 5);
      // Within the TTL the cached answer still sends everyone to aws.
      expect(gen.stats().perCloud.azure).toBe(0);

      clock.advance(1_000);
      await until('azure answering', () => gen.stats().perCloud.azure! >= 5);
    } finally {
      await gen.stop();
    }
    const s = gen.stats();
    expect(s).toMatchObject({ running: false, inFlight: 0, errorCount: 0, errors: {}, emptyAnswers: 0, ratePerSecond: 50 });
    expect(s.perCloud.gcp).toBe(0);
    expect(s.ok).toBe(s.perCloud.aws! + s.perCloud.azure!);
    expect(s.finished).toBe(s.sent);
    expect(s.latency.p50).toBeGreaterThan(0);
    expect(s.latency.p95).toBeGreaterThanOrEqual(s.latency.p50!);
    // Two questions on the wire: the first answer, then the one after the TTL.
    expect(resolver.stats()).toMatchObject({ cacheMisses: 2, nameservers: { [nameserver()]: { queries: 2, answers: 2 } } });

    const timeline = gen.timeline();
    const seqs = (cloud: string) => timeline.filter((o) => o.ok && o.cloud === cloud).map((o) => o.seq);
    expect(Math.max(...seqs('aws'))).toBeLessThan(Math.min(...seqs('azure')));
    expect(timeline.filter((o) => o.ok && o.cloud === 'azure').every((o) => o.address === '127.0.0.12')).toBe(true);
    // Requests that joined a question in flight are not from the cache either; they saw one of the two answers.
    expect(new Set(timeline.filter((o) => !o.fromCache).map((o) => o.address))).toEqual(new Set(['127.0.0.11', '127.0.0.12']));
    expect(gen.summary()).toBe(`traffic 50/s  aws ${s.perCloud.aws}  azure ${s.perCloud.azure}  gcp 0  errors 0  empty 0`);
  });

  it('counts refused connections while DNS still points at a cloud that is down, and the client error window after it', async () => {
    setA(['127.0.0.11']);
    const clock = fakeClock();
    const resolver = new StubResolver({ nameservers: [nameserver()], now: clock.now });
    const gen = new TrafficGenerator({ name: NAME, port, ratePerSecond: 50, timeoutMs: 1_000, resolver });
    gen.start();
    let faultAt = 0;
    try {
      await until('aws answering', () => gen.stats().perCloud.aws! >= 3);
      faultAt = Date.now();
      await service('aws').setChaos('down');
      await until('refused connections', () => (gen.stats().errors['connect-refused'] ?? 0) >= 5);
      // The controller's move, as the client sees it: a new record, then the TTL runs out.
      setA(['127.0.0.13']);
      clock.advance(1_000);
      await until('gcp answering', () => gen.stats().perCloud.gcp! >= 12);
    } finally {
      await gen.stop();
      await service('aws').setChaos('healthy');
    }
    const s = gen.stats();
    // A request in flight when the listener closed is cut (reset); every later one is refused.
    expect(Object.keys(s.errors).filter((k) => k !== 'connect-refused' && k !== 'connect-reset')).toEqual([]);
    expect(gen.summary()).toContain(`errors ${s.errorCount} (connect-refused ${s.errors['connect-refused']}`);

    const w = gen.window(faultAt);
    expect(w).toMatchObject({ client_errors: s.errorCount, recovered: true, errorsByKind: s.errors });
    const errors = gen.timeline().filter((o) => !o.ok);
    expect(w.firstErrorAt).toBe(Math.min(...errors.map((o) => o.endedAt)));
    expect(w.lastErrorAt).toBe(Math.max(...errors.map((o) => o.endedAt)));
    expect(w.client_error_window_ms).toBe(w.lastErrorAt! - w.firstErrorAt!);
    expect(w.firstErrorAt).toBeGreaterThanOrEqual(faultAt);
    expect(w.steadySince).toBeGreaterThanOrEqual(w.lastErrorAt!);
    expect(errors.every((o) => o.address === '127.0.0.11')).toBe(true);
  });

  it('tells errors apart: 5xx, timeouts, empty answers and a silent name server', async () => {
    setA(['127.0.0.12']);
    await service('azure').setChaos('error');
    try {
      const s = await runUntil(
        new TrafficGenerator({ name: NAME, nameservers: [nameserver()], port, ratePerSecond: 50 }),
        '5xx',
        (x) => (x.errors['http-5xx'] ?? 0) >= 3,
      );
      expect(Object.keys(s.errors)).toEqual(['http-5xx']);
      expect(s.ok).toBe(0);
    } finally {
      await service('azure').setChaos('healthy');
    }

    await service('azure').setChaos('blackhole');
    try {
      const gen = new TrafficGenerator({ name: NAME, nameservers: [nameserver()], port, ratePerSecond: 50, timeoutMs: 150 });
      const s = await runUntil(gen, 'timeouts', (x) => (x.errors.timeout ?? 0) >= 3);
      expect(Object.keys(s.errors)).toEqual(['timeout']);
      expect(gen.timeline().find((o) => !o.ok)).toMatchObject({ ok: false, error: 'timeout', address: '127.0.0.12' });
    } finally {
      await service('azure').setChaos('healthy');
    }

    setA([]);
    const empty = new TrafficGenerator({ name: NAME, nameservers: [nameserver()], port, ratePerSecond: 50 });
    const e = await runUntil(empty, 'empty answers', (x) => (x.errors['dns-empty'] ?? 0) >= 3);
    expect(Object.keys(e.errors)).toEqual(['dns-empty']);
    expect(e.emptyAnswers).toBeGreaterThanOrEqual(1);
    expect(empty.summary()).toBe(
      `traffic 50/s  aws 0  azure 0  gcp 0  errors ${e.errorCount} (dns-empty ${e.errorCount})  empty ${e.emptyAnswers}`,
    );
    expect(empty.timeline()[0]).toMatchObject({ ok: false, error: 'dns-empty', nameserver: nameserver() });

    setA(['127.0.0.12']);
    faults.set({ dnsDown: true });
    try {
      const silent = new TrafficGenerator({ name: NAME, nameservers: [nameserver()], port, ratePerSecond: 50, dnsTimeoutMs: 100 });
      const d = await runUntil(silent, 'DNS timeouts', (x) => (x.errors['dns-timeout'] ?? 0) >= 2);
      expect(Object.keys(d.errors)).toEqual(['dns-timeout']);
      expect(d.emptyAnswers).toBe(0);
    } finally {
      faults.heal();
    }
  });
});

describe('bounds', () => {
  it('stops by itself after maxRequests or maxDurationMs', async () => {
    setA(['127.0.0.13']);
    const counted = new TrafficGenerator({ name: NAME, nameservers: [nameserver()], port, ratePerSecond: 100, maxRequests: 4 });
    counted.start();
    await counted.finished;
    expect(counted.stats()).toMatchObject({ running: false, sent: 4, finished: 4, inFlight: 0, perCloud: { gcp: 4 } });

    const timed = new TrafficGenerator({ name: NAME, nameservers: [nameserver()], port, ratePerSecond: 20, maxDurationMs: 120 });
    timed.start();
    await timed.finished;
    expect(timed.running).toBe(false);
    expect(timed.stats().finished).toBe(timed.stats().sent);
    expect(() => timed.start()).toThrow(/already started/);
  });

  it('refuses settings out of range, naming them', () => {
    expect(() => new TrafficGenerator({ name: NAME, nameservers: ['127.0.0.1:53'], port, ratePerSecond: 0 })).toThrow(TrafficOptionError);
    expect(() => new TrafficGenerator({ name: NAME, nameservers: ['127.0.0.1:53'], port, ratePerSecond: 10_000 })).toThrow(
      /ratePerSecond: expected a number above 0 and at most 500/,
    );
    expect(() => new TrafficGenerator({ name: NAME, nameservers: ['127.0.0.1:53'], port: 0 })).toThrow(/port: expected 1..65535/);
    expect(() => new TrafficGenerator({ name: NAME, port })).toThrow(/nameservers/);
  });
});
