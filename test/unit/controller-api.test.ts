/**
 * The controller's HTTP API over an in-memory controller: status, events,
 * overrides behind the bearer token, JSON errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControllerApi, type RunningControllerApi } from '../../apps/controller/server.js';
import type { ControllerStatus } from '../../apps/controller/status.js';
import { silentLogger } from '../../src/observability/logger.js';
import { ADDR, rig, serving } from './controller-fixtures.js';

const TOKEN = 'test-admin-token-0123456789';
const SERVICE = 'app.example.test';
let r: ReturnType<typeof rig>;
let api: RunningControllerApi;
let noToken: RunningControllerApi;

beforeAll(async () => {
  r = rig();
  for (const t of ['aws', 'azure', 'gcp']) r.monitor.set(t, 'up');
  await r.controller.start();
  await r.controller.idle();
  api = await startControllerApi({ controller: r.controller, logger: silentLogger(), adminToken: TOKEN, host: '127.0.0.1', port: 0 });
  noToken = await startControllerApi({
    controller: r.controller,
    logger: silentLogger(),
    adminToken: undefined,
    host: '127.0.0.1',
    port: 0,
  });
});

afterAll(async () => {
  await Promise.all([api.close(), noToken.close()]);
  await r.controller.stop();
});

const send = (method: string, path: string, body?: unknown, token: string | undefined = TOKEN, base = api.url) =>
  fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });

describe('controller HTTP API', () => {
  it('GET /healthz says the loop runs', async () => {
    const res = await fetch(`${api.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, phase: 'running' });
  });

  it('GET /status: published answer, decision, per-provider serving (asked of the data plane) and sync, targets', async () => {
    const res = await fetch(`${api.url}/status`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const status = (await res.json()) as ControllerStatus;
    expect(status).toMatchObject({ owner: 'ctl-test', zone: 'example.test', phase: 'running', generation: 1 });
    const svc = status.services[0]!;
    expect(svc).toMatchObject({
      name: SERVICE,
      type: 'A',
      policy: 'failover',
      published: { addresses: [ADDR.aws], generation: 1 },
      pending: null,
    });
    expect(svc.decision).toMatchObject({ kind: 'change', addresses: [ADDR.aws], failOpen: false, paused: false });
    expect(svc.providers.route53).toMatchObject({ serving: { ok: true, addresses: [ADDR.aws] }, sync: 'in-sync' });
    expect(typeof svc.providers.azure?.lastWriteAt).toBe('number');
    expect(status.targets.map((t) => [t.id, t.cloud, t.address, t.verdict])).toEqual([
      ['aws', 'aws', ADDR.aws, 'up'],
      ['azure', 'azure', ADDR.azure, 'up'],
      ['gcp', 'gcp', ADDR.gcp, 'up'],
    ]);
    expect(status.providers.map((p) => [p.provider, p.sync])).toEqual([
      ['route53', 'in-sync'],
      ['azure', 'in-sync'],
      ['clouddns', 'in-sync'],
    ]);
    expect(status.lastDecisions.at(-1)).toMatchObject({ type: 'decision', service: SERVICE, after: [ADDR.aws] });
  });

  it('GET /events?since=ID lists newer events; a bad id is a JSON 400', async () => {
    const all = (await (await fetch(`${api.url}/events`)).json()) as { lastId: number; events: { id: number; type: string }[] };
    expect(all.events.length).toBeGreaterThan(3);
    expect(all.lastId).toBe(all.events.at(-1)?.id);
    const mid = all.events[1]!.id;
    const newer = (await (await fetch(`${api.url}/events?since=${mid}`)).json()) as { events: { id: number }[] };
    expect(newer.events.map((e) => e.id)).toEqual(all.events.filter((e) => e.id > mid).map((e) => e.id));
    const bad = await fetch(`${api.url}/events?since=abc`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'bad-request', message: expect.stringMatching(/^since: expected an event id/) });
  });

  it('overrides need the bearer token; without a configured token they are off and say how to enable them', async () => {
    const anonymous = await send('POST', '/overrides/pause', { service: SERVICE, reason: 'x' }, '');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await send('POST', '/overrides/pause', { service: SERVICE, reason: 'x' }, 'not-the-token-at-all-000');
    expect(wrong.status).toBe(401);
    const off = await send('POST', '/overrides/pause', { service: SERVICE, reason: 'x' }, TOKEN, noToken.url);
    expect(off.status).toBe(503);
    expect(((await off.json()) as { message: string }).message).toMatch(/set FAILOVER_ADMIN_TOKEN or api.tokenFile/);
    expect(r.controller.overrides.view().paused).toEqual([]);
  });

  it('pause and resume through the API are recorded with operator and reason', async () => {
    const res = await send('POST', '/overrides/pause', { service: SERVICE, reason: 'hand testing', operator: 'carol' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { event: Record<string, unknown>; overrides: { paused: string[] } };
    expect(body.event).toMatchObject({
      type: 'override',
      action: 'pause',
      actor: 'operator',
      operator: 'carol',
      service: SERVICE,
      reason: `pause ${SERVICE}: hand testing`,
    });
    expect(body.overrides.paused).toEqual([SERVICE]);
    const cleared = await send('DELETE', '/overrides/pause', { service: SERVICE });
    expect(cleared.status).toBe(200);
    expect(((await cleared.json()) as { overrides: { paused: string[] } }).overrides.paused).toEqual([]);
  });

  it('drain moves traffic; bad requests are JSON 4xx naming the field', async () => {
    const drained = await send('POST', '/overrides/drain', { cloud: 'aws', reason: 'region maintenance' });
    expect(drained.status).toBe(200);
    await r.controller.idle();
    expect(serving(r.providers).route53).toEqual([ADDR.azure]);
    expect((await send('DELETE', '/overrides/drain', { cloud: 'aws' })).status).toBe(200);

    const badPin = await send('POST', '/overrides/pin', { service: SERVICE, target: 'oracle', reason: 'x' });
    expect(badPin.status).toBe(400);
    expect(await badPin.json()).toEqual({
      error: 'bad-request',
      message: `target 'oracle' is not a target of ${SERVICE}; expected one of aws, azure, gcp`,
    });
    const unknown = await send('POST', '/overrides/pause', { service: 'nope.example.test', reason: 'x' });
    expect(unknown.status).toBe(404);
    const noReason = await send('POST', '/overrides/drain', { cloud: 'gcp' });
    expect(noReason.status).toBe(400);
    expect(((await noReason.json()) as { message: string }).message).toMatch(/^reason: /);
    const badCloud = await send('POST', '/overrides/drain', { cloud: 'ibm', reason: 'x' });
    expect(((await badCloud.json()) as { message: string }).message).toMatch(/^cloud: /);
    const badJson = await send('POST', '/overrides/drain', '{"cloud":');
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ error: 'bad-json' });
    const nowhere = await fetch(`${api.url}/nope`);
    expect(nowhere.status).toBe(404);
    expect(await nowhere.json()).toMatchObject({ error: 'not-found' });
  });
});
