/**
 * The DNS poller against three emulated providers' DNS data planes: it sees a
 * write at the next poll, counts empty answers, and tells when every provider
 * serves the new target.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/emulators/core/faults.js';
import { ZoneStore } from '../../src/emulators/core/zone-store.js';
import { startDnsServer, type RunningDnsServer } from '../../src/emulators/dns/index.js';
import { DnsPoller } from '../../src/drills/dns-poller.js';

const HOST = '127.0.0.1';
const NAME = 'app.example.test';
const PROVIDERS = ['aws', 'azure', 'gcp'] as const;
type Provider = (typeof PROVIDERS)[number];

interface Emulated {
  store: ZoneStore;
  faults: FaultInjector;
  server: RunningDnsServer;
}
const emulated = new Map<Provider, Emulated>();
const at = (p: Provider) => emulated.get(p)!;

function setA(p: Provider, values: string[]): void {
  at(p).store.transact('Z', (d) => (values.length > 0 ? d.put({ name: NAME, type: 'A', ttl: 1, values }) : d.delete(NAME, 'A')));
}

async function until(what: string, condition: () => boolean, limitMs = 5_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function poller(): DnsPoller {
  return new DnsPoller({
    servers: PROVIDERS.map((provider) => ({ provider, host: HOST, port: at(provider).server.port })),
    name: NAME,
    intervalMs: 20,
    // Generous, so a busy machine's first queries are not taken for a silent server.
    timeoutMs: 400,
  });
}

beforeAll(async () => {
  for (const provider of PROVIDERS) {
    const store = new ZoneStore();
    store.createZone({ id: 'Z', name: 'example.test', nameServers: [`ns1.${provider}.test.`], soaTtl: 5 });
    const faults = new FaultInjector({ bucket: { capacity: 10, refillPerSecond: 1 } });
    const server = await startDnsServer({ store, faults, host: HOST, port: 0 });
    emulated.set(provider, { store, faults, server });
  }
});

afterAll(async () => {
  await Promise.all([...emulated.values()].map((e) => e.server.stop()));
});

describe('DnsPoller', () => {
  it('sees a write at its next poll of that provider, and when all providers serve the new target', async () => {
    for (const p of PROVIDERS) setA(p, ['127.0.0.11']);
    const watch = poller();
    const changes: string[] = [];
    watch.on('change', (provider, span) => changes.push(`${provider} ${span.outcome} ${span.addresses.join(',')}`));
    watch.start();
    try {
      await until('a first answer from everyone', () => PROVIDERS.every((p) => watch.latest(p)?.addresses[0] === '127.0.0.11'));

      const writtenAt = Date.now();
      setA('azure', ['127.0.0.12']);
      const pollsAtWrite = watch.polls('azure');
      await until('azure’s new answer', () => watch.latest('azure')?.addresses[0] === '127.0.0.12');
      // The poll in flight at the write may carry the old answer; the one after it cannot.
      expect(watch.polls('azure')).toBeLessThanOrEqual(pollsAtWrite + 2);
      expect(watch.latest('azure')!.from).toBeGreaterThanOrEqual(writtenAt);
      expect(watch.firstTimeAllServe(['127.0.0.12'], writtenAt)).toBeUndefined();

      setA('aws', ['127.0.0.12']);
      setA('gcp', ['127.0.0.12']);
      await until('every provider on the new target', () => watch.firstTimeAllServe(['127.0.0.12'], writtenAt) !== undefined);
      const allAt = watch.firstTimeAllServe(['127.0.0.12'], writtenAt)!;
      expect(allAt).toBe(Math.max(...PROVIDERS.map((p) => watch.latest(p)!.from)));
      expect(watch.firstTimeAllServe(['127.0.0.12'], writtenAt, ['azure'])).toBe(watch.latest('azure')!.from);
      expect(watch.emptyAnswers()).toBe(0);
      for (const p of PROVIDERS) expect(changes).toContain(`${p} answer 127.0.0.11`);
      expect(changes).toContain('azure answer 127.0.0.12');
    } finally {
      await watch.stop();
    }
    expect(watch.running).toBe(false);
  });

  it('counts empty answers per provider when a record set is deleted, and timeouts when DNS is down', async () => {
    for (const p of PROVIDERS) setA(p, ['127.0.0.11']);
    const watch = poller();
    watch.start();
    try {
      await until('first answers', () => PROVIDERS.every((p) => watch.polls(p) > 0));
      setA('gcp', []);
      at('aws').faults.set({ dnsDown: true });
      await until('an empty answer from gcp', () => watch.emptyAnswers('gcp') >= 2);
      await until('a timeout from aws', () => watch.latest('aws')?.outcome === 'timeout');

      expect(watch.latest('gcp')).toMatchObject({ outcome: 'empty', rcode: 'NXDOMAIN', addresses: [] });
      expect(watch.emptyAnswers('azure')).toBe(0);
      expect(watch.emptyAnswers('aws')).toBe(0);
      expect(watch.emptyAnswers()).toBe(watch.emptyAnswers('gcp'));
      expect(watch.history('gcp').map((s) => s.outcome)).toEqual(['answer', 'empty']);
      expect(watch.history('azure')).toHaveLength(1);
      expect(watch.history('azure')[0]).toMatchObject({ outcome: 'answer', addresses: ['127.0.0.11'] });
      expect(watch.history('azure')[0]!.polls).toBe(watch.polls('azure'));
    } finally {
      at('aws').faults.heal();
      await watch.stop();
    }
  });

  it('refuses a server list it cannot poll', () => {
    expect(() => new DnsPoller({ servers: [], name: NAME })).toThrow(/at least one server/);
    expect(
      () =>
        new DnsPoller({
          servers: [
            { provider: 'aws', host: HOST, port: 53 },
            { provider: 'aws', host: HOST, port: 54 },
          ],
          name: NAME,
        }),
    ).toThrow(/each provider may appear once/);
  });
});
