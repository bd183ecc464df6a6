import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdminApi, type AdminTarget, type RunningAdminApi } from '../../src/emulators/admin.js';
import { FaultInjector } from '../../src/emulators/core/faults.js';
import { ZoneStore } from '../../src/emulators/core/zone-store.js';
import { EMULATOR_DEFAULTS, EMULATOR_KINDS, type EmulatorKind } from '../../src/emulators/defaults.js';

function target(kind: EmulatorKind): AdminTarget & { settledCalls: number } {
  const store = new ZoneStore();
  store.createZone({ id: `${kind}-zone`, name: 'example.test', nameServers: ['ns1.example.test.'] });
  const t = {
    store,
    faults: new FaultInjector({ bucket: { ...EMULATOR_DEFAULTS.buckets[kind] } }),
    settledCalls: 0,
    settled: async () => void (t.settledCalls += 1),
  };
  return t;
}

const targets = { route53: target('route53'), azure: target('azure'), clouddns: target('clouddns') };
let admin: RunningAdminApi;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${admin.endpoint}${path}`, {
    method,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  admin = await startAdminApi({ host: '127.0.0.1', port: 0, targets });
});
afterAll(async () => {
  await admin.stop();
});

describe('admin API: faults', () => {
  it('lists the settings of all three emulators, and of one', async () => {
    const all = await call('GET', '/faults');
    expect(all.status).toBe(200);
    expect(Object.keys(all.json)).toEqual([...EMULATOR_KINDS]);
    expect(all.json.azure).toEqual({
      apiDown: false,
      dnsDown: false,
      errorRate: 0,
      latencyMs: 0,
      throttle: 'off',
      bucket: { capacity: 200, refillPerSecond: 10 },
    });
    expect((await call('GET', '/faults/route53')).json).toMatchObject({ bucket: { capacity: 50, refillPerSecond: 10 } });
  });

  it('PUT changes one emulator only, waits for the listener, and answers the new settings', async () => {
    const before = targets.clouddns.settledCalls;
    const res = await call('PUT', '/faults/clouddns', { errorRate: 0.5, dnsDown: true, bucket: { capacity: 3 } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ errorRate: 0.5, dnsDown: true, bucket: { capacity: 3, refillPerSecond: 10 } });
    expect(targets.clouddns.faults.settings).toMatchObject({ errorRate: 0.5, dnsDown: true });
    expect(targets.clouddns.settledCalls).toBe(before + 1);
    expect(targets.route53.faults.settings.dnsDown).toBe(false);
  });

  it('accepts a body sent without a JSON content type (plain curl -d)', async () => {
    const res = await fetch(`${admin.endpoint}/faults/azure`, {
      method: 'PUT',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: '{"latencyMs":250}',
    });
    expect(res.status).toBe(200);
    expect(targets.azure.faults.settings.latencyMs).toBe(250);
  });

  it('rejects bad input with 400 naming the field and the expectation, changing nothing', async () => {
    const cases: [unknown, RegExp][] = [
      [{ errorRate: 2 }, /fault setting 'errorRate': expected a number from 0 to 1, got 2/],
      [{ apiDown: 'yes' }, /fault setting 'apiDown': .*expected boolean/],
      [{ throttle: 'sometimes' }, /fault setting 'throttle': Invalid option: expected one of "off"\|"always"\|"bucket"/],
      [{ apidown: true }, /fault setting 'apidown' does not exist: expected apiDown, dnsDown, errorRate, latencyMs, throttle or bucket/],
      [{ bucket: { size: 3 } }, /fault setting 'bucket.size' does not exist: expected capacity or refillPerSecond/],
      [{ bucket: { refillPerSecond: 0 } }, /bucket.refillPerSecond': expected a number > 0/],
      [[1, 2], /expected a JSON object of fault settings/],
      ['{not json', /not acceptable JSON/],
    ];
    const before = targets.route53.faults.settings;
    for (const [body, message] of cases) {
      const res = await call('PUT', '/faults/route53', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((res.json.error as { message: string }).message, JSON.stringify(body)).toMatch(message);
    }
    expect(targets.route53.faults.settings).toEqual(before);
  });

  it('heals one emulator, then all', async () => {
    await call('PUT', '/faults/route53', { throttle: 'always' });
    const one = await call('POST', '/faults/route53/heal');
    expect(one.json).toMatchObject({ throttle: 'off' });
    await call('PUT', '/faults/azure', { apiDown: true });
    const all = await call('POST', '/faults/heal');
    expect(all.status).toBe(200);
    for (const k of EMULATOR_KINDS) {
      expect(targets[k].faults.settings).toMatchObject({ apiDown: false, dnsDown: false, errorRate: 0, latencyMs: 0, throttle: 'off' });
      expect(all.json[k]).toMatchObject({ apiDown: false });
    }
  });

  it('answers 404 JSON for an unknown emulator or route', async () => {
    const res = await call('PUT', '/faults/gcp', { apiDown: true });
    expect(res.status).toBe(404);
    expect(res.json.error).toEqual({ code: 'UnknownEmulator', message: "unknown emulator 'gcp': expected route53, azure, clouddns" });
    expect((await call('GET', '/counters/aws')).status).toBe(404);
    expect((await call('GET', '/nothing')).json.error).toMatchObject({ code: 'NotFound' });
  });
});

describe('admin API: counters and zones', () => {
  it('reports per-operation counts with a total, and resets them', async () => {
    targets.route53.faults.record('ChangeResourceRecordSets', 'ok');
    targets.route53.faults.record('ChangeResourceRecordSets', 'throttled');
    targets.route53.faults.record('ListResourceRecordSets', 'ok');
    targets.azure.faults.record('RecordSets_CreateOrUpdate', 'client_error');
    const one = await call('GET', '/counters/route53');
    expect(one.json).toEqual({
      total: 3,
      operations: {
        ChangeResourceRecordSets: { total: 2, ok: 1, client_error: 0, server_error: 0, throttled: 1, injected_error: 0 },
        ListResourceRecordSets: { total: 1, ok: 1, client_error: 0, server_error: 0, throttled: 0, injected_error: 0 },
      },
    });
    expect(((await call('GET', '/counters')).json.azure as { total: number }).total).toBe(1);
    await call('POST', '/counters/route53/reset');
    expect(targets.route53.faults.totalRequests()).toBe(0);
    expect(targets.azure.faults.totalRequests()).toBe(1);
    const reset = await call('POST', '/counters/reset');
    expect(reset.json).toMatchObject({ route53: { total: 0 }, azure: { total: 0 }, clouddns: { total: 0 } });
  });

  it('dumps a zone store', async () => {
    targets.azure.store.transact('azure-zone', (d) => d.put({ name: 'www.example.test', type: 'A', ttl: 60, values: ['192.0.2.1'] }));
    const res = await call('GET', '/zones/azure');
    const [zone] = res.json.zones as {
      id: string;
      name: string;
      serial: number;
      records: { name: string; type: string; values: string[]; version: number }[];
    }[];
    expect(zone).toMatchObject({ id: 'azure-zone', name: 'example.test.', serial: 2 });
    expect(zone!.records.map((r) => `${r.name} ${r.type}`)).toEqual(['example.test. NS', 'example.test. SOA', 'www.example.test. A']);
    expect(zone!.records[2]).toMatchObject({ values: ['192.0.2.1'], version: 1 });
  });
});

describe('admin API: binding', () => {
  it('refuses a non-loopback host', async () => {
    await expect(startAdminApi({ host: '0.0.0.0', port: 0, targets })).rejects.toThrow(
      "the admin API must listen on a loopback address (127.0.0.0/8), got '0.0.0.0'",
    );
  });
  it('reports a port in use', async () => {
    await expect(startAdminApi({ host: '127.0.0.1', port: admin.port, targets })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
