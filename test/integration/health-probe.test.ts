/**
 * The probe edge against real sockets: probeHttp's verdicts and error texts, a
 * timeout that really closes the connection, opossum breakers that stop sending,
 * and a partitioned vantage point that never reaches the server.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProbeBreaker, type BreakerStateChange } from '../../src/health/breaker.js';
import { MAX_BODY_BYTES, probeHttp } from '../../src/health/probe.js';
import { VantagePoint } from '../../src/health/vantage-point.js';

/** An HTTP server whose answer the test switches; it counts requests and connections. */
interface SwitchableServer {
  readonly url: string;
  mode: 'ok' | '503' | 'slow';
  requests: number;
  connections: number;
  readonly headers: http.IncomingHttpHeaders[];
  /** Connections closed by the client before the answer was written. */
  readonly closedRequests: number;
  readonly server: http.Server;
}

const SLOW_MS = 400;

async function listen(server: net.Server, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as AddressInfo).port;
}

async function switchable(host: string, path = '/readyz', body = 'status: ok'): Promise<SwitchableServer> {
  const state = {
    mode: 'ok' as SwitchableServer['mode'],
    requests: 0,
    connections: 0,
    headers: [] as http.IncomingHttpHeaders[],
    closedRequests: 0,
  };
  const server = http.createServer((req, res) => {
    state.requests += 1;
    state.headers.push(req.headers);
    // Counts connections the client closed before this server had answered.
    req.socket.on('close', () => !res.writableFinished && (state.closedRequests += 1));
    if (state.mode === '503') return void res.writeHead(503).end('draining');
    if (state.mode === 'slow') return void setTimeout(() => res.end(body), SLOW_MS).unref();
    res.end(body);
  });
  server.on('connection', () => (state.connections += 1));
  const port = await listen(server, host);
  return Object.assign(state, { url: `http://${host}:${port}${path}`, server });
}

/** Accepts TCP connections and never answers; remembers every server-side socket. */
async function blackhole(host: string): Promise<{ url: string; server: net.Server; sockets: net.Socket[]; closed: Promise<void>[] }> {
  const sockets: net.Socket[] = [];
  const closed: Promise<void>[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    closed.push(new Promise((resolve) => socket.on('close', () => resolve())));
    socket.on('error', () => {});
    // Read and discard the request (a paused socket would never notice the peer's FIN).
    socket.resume();
  });
  const port = await listen(server, host);
  return { url: `http://${host}:${port}/readyz`, server, sockets, closed };
}

/** Resolve with `p`, or fail the test after `ms` if it has not settled. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms).unref()),
  ]);
}

let healthy: SwitchableServer;
let failing: SwitchableServer;
let bigBody: SwitchableServer;
let hole: Awaited<ReturnType<typeof blackhole>>;
let closedPortUrl: string;

beforeAll(async () => {
  healthy = await switchable('127.0.0.1');
  failing = await switchable('127.0.0.2');
  failing.mode = '503';
  bigBody = await switchable('127.0.0.1', '/big', `${'x'.repeat(MAX_BODY_BYTES)}ready`);
  hole = await blackhole('127.0.0.3');
  const spare = net.createServer();
  const port = await listen(spare, '127.0.0.4');
  await new Promise((resolve) => spare.close(resolve));
  closedPortUrl = `http://127.0.0.4:${port}/readyz`;
});

afterAll(async () => {
  for (const s of hole.sockets) s.destroy();
  await Promise.all([healthy.server, failing.server, bigBody.server, hole.server].map((s) => new Promise((resolve) => s.close(resolve))));
});

const expect200 = { timeoutMs: 150, expectStatus: 200 };

describe('probeHttp', () => {
  it('succeeds on the expected status, over a fresh connection per probe with Connection: close', async () => {
    const before = { requests: healthy.requests, connections: healthy.connections };
    const first = await probeHttp(healthy.url, { ...expect200, bodyContains: 'ok', now: () => 42 });
    const second = await probeHttp(healthy.url, expect200);
    expect(first).toMatchObject({ ok: true, status: 200, at: 42 });
    expect(first.error).toBeUndefined();
    expect(first.code).toBeUndefined();
    expect(first.latencyMs).toBeGreaterThanOrEqual(0);
    expect(second.ok).toBe(true);
    expect(healthy.requests - before.requests).toBe(2);
    expect(healthy.connections - before.connections).toBe(2);
    expect(healthy.headers.at(-1)).toMatchObject({ connection: 'close', 'user-agent': 'multicloud-failover-health-check' });
  });

  it('fails on another status, naming both', async () => {
    const r = await probeHttp(failing.url, expect200);
    expect(r).toMatchObject({ ok: false, status: 503, code: 'EBADSTATUS', error: 'status 503 (expected 200)' });
    expect(await probeHttp(failing.url, { ...expect200, expectStatus: 503 })).toMatchObject({ ok: true, status: 503 });
  });

  it('fails when the body lacks the expected text, looking only at the first MAX_BODY_BYTES', async () => {
    expect(await probeHttp(healthy.url, { ...expect200, bodyContains: 'ready' })).toMatchObject({
      ok: false,
      status: 200,
      code: 'EBODY',
      error: 'body does not contain "ready"',
    });
    // "ready" sits just past the cap, as Route 53 would not see it either.
    expect(await probeHttp(bigBody.url, { ...expect200, bodyContains: 'ready' })).toMatchObject({ ok: false, code: 'EBODY' });
    expect(await probeHttp(bigBody.url, { ...expect200, bodyContains: 'xxx' })).toMatchObject({ ok: true, status: 200 });
  });

  it('fails fast on a closed port with the errno code', async () => {
    const r = await probeHttp(closedPortUrl, expect200);
    expect(r).toMatchObject({ ok: false, code: 'ECONNREFUSED' });
    expect(r.error).toBe(`connect ECONNREFUSED ${new URL(closedPortUrl).host}`);
  });

  it('times out a blackhole and really closes the connection: the server sees its socket close', async () => {
    const before = hole.sockets.length;
    const r = await probeHttp(hole.url, { ...expect200, timeoutMs: 100 });
    expect(r).toMatchObject({ ok: false, code: 'ETIMEDOUT', error: 'timeout after 100 ms' });
    expect(r.status).toBeUndefined();
    expect(r.latencyMs).toBeGreaterThanOrEqual(99);
    expect(hole.sockets).toHaveLength(before + 1);
    await within(hole.closed[before]!, 1000, 'server-side socket close');
  });

  it('times out a slow answer the same way: the server sees the connection closed before it could answer', async () => {
    healthy.mode = 'slow';
    try {
      const closedBefore = healthy.closedRequests;
      const r = await probeHttp(healthy.url, { ...expect200, timeoutMs: 100 });
      expect(r).toMatchObject({ ok: false, code: 'ETIMEDOUT', error: 'timeout after 100 ms' });
      await within(
        new Promise<void>((resolve) => {
          const check = () => (healthy.closedRequests > closedBefore ? resolve() : setTimeout(check, 5));
          check();
        }),
        1000,
        'server-side request close',
      );
    } finally {
      healthy.mode = 'ok';
    }
  });

  it('stops at once when its signal aborts', async () => {
    const before = hole.sockets.length;
    const controller = new AbortController();
    const pending = probeHttp(hole.url, { ...expect200, timeoutMs: 5000, signal: controller.signal });
    await within(new Promise<void>((resolve) => hole.server.once('connection', () => resolve())), 1000, 'connection');
    controller.abort();
    expect(await pending).toMatchObject({ ok: false, code: 'EABORTED', error: 'aborted' });
    await within(hole.closed[before]!, 1000, 'server-side socket close');
  });

  it('refuses a URL it cannot probe', async () => {
    expect(await probeHttp('ftp://127.0.0.1/readyz', expect200)).toMatchObject({
      ok: false,
      code: 'EPROTOCOL',
      error: 'unsupported protocol ftp: (expected http: or https:)',
    });
  });
});

describe('ProbeBreaker (opossum)', () => {
  const settings = { timeoutMs: 100, errorThresholdPercentage: 50, resetTimeoutMs: 150, volumeThreshold: 3, rollingWindowMs: 10_000 };

  function breakerFor(server: SwitchableServer) {
    const changes: BreakerStateChange[] = [];
    const breaker = new ProbeBreaker(
      'aws@vp-1',
      (signal) => probeHttp(server.url, { timeoutMs: settings.timeoutMs, expectStatus: 200, signal }),
      settings,
    );
    breaker.on('state', (c) => changes.push(c));
    const halfOpen = () =>
      within(new Promise<void>((resolve) => breaker.once('state', (c) => c.to === 'halfOpen' && resolve())), 2000, 'half-open');
    return { breaker, changes, halfOpen };
  }

  it('opens after failures, then sends nothing while open, and closes again through half-open', async () => {
    const server = await switchable('127.0.0.1');
    server.mode = '503';
    const { breaker, changes, halfOpen } = breakerFor(server);
    try {
      for (let i = 0; i < 3; i++) expect(await breaker.run()).toMatchObject({ ok: false, status: 503, error: 'status 503 (expected 200)' });
      expect(breaker.state).toBe('open');
      expect(server.requests).toBe(3);

      const halfOpened = halfOpen();
      for (let i = 0; i < 2; i++)
        expect(await breaker.run()).toMatchObject({ ok: false, code: 'EOPENBREAKER', error: 'circuit open', latencyMs: 0 });
      expect(server.requests).toBe(3);
      expect(breaker.stats).toMatchObject({ failures: 3, rejects: 2 });

      server.mode = 'ok';
      await halfOpened;
      expect(breaker.state).toBe('halfOpen');
      expect(await breaker.run()).toMatchObject({ ok: true, status: 200 });
      expect(breaker.state).toBe('closed');
      expect(server.requests).toBe(4);
      expect(changes.map((c) => `${c.from}→${c.to}`)).toEqual(['closed→open', 'open→halfOpen', 'halfOpen→closed']);
    } finally {
      breaker.shutdown();
      await new Promise((resolve) => server.server.close(resolve));
    }
  });

  it('half-open lets exactly one probe through; its failure opens the circuit again', async () => {
    const server = await switchable('127.0.0.1');
    server.mode = '503';
    const { breaker, changes, halfOpen } = breakerFor(server);
    try {
      for (let i = 0; i < 3; i++) await breaker.run();
      await halfOpen();
      const [first, second] = await Promise.all([breaker.run(), breaker.run()]);
      expect(first).toMatchObject({ ok: false, status: 503 });
      expect(second).toMatchObject({ ok: false, code: 'EOPENBREAKER' });
      expect(server.requests).toBe(4);
      expect(breaker.state).toBe('open');
      expect(changes.map((c) => c.to)).toEqual(['open', 'halfOpen', 'open']);
    } finally {
      breaker.shutdown();
      await new Promise((resolve) => server.server.close(resolve));
    }
  });

  it("ends a probe that overruns its own timeout with opossum's backstop", async () => {
    let aborted = false;
    const breaker = new ProbeBreaker(
      'stuck@vp-1',
      (signal) =>
        new Promise((resolve) =>
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve({ ok: false, at: 0, latencyMs: 0, code: 'EABORTED', error: 'aborted' });
          }),
        ),
      { ...settings, timeoutMs: 50 },
    );
    try {
      expect(await breaker.run()).toMatchObject({ ok: false, code: 'ETIMEDOUT', error: 'timeout after 50 ms' });
      expect(aborted).toBe(true);
    } finally {
      breaker.shutdown();
    }
    expect(await breaker.run()).toMatchObject({ ok: false, code: 'ESHUTDOWN', error: 'circuit shut down' });
  });
});

describe('VantagePoint partitions', () => {
  it('a partitioned vantage point waits out the timeout without reaching the target; another still reaches it', async () => {
    const cut = new VantagePoint({ id: 'vp-1' });
    const other = new VantagePoint({ id: 'vp-2' });
    const target = { id: 'aws', healthUrl: healthy.url, expectStatus: 200, bodyContains: 'ok' };
    cut.partition('aws');
    expect(cut.partitions).toEqual(['aws']);
    const before = healthy.requests;
    const [fromCut, fromOther] = await Promise.all([cut.probe(target, { timeoutMs: 80 }), other.probe(target, { timeoutMs: 80 })]);
    expect(fromCut).toMatchObject({ ok: false, code: 'EPARTITIONED', error: 'partitioned: timeout after 80 ms', latencyMs: 80 });
    expect(fromOther).toMatchObject({ ok: true, status: 200 });
    expect(healthy.requests).toBe(before + 1);
    expect(healthy.headers.at(-1)).toMatchObject({ 'x-health-vantage-point': 'vp-2' });

    cut.heal('aws');
    expect(await cut.probe(target, { timeoutMs: 80 })).toMatchObject({ ok: true });
    expect(healthy.headers.at(-1)).toMatchObject({ 'x-health-vantage-point': 'vp-1' });
  });
});
