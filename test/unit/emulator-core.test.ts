import { createServer } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { FaultInjector, TokenBucket } from '../../src/emulators/core/faults.js';
import { ManagedListener } from '../../src/emulators/core/listener.js';
import { TransactionRejected, ZoneStore } from '../../src/emulators/core/zone-store.js';

function seeded(): ZoneStore {
  const store = new ZoneStore();
  store.createZone({ id: 'Z1', name: 'Example.Test', nameServers: ['ns1.emu.test', 'ns2.emu.test'] });
  return store;
}

describe('ZoneStore', () => {
  it('creates SOA and NS at the apex with absolute lower-case names', () => {
    const zone = seeded().getZone('Z1')!;
    expect(zone.name).toBe('example.test.');
    const types = [...zone.records.values()].map((r) => `${r.name} ${r.type}`).sort();
    expect(types).toEqual(['example.test. NS', 'example.test. SOA']);
    expect(zone.records.get('example.test.|NS')!.values).toEqual(['ns1.emu.test.', 'ns2.emu.test.']);
  });

  it('applies a transaction atomically: a rejection leaves the zone untouched', () => {
    const store = seeded();
    const before = store.getZone('Z1')!.records;
    const serial = store.getZone('Z1')!.serial;
    expect(() =>
      store.transact('Z1', (d) => {
        d.put({ name: 'a.example.test.', type: 'A', ttl: 60, values: ['192.0.2.1'] });
        throw new TransactionRejected('second change invalid');
      }),
    ).toThrow('second change invalid');
    expect(store.getZone('Z1')!.records).toBe(before);
    expect(store.getZone('Z1')!.serial).toBe(serial);
    expect(store.getZone('Z1')!.records.has('a.example.test.|A')).toBe(false);
  });

  it('bumps record versions and the SOA serial on commit and notifies listeners', () => {
    const store = seeded();
    const seen: string[] = [];
    store.on('change', (id) => seen.push(id));
    store.transact('Z1', (d) => d.put({ name: 'a.example.test', type: 'A', ttl: 60, values: ['192.0.2.1'] }));
    const v2 = store.transact('Z1', (d) => d.put({ name: 'a.example.test', type: 'A', ttl: 60, values: ['192.0.2.2'] }));
    expect(v2.version).toBe(2);
    const zone = store.getZone('Z1')!;
    expect(zone.serial).toBe(3);
    expect(zone.records.get('example.test.|SOA')!.values[0]!.split(' ')[2]).toBe('3');
    expect(seen).toEqual(['Z1', 'Z1']);
  });

  it('refuses names outside the zone and finds the closest enclosing zone', () => {
    const store = seeded();
    store.createZone({ id: 'Z2', name: 'sub.example.test', nameServers: ['ns1.emu.test'] });
    expect(() => store.transact('Z1', (d) => d.put({ name: 'x.other.test', type: 'A', ttl: 1, values: ['192.0.2.1'] }))).toThrow(
      /not in zone/,
    );
    expect(store.findZoneFor('a.sub.example.test.')!.id).toBe('Z2');
    expect(store.findZoneFor('a.example.test.')!.id).toBe('Z1');
    expect(store.findZoneFor('a.example.org.')).toBeUndefined();
  });
});

describe('TokenBucket', () => {
  it('allows a burst of capacity then refills at the given rate', () => {
    let now = 0;
    const bucket = new TokenBucket({ capacity: 50, refillPerSecond: 10 }, () => now);
    let granted = 0;
    for (let i = 0; i < 60; i++) if (bucket.take()) granted++;
    expect(granted).toBe(50);
    now += 1000;
    granted = 0;
    for (let i = 0; i < 60; i++) if (bucket.take()) granted++;
    expect(granted).toBe(10);
    expect(bucket.secondsUntilToken()).toBe(1);
  });
});

describe('FaultInjector', () => {
  const make = (random = () => 0.5) =>
    new FaultInjector({ bucket: { capacity: 2, refillPerSecond: 1 }, now: () => 0, random, sleep: async () => undefined });

  it('passes by default and throttles or errors as configured', async () => {
    const f = make(() => 0.1);
    expect(await f.admit()).toEqual({ kind: 'pass' });
    f.set({ errorRate: 0.2 });
    expect(await f.admit()).toEqual({ kind: 'error' });
    f.set({ errorRate: 0, throttle: 'always' });
    expect(await f.admit()).toEqual({ kind: 'throttle', retryAfterSeconds: 1 });
    f.heal();
    expect(f.settings.throttle).toBe('off');
  });

  it('uses the token bucket in bucket mode', async () => {
    const f = make();
    f.set({ throttle: 'bucket' });
    const verdicts = [await f.admit(), await f.admit(), await f.admit()];
    expect(verdicts.map((v) => v.kind)).toEqual(['pass', 'pass', 'throttle']);
  });

  it('rejects invalid settings with the field and the expectation', () => {
    const f = make();
    expect(() => f.set({ errorRate: 2 })).toThrow("fault setting 'errorRate': expected a number from 0 to 1, got 2");
    expect(() => f.set({ throttle: 'sometimes' as never })).toThrow(/'throttle': expected 'off', 'always' or 'bucket'/);
    expect(f.settings.errorRate).toBe(0);
  });

  it('counts requests per operation and outcome', () => {
    const f = make();
    f.record('ChangeResourceRecordSets', 'ok');
    f.record('ChangeResourceRecordSets', 'throttled');
    f.record('GetChange', 'ok');
    expect(f.counters()).toEqual({
      ChangeResourceRecordSets: { total: 2, ok: 1, throttled: 1, client_error: 0, server_error: 0, injected_error: 0 },
      GetChange: { total: 1, ok: 1, throttled: 0, client_error: 0, server_error: 0, injected_error: 0 },
    });
    expect(f.totalRequests()).toBe(3);
  });
});

function tryConnect(port: number): Promise<'connected' | string> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
}

describe('ManagedListener', () => {
  it('refuses connections while the API is down and listens again on the same port when healed', async () => {
    const faults = new FaultInjector({ bucket: { capacity: 1, refillPerSecond: 1 } });
    const server = createServer((_req, res) => res.end('ok'));
    const listener = new ManagedListener(server, '127.0.0.1', 0, faults);
    await listener.start();
    const port = listener.boundPort;
    expect(await tryConnect(port)).toBe('connected');
    faults.set({ apiDown: true });
    await listener.settled();
    expect(await tryConnect(port)).toBe('ECONNREFUSED');
    faults.heal();
    await listener.settled();
    expect(listener.boundPort).toBe(port);
    expect(await tryConnect(port)).toBe('connected');
    await listener.stop();
    expect(await tryConnect(port)).toBe('ECONNREFUSED');
  });
});

describe('ManagedListener started while down', () => {
  it('keeps the port closed until the fault is healed', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const faults = new FaultInjector({ bucket: { capacity: 1, refillPerSecond: 1 } });
    faults.set({ apiDown: true });
    const listener = new ManagedListener(
      createServer((_q, s) => s.end('ok')),
      '127.0.0.1',
      port,
      faults,
    );
    await listener.start();
    expect(await tryConnect(port)).toBe('ECONNREFUSED');
    faults.heal();
    await listener.settled();
    expect(await tryConnect(port)).toBe('connected');
    await listener.stop();
  });
});
