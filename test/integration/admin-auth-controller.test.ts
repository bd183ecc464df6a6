/**
 * Admin API security on the REAL controller server (apps/controller/server.ts
 * over a running controller in the local topology), not on a look-alike app:
 *
 * - no token, a wrong token, one of another length, a malformed one: the same
 *   401 (status, headers, body) on every mutating endpoint, the same work
 *   whatever the guess (response times of the guess classes are compared,
 *   interleaved), and no guess or token in the logs;
 * - nothing changes without the token: overrides, events, audit log, demo hooks;
 * - no token configured: every mutating endpoint is off (503);
 * - a flood of wrong tokens gets 429, on the topology's own listener with
 *   the default limit, and the right token from the same address still works.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_DISABLED_BODY, DEFAULT_ADMIN_RATE_LIMIT, UNAUTHORIZED_BODY } from '../../apps/controller/auth.js';
import { startControllerApi, type DemoHooks, type RunningControllerApi } from '../../apps/controller/server.js';
import { startTopology, type Topology } from '../../apps/topology/topology.js';
import { AuditLog } from '../../src/observability/audit-log.js';
import { createLogger } from '../../src/observability/logger.js';

const TOKEN = 'Q7vK2mXp9LwR4tYb8NcF3hJd6GsZ1aEu';
const dir = mkdtempSync(join(tmpdir(), 'admin-auth-controller-'));
const auditPath = join(dir, 'audit.jsonl');
let logText = '';
const logSink = new Writable({
  write(chunk: Buffer, _enc, done) {
    logText += chunk.toString();
    done();
  },
});

let topo: Topology;
let audit: AuditLog;
let api: RunningControllerApi;
let off: RunningControllerApi;
const chaosCalls: string[] = [];
const demo: DemoHooks = {
  chaos: [{ target: 'aws', cloud: 'aws', actions: ['down', 'heal'] }],
  drills: [{ scenario: 'cloud-outage' }],
  applyChaos: async (target, action) => void chaosCalls.push(`${target} ${action}`),
  runDrill: async (scenario) => void chaosCalls.push(`drill ${scenario}`),
};

beforeAll(async () => {
  topo = await startTopology({
    freePorts: true,
    health: { intervalMs: 400, fastIntervalMs: 200, timeoutMs: 200, rise: 2, fall: 3 },
    dwellMs: 300,
    ttl: 1,
    traffic: false,
  });
  audit = AuditLog.open(auditPath);
  const logger = createLogger({ name: 'controller', level: 'debug', destination: logSink });
  // A high limit here: this listener is for comparing many refused guesses; the flood goes to the topology's own.
  api = await startControllerApi({
    controller: topo.controller,
    logger,
    adminToken: TOKEN,
    host: '127.0.0.1',
    port: 0,
    auditLog: audit,
    demo,
    rateLimit: { windowMs: 60_000, limit: 10_000 },
  });
  off = await startControllerApi({
    controller: topo.controller,
    logger,
    adminToken: undefined,
    host: '127.0.0.1',
    port: 0,
    demo,
    rateLimit: { windowMs: 60_000, limit: 10_000 },
  });
});

afterAll(async () => {
  await api?.close();
  await off?.close();
  await topo?.stop();
  audit?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every route that changes something, with a body the route would accept. */
const MUTATING: readonly { method: string; path: string; body?: unknown }[] = [
  { method: 'POST', path: '/overrides/drain', body: { cloud: 'gcp', reason: 'maintenance' } },
  { method: 'DELETE', path: '/overrides/drain', body: { cloud: 'gcp' } },
  { method: 'POST', path: '/overrides/pin', body: { service: 'app.example.test.', target: 'azure', reason: 'test' } },
  { method: 'DELETE', path: '/overrides/pin', body: { service: 'app.example.test.' } },
  { method: 'POST', path: '/overrides/pause', body: { service: 'app.example.test.', reason: 'test' } },
  { method: 'DELETE', path: '/overrides/pause', body: { service: 'app.example.test.' } },
  { method: 'POST', path: '/demo/chaos', body: { target: 'aws', action: 'down' } },
  { method: 'POST', path: '/demo/drill', body: { scenario: 'cloud-outage' } },
  { method: 'GET', path: '/api/csrf' },
];

/** The guesses, by class: what differs must not change the answer nor the work done. */
const GUESSES: Record<string, string | undefined> = {
  none: undefined,
  sameLengthWrong: 'x'.repeat(TOKEN.length),
  lastCharOff: `${TOKEN.slice(0, -1)}${TOKEN.endsWith('u') ? 'v' : 'u'}`,
  firstCharOff: `${TOKEN.startsWith('Q') ? 'R' : 'Q'}${TOKEN.slice(1)}`,
  prefix: TOKEN.slice(0, 16),
  shorter: 'short-guess-0123',
  longer: `${TOKEN}${TOKEN}`,
  tokenPlusOne: `${TOKEN}x`,
};

function call(base: string, route: (typeof MUTATING)[number], headers: Record<string, string>) {
  return fetch(`${base}${route.path}`, {
    method: route.method,
    headers: { ...(route.body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(route.body !== undefined ? { body: JSON.stringify(route.body) } : {}),
  });
}

const bearer = (token: string | undefined): Record<string, string> => (token === undefined ? {} : { authorization: `Bearer ${token}` });

/** What a client can learn from a response (volatile headers aside). */
async function observable(res: Response) {
  const headers = Object.fromEntries(
    [...res.headers.entries()].filter(
      ([k]) => !['date', 'ratelimit', 'ratelimit-policy', 'etag', 'keep-alive', 'connection', 'x-request-id'].includes(k),
    ),
  );
  return { status: res.status, headers, body: await res.text() };
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

function auditKinds(): string[] {
  return readFileSync(auditPath, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => (JSON.parse(l) as { kind: string }).kind);
}

describe('admin API of the real controller server', () => {
  it('answers every kind of wrong or missing token on every mutating endpoint with the very same 401', async () => {
    for (const route of MUTATING) {
      const seen = await Promise.all(Object.values(GUESSES).map(async (g) => observable(await call(api.url, route, bearer(g)))));
      const malformed = await Promise.all(
        [
          `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`,
          `bearer ${TOKEN}`,
          `Bearer ${TOKEN} extra`,
          'Bearer ',
          `Bearer ${TOKEN.slice(0, 8)}\u00e9`,
        ].map(async (authorization) => observable(await call(api.url, route, { authorization }))),
      );
      const first = seen[0];
      expect(first?.status, `${route.method} ${route.path}`).toBe(401);
      expect(JSON.parse(first?.body ?? '')).toEqual(UNAUTHORIZED_BODY);
      expect(first?.headers['www-authenticate']).toBe('Bearer realm="failover-admin"');
      for (const s of [...seen, ...malformed]) expect(s, `${route.method} ${route.path}`).toEqual(first);
    }
  });

  it('changes nothing without the token: overrides, events, audit log and demo hooks stay as they were', async () => {
    const overrides = topo.controller.overrides.view();
    const events = topo.controller.events.ofType('override').length;
    for (const route of MUTATING) {
      // Whatever else the request carries: a CSRF header, a cookie, another header holding the token.
      const res = await call(api.url, route, { 'x-csrf-token': 'c'.repeat(64), cookie: `token=${TOKEN}`, 'x-admin-token': TOKEN });
      expect(res.status, `${route.method} ${route.path}`).toBe(401);
    }
    expect(topo.controller.overrides.view()).toEqual(overrides);
    expect(topo.controller.events.ofType('override')).toHaveLength(events);
    expect(auditKinds().filter((k) => k === 'override' || k.startsWith('demo-'))).toEqual([]);
    expect(chaosCalls).toEqual([]);

    // The right token goes through, and the action is on disk by the time it is acknowledged.
    const res = await call(api.url, MUTATING[0]!, bearer(TOKEN));
    expect(res.status).toBe(200);
    const reply = (await res.json()) as { event: { id: number; type: string; action: string } };
    expect(reply.event).toMatchObject({ type: 'override', action: 'drain' });
    const lines = readFileSync(auditPath, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.kind === 'override' && l.eventId === reply.event.id)).toMatchObject({
      actor: 'operator',
      reason: expect.stringContaining('maintenance'),
      detail: { action: 'drain', cloud: 'gcp' },
    });
    const chaos = await call(api.url, MUTATING[6]!, bearer(TOKEN));
    expect(chaos.status).toBe(200);
    expect(chaosCalls).toEqual(['aws down']);
    expect(auditKinds()).toContain('demo-chaos');
    expect((await call(api.url, MUTATING[1]!, bearer(TOKEN))).status).toBe(200);
  });

  it('is off when no token is configured: 503 on every mutating endpoint, whatever is presented', async () => {
    for (const route of MUTATING) {
      for (const g of [undefined, TOKEN, 'some-other-guess-000']) {
        const res = await call(off.url, route, bearer(g));
        expect(res.status, `${route.method} ${route.path}`).toBe(503);
        expect(await res.json()).toEqual(ADMIN_DISABLED_BODY);
      }
    }
    expect(chaosCalls).toEqual(['aws down']);
  });

  it('takes the same time whatever is wrong with a guess (interleaved rounds, medians compared)', async () => {
    const route = MUTATING[0]!;
    const classes = Object.keys(GUESSES);
    const times = new Map<string, number[]>(classes.map((c) => [c, []]));
    for (let i = 0; i < 5; i += 1) await call(api.url, route, {}); // warm the connection pool
    for (let round = 0; round < 30; round += 1) {
      // A different order each round, so drift in the machine's load hits every class alike.
      const order = [...classes].sort(() => Math.random() - 0.5);
      for (const c of order) {
        const started = performance.now();
        const res = await call(api.url, route, bearer(GUESSES[c]));
        await res.arrayBuffer();
        times.get(c)?.push(performance.now() - started);
        expect(res.status).toBe(401);
      }
    }
    const all = [...times.values()].flat().sort((a, b) => a - b);
    const pooled = median(all);
    const iqr = (all[Math.floor(all.length * 0.75)] as number) - (all[Math.floor(all.length * 0.25)] as number);
    // Hashing both sides makes the work identical; what is left is scheduling noise, which no class owns.
    for (const [c, xs] of times)
      expect(Math.abs(median(xs) - pooled), `${c}: median ${median(xs).toFixed(3)} ms vs ${pooled.toFixed(3)} ms`).toBeLessThanOrEqual(
        Math.max(2, iqr),
      );
  });

  it('never writes the token or a guess into the logs', () => {
    expect(logText).toContain('"statusCode":401');
    for (const secret of [TOKEN, ...Object.values(GUESSES).filter((g): g is string => g !== undefined)])
      expect(logText).not.toContain(secret);
  });

  it('answers a flood of wrong tokens with 429 on the controller’s own listener (default limit); the right token still gets through', async () => {
    const { limit, windowMs } = DEFAULT_ADMIN_RATE_LIMIT;
    const statuses: number[] = [];
    for (let i = 0; i < limit + 10; i += 1)
      statuses.push((await call(topo.api.url, MUTATING[0]!, bearer(`flood-guess-${String(i).padStart(8, '0')}`))).status);
    expect(statuses.slice(0, limit)).toEqual(Array.from({ length: limit }, () => 401));
    expect(statuses.slice(limit)).toEqual(Array.from({ length: 10 }, () => 429));
    const limited = await call(topo.api.url, MUTATING[0]!, bearer('flood-guess-once-more'));
    expect(limited.status).toBe(429);
    const body = (await limited.json()) as { error: string; message: string; retryAfterSeconds: number };
    expect(body.error).toBe('rate-limited');
    expect(body.message).toContain(`too many failed admin authentications: at most ${limit} per ${windowMs / 1000} s`);
    expect(Number(limited.headers.get('retry-after'))).toBe(body.retryAfterSeconds);
    expect(topo.controller.overrides.view().drainedClouds).toEqual([]);
    // Failures are counted apart from authenticated requests: the operator's token, from the same address, is not locked out.
    const operator = await call(topo.api.url, MUTATING[0]!, bearer(topo.api.token));
    expect(operator.status).toBe(200);
    expect(topo.controller.overrides.view().drainedClouds).toEqual(['gcp']);
    expect((await call(topo.api.url, MUTATING[1]!, bearer(topo.api.token))).status).toBe(200);
    expect(topo.controller.overrides.view().drainedClouds).toEqual([]);
    // Reads are not admin routes.
    expect((await fetch(`${topo.api.url}/status`)).status).toBe(200);
  });
});
