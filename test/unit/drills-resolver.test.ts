/**
 * The drills' stub resolver against the emulators' real DNS data plane: TTL and
 * negative caching on an injected clock, failover between the providers' name
 * servers, and the TCP retry of a truncated answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/emulators/core/faults.js';
import { ZoneStore } from '../../src/emulators/core/zone-store.js';
import { startDnsServer, type RunningDnsServer } from '../../src/emulators/dns/index.js';
import { NameserverAddressError, toNameserver } from '../../src/drills/nameserver.js';
import { ResolutionFailed, StubResolver } from '../../src/drills/resolver.js';

const HOST = '127.0.0.1';
const ZONE = 'Z1';
const BIG = Array.from({ length: 100 }, (_, i) => `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`);

function fillStore(): ZoneStore {
  const store = new ZoneStore();
  // SOA TTL 30 and minimum 86400: negative answers live min(30, 86400) = 30 s.
  store.createZone({ id: ZONE, name: 'example.test', nameServers: ['ns1.example.test.'], soaTtl: 30 });
  store.transact(ZONE, (d) => {
    d.put({ name: 'app.example.test', type: 'A', ttl: 60, values: ['127.0.0.11'] });
    d.put({ name: 'alias.example.test', type: 'CNAME', ttl: 20, values: ['app.example.test.'] });
    d.put({ name: 'txt-only.example.test', type: 'TXT', ttl: 60, values: ['"hello"'] });
    d.put({ name: 'big.example.test', type: 'A', ttl: 60, values: BIG });
    d.put({ name: 'broken.example.test', type: 'A', ttl: 60, values: ['not-an-address'] });
  });
  return store;
}

const setA = (store: ZoneStore, name: string, values: string[]) => store.transact(ZONE, (d) => d.put({ name, type: 'A', ttl: 60, values }));

function fakeClock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

/** Returns the given numbers in turn: fixes the order the resolver tries servers in. */
function scripted(values: number[]): () => number {
  let i = 0;
  return () => values[i++ % values.length]!;
}

const goodStore = fillStore();
let good: RunningDnsServer;
let silent: RunningDnsServer;
let refusing: RunningDnsServer;
const bucket = { capacity: 10, refillPerSecond: 1 };

beforeAll(async () => {
  good = await startDnsServer({ store: goodStore, faults: new FaultInjector({ bucket }), host: HOST, port: 0 });
  const down = new FaultInjector({ bucket });
  down.set({ dnsDown: true });
  silent = await startDnsServer({ store: fillStore(), faults: down, host: HOST, port: 0 });
  // A server without the zone answers REFUSED, like a provider that lost the zone.
  refusing = await startDnsServer({ store: new ZoneStore(), faults: new FaultInjector({ bucket }), host: HOST, port: 0 });
});

afterAll(async () => {
  await Promise.all([good.stop(), silent.stop(), refusing.stop()]);
});

const addr = (s: RunningDnsServer) => `${HOST}:${s.port}`;

describe('positive caching', () => {
  it('answers from the cache within the TTL and asks again once it has run out', async () => {
    const clock = fakeClock();
    const resolver = new StubResolver({ nameservers: [addr(good)], now: clock.now });
    try {
      const first = await resolver.resolve('app.example.test');
      expect(first).toMatchObject({
        name: 'app.example.test',
        addresses: ['127.0.0.11'],
        ttl: 60,
        rcode: 'NOERROR',
        empty: false,
        nameserver: addr(good),
        transport: 'udp',
        fromCache: false,
      });

      setA(goodStore, 'app.example.test', ['127.0.0.12']);
      clock.advance(59_000);
      const cached = await resolver.resolve('APP.example.test.');
      expect(cached).toMatchObject({ addresses: ['127.0.0.11'], ttl: 1, fromCache: true, nameserver: addr(good) });
      expect(resolver.stats().nameservers[addr(good)]?.queries).toBe(1);

      clock.advance(1_000);
      const fresh = await resolver.resolve('app.example.test');
      expect(fresh).toMatchObject({ addresses: ['127.0.0.12'], ttl: 60, fromCache: false });
      expect(resolver.stats()).toMatchObject({ cacheHits: 1, cacheMisses: 2, emptyAnswers: 0, failures: 0 });
      expect(resolver.stats().nameservers[addr(good)]).toMatchObject({ queries: 2, answers: 2, empty: 0 });
    } finally {
      setA(goodStore, 'app.example.test', ['127.0.0.11']);
    }
  });

  it('follows a CNAME in the answer and caches for the lowest TTL on the chain', async () => {
    const clock = fakeClock();
    const resolver = new StubResolver({ nameservers: [addr(good)], now: clock.now });
    expect(await resolver.resolve('alias.example.test')).toMatchObject({ addresses: ['127.0.0.11'], ttl: 20, fromCache: false });
    clock.advance(20_000);
    expect(await resolver.resolve('alias.example.test')).toMatchObject({ fromCache: false });
    expect(resolver.stats().nameservers[addr(good)]?.queries).toBe(2);
  });

  it('asks once for concurrent questions about the same name', async () => {
    const resolver = new StubResolver({ nameservers: [addr(good)], now: fakeClock().now });
    const answers = await Promise.all([
      resolver.resolve('app.example.test'),
      resolver.resolve('app.example.test'),
      resolver.resolve('app.example.test'),
    ]);
    expect(answers.map((a) => a.addresses)).toEqual([['127.0.0.11'], ['127.0.0.11'], ['127.0.0.11']]);
    expect(resolver.stats().nameservers[addr(good)]?.queries).toBe(1);
  });
});

describe('negative caching and empty answers', () => {
  it('caches NXDOMAIN for the SOA minimum (capped by the SOA TTL) and counts it once per answer received', async () => {
    const clock = fakeClock();
    const resolver = new StubResolver({ nameservers: [addr(good)], now: clock.now });
    const first = await resolver.resolve('missing.example.test');
    expect(first).toMatchObject({ addresses: [], rcode: 'NXDOMAIN', empty: true, ttl: 30, fromCache: false });
    clock.advance(29_999);
    expect(await resolver.resolve('missing.example.test')).toMatchObject({ rcode: 'NXDOMAIN', empty: true, ttl: 1, fromCache: true });
    expect(resolver.stats()).toMatchObject({ emptyAnswers: 1, cacheHits: 1 });
    clock.advance(1);
    expect(await resolver.resolve('missing.example.test')).toMatchObject({ fromCache: false });
    expect(resolver.stats().emptyAnswers).toBe(2);
    expect(resolver.stats().nameservers[addr(good)]).toMatchObject({ queries: 2, answers: 2, empty: 2 });
  });

  it('treats NOERROR without an A record as empty, and caps negative TTLs', async () => {
    const resolver = new StubResolver({ nameservers: [addr(good)], now: fakeClock().now, maxNegativeTtlSeconds: 5 });
    expect(await resolver.resolve('txt-only.example.test')).toMatchObject({ addresses: [], rcode: 'NOERROR', empty: true, ttl: 5 });
    expect(resolver.stats().emptyAnswers).toBe(1);
  });

  it('sees a record set emptied by a write once the positive TTL has run out', async () => {
    const clock = fakeClock();
    const resolver = new StubResolver({ nameservers: [addr(good)], now: clock.now });
    try {
      expect((await resolver.resolve('app.example.test')).empty).toBe(false);
      goodStore.transact(ZONE, (d) => d.delete('app.example.test', 'A'));
      expect((await resolver.resolve('app.example.test')).empty).toBe(false);
      clock.advance(60_000);
      expect(await resolver.resolve('app.example.test')).toMatchObject({ empty: true, rcode: 'NXDOMAIN', fromCache: false });
      expect(resolver.stats().emptyAnswers).toBe(1);
    } finally {
      setA(goodStore, 'app.example.test', ['127.0.0.11']);
    }
  });
});

describe('choosing among the providers’ name servers', () => {
  it('moves on after a timeout and a REFUSED, and then asks the failing servers last', async () => {
    const clock = fakeClock();
    const resolver = new StubResolver({
      nameservers: [
        { ...toNameserver(addr(silent)), label: 'silent' },
        { ...toNameserver(addr(refusing)), label: 'refusing' },
        { ...toNameserver(addr(good)), label: 'good' },
      ],
      timeoutMs: 150,
      failurePenaltyMs: 5_000,
      now: clock.now,
      // One draw per server in good standing, per question.
      random: scripted([0.1, 0.5, 0.9, 0.5, 0.1, 0.5, 0.9]),
    });
    const answer = await resolver.resolve('app.example.test');
    expect(answer).toMatchObject({ addresses: ['127.0.0.11'], nameserver: 'good', fromCache: false });
    expect(resolver.stats().nameservers).toMatchObject({
      silent: { queries: 1, timeouts: 1, answers: 0 },
      refusing: { queries: 1, refused: 1, answers: 0 },
      good: { queries: 1, answers: 1 },
    });
    expect(resolver.penalised().sort()).toEqual(['refusing', 'silent']);

    // Within the penalty the good server is asked first, whatever the dice say.
    resolver.flush();
    expect((await resolver.resolve('app.example.test')).nameserver).toBe('good');
    expect(resolver.stats().nameservers).toMatchObject({ silent: { queries: 1 }, refusing: { queries: 1 }, good: { queries: 2 } });

    // After it, the failed servers are back in the draw (and fail again).
    clock.advance(5_000);
    resolver.flush();
    expect(resolver.penalised()).toEqual([]);
    expect((await resolver.resolve('app.example.test')).nameserver).toBe('good');
    expect(resolver.stats().nameservers).toMatchObject({ silent: { queries: 2 }, refusing: { queries: 2 }, good: { queries: 3 } });
  });

  it('fails with the reason every server gave when none answers', async () => {
    const resolver = new StubResolver({ nameservers: [addr(silent)], timeoutMs: 100 });
    const err = await resolver.resolve('app.example.test').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResolutionFailed);
    expect(err).toMatchObject({ reason: 'timeout', attempts: [{ nameserver: addr(silent), failure: 'timeout' }] });
    expect(resolver.stats()).toMatchObject({ failures: 1, emptyAnswers: 0 });

    const mixed = new StubResolver({ nameservers: [addr(silent), addr(refusing)], timeoutMs: 100 });
    expect(await mixed.resolve('app.example.test').catch((e: unknown) => e)).toMatchObject({ reason: 'mixed' });
  });

  it('counts SERVFAIL and moves on to a server that answers', async () => {
    const broken = new StubResolver({ nameservers: [addr(good)] });
    expect(await broken.resolve('broken.example.test').catch((e: unknown) => e)).toMatchObject({ reason: 'servfail' });
    expect(broken.stats().nameservers[addr(good)]).toMatchObject({ queries: 1, servfail: 1, answers: 0 });
  });
});

describe('truncation', () => {
  it('asks again over TCP when the UDP answer is truncated', async () => {
    const resolver = new StubResolver({ nameservers: [addr(good)] });
    const answer = await resolver.resolve('big.example.test');
    expect(answer.transport).toBe('tcp');
    expect(answer.addresses.sort()).toEqual([...BIG].sort());
    expect(resolver.stats().nameservers[addr(good)]).toMatchObject({ queries: 1, answers: 1, tcp: 1 });
  });
});

describe('name server addresses', () => {
  it('reads host:port and [v6]:port, and names what is wrong otherwise', () => {
    expect(toNameserver('127.0.0.1:5353')).toEqual({ host: '127.0.0.1', port: 5353, label: '127.0.0.1:5353' });
    expect(toNameserver('[::1]:53')).toEqual({ host: '::1', port: 53, label: '[::1]:53' });
    expect(toNameserver({ host: '127.0.0.2', port: 53, label: 'aws' })).toEqual({ host: '127.0.0.2', port: 53, label: 'aws' });
    expect(() => toNameserver('127.0.0.1')).toThrow(NameserverAddressError);
    expect(() => toNameserver('ns1.example.test:53')).toThrow(/is not an IP address/);
    expect(() => toNameserver('127.0.0.1:70000')).toThrow(/not between 1 and 65535/);
  });
});
