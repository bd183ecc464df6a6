/**
 * The chaos switch over real HTTP: token checks on both listeners, and what each mode
 * does to a client (refused, timed out, delayed, 5xx).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSampleService, type SampleService } from '../../apps/sample-service/index.js';
import { silentLogger } from '../../src/observability/logger.js';

const TOKEN = 'chaos-test-token-1';

/** The error code of a request that failed to connect (undici wraps it in `cause`). */
async function connectFailure(url: string): Promise<string> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return `answered ${res.status}`;
  } catch (err) {
    return String((err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name);
  }
}

describe('chaos switch', () => {
  let svc: SampleService;
  let admin: string;

  const putChaos = (base: string, body: unknown, headers: Record<string, string> = { 'x-chaos-token': TOKEN }) =>
    fetch(`${base}/chaos`, { method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  beforeAll(async () => {
    svc = await startSampleService(
      {
        cloud: 'gcp',
        region: 'europe-west1',
        instanceId: 'gcp-1',
        host: '127.0.0.1',
        port: 0,
        chaos: { enabled: true, token: TOKEN, port: 0 },
        drainMs: 0,
      },
      { logger: silentLogger() },
    );
    admin = svc.adminUrl ?? '';
  });
  afterAll(async () => {
    await svc.stop({ drainMs: 0 });
  });

  it('serves the chaos admin listener on its own port of the same address', () => {
    expect(svc.adminPort).toBeGreaterThan(0);
    expect(svc.adminPort).not.toBe(svc.port);
    expect(admin).toBe(`http://127.0.0.1:${svc.adminPort}`);
  });

  it('answers 401 without a token and 403 with a wrong one, on both listeners', async () => {
    for (const base of [svc.url, admin]) {
      const none = await fetch(`${base}/chaos`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="chaos"');
      expect(await none.json()).toMatchObject({ error: 'unauthorized' });

      const wrongHeader = await fetch(`${base}/chaos`, { headers: { 'x-chaos-token': 'not-the-token' } });
      expect(wrongHeader.status).toBe(403);
      expect(await wrongHeader.json()).toEqual({ error: 'forbidden', message: 'the chaos token does not match' });

      const wrongBearer = await putChaos(base, { mode: 'down' }, { authorization: `Bearer ${TOKEN}x` });
      expect(wrongBearer.status).toBe(403);
    }
    expect(svc.chaos).toEqual({ mode: 'healthy' });
    expect((await fetch(`${svc.url}/`)).status).toBe(200);
  });

  it('accepts the token in x-chaos-token or as a bearer token', async () => {
    const viaHeader = await fetch(`${svc.url}/chaos`, { headers: { 'x-chaos-token': TOKEN } });
    expect(viaHeader.status).toBe(200);
    expect(await viaHeader.json()).toEqual({ mode: 'healthy' });
    const viaBearer = await fetch(`${admin}/chaos`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await viaBearer.json()).toEqual({ mode: 'healthy' });
  });

  it('rejects unknown modes and misplaced options with a 400 naming the field', async () => {
    const unknown = await putChaos(svc.url, { mode: 'melt' });
    expect(unknown.status).toBe(400);
    const body = (await unknown.json()) as { error: string; problems: { path: string; message: string }[] };
    expect(body.error).toBe('bad-request');
    expect(body.problems[0]?.path).toBe('mode');
    expect(body.problems[0]?.message).toContain('"dependency-dns-empty"');

    const misplaced = await putChaos(svc.url, { mode: 'error', delayMs: 100 });
    expect(misplaced.status).toBe(400);
    expect(await misplaced.json()).toEqual({ error: 'bad-request', message: 'delayMs only applies to mode slow, not error' });
    expect(svc.chaos).toEqual({ mode: 'healthy' });
  });

  it('refuses dependency-dns-empty when no dependency is configured', async () => {
    const res = await putChaos(admin, { mode: 'dependency-dns-empty' });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { message: string }).message).toContain('DEPENDENCY_URL');
  });

  it('down: the service port refuses connections until healed through the admin port', async () => {
    const res = await putChaos(admin, { mode: 'down' });
    expect(await res.json()).toEqual({ mode: 'down' });
    expect(await connectFailure(`${svc.url}/`)).toBe('ECONNREFUSED');
    expect(await connectFailure(`${svc.url}/healthz`)).toBe('ECONNREFUSED');

    const state = await fetch(`${admin}/chaos`, { headers: { 'x-chaos-token': TOKEN } });
    expect(await state.json()).toEqual({ mode: 'down' });

    expect((await putChaos(admin, { mode: 'healthy' })).status).toBe(200);
    const back = await fetch(`${svc.url}/`);
    expect(back.status).toBe(200);
    expect(((await back.json()) as { cloud: string }).cloud).toBe('gcp');
  });

  it('down requested on the service port itself: answered first, then the port closes', async () => {
    const res = await putChaos(svc.url, { mode: 'down' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ mode: 'down' });
    await vi.waitFor(async () => expect(await connectFailure(`${svc.url}/`)).toBe('ECONNREFUSED'));
    await svc.setChaos('healthy');
    expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
  });

  it('blackhole: connections are accepted but requests time out; chaos stays reachable', async () => {
    expect((await putChaos(svc.url, { mode: 'blackhole' })).status).toBe(200);
    const failure = await fetch(`${svc.url}/`, { signal: AbortSignal.timeout(300) }).then(
      (r) => `answered ${r.status}`,
      (err: Error) => err.name,
    );
    expect(failure).toBe('TimeoutError');
    const state = await fetch(`${svc.url}/chaos`, { headers: { 'x-chaos-token': TOKEN } });
    expect(await state.json()).toEqual({ mode: 'blackhole' });

    expect((await putChaos(svc.url, { mode: 'healthy' })).status).toBe(200);
    expect((await fetch(`${svc.url}/`)).status).toBe(200);
  });

  it('blackhole: a request still waiting is answered once the mode heals', async () => {
    await svc.setChaos('blackhole');
    const waiting = fetch(`${svc.url}/healthz`);
    await vi.waitFor(() => expect(svc.inFlight).toBeGreaterThan(0));
    await svc.setChaos('healthy');
    expect((await waiting).status).toBe(200);
  });

  it('slow: every response is delayed by delayMs', async () => {
    const set = await putChaos(svc.url, { mode: 'slow', delayMs: 300 });
    expect(await set.json()).toEqual({ mode: 'slow', delayMs: 300 });
    const started = performance.now();
    const res = await fetch(`${svc.url}/`);
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    expect(res.headers.get('x-chaos-delay-ms')).toBe('300');
    expect(elapsed).toBeGreaterThanOrEqual(295);
    const impatient = await fetch(`${svc.url}/healthz`, { signal: AbortSignal.timeout(50) }).then(
      () => 'answered',
      (err: Error) => err.name,
    );
    expect(impatient).toBe('TimeoutError');
    await svc.setChaos('healthy');
  });

  it('slow without delayMs uses the default delay', async () => {
    expect(await svc.setChaos('slow')).toEqual({ mode: 'slow', delayMs: 1000 });
    await svc.setChaos('healthy');
  });

  it('error: / answers a JSON 500 without internals, /readyz 503, /healthz stays 200', async () => {
    expect((await putChaos(admin, { mode: 'error' })).status).toBe(200);
    const root = await fetch(`${svc.url}/`);
    expect(root.status).toBe(500);
    const text = await root.text();
    expect(JSON.parse(text)).toEqual({ error: 'internal', message: 'internal server error', requestId: root.headers.get('x-request-id') });
    expect(text).not.toMatch(/ChaosInducedError|stack|\.ts:/);

    const ready = await fetch(`${svc.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'not-ready', reason: 'chaos mode error' });
    expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
  });

  it('healthy restores every endpoint', async () => {
    expect(await (await putChaos(admin, { mode: 'healthy' })).json()).toEqual({ mode: 'healthy' });
    expect((await fetch(`${svc.url}/`)).status).toBe(200);
    expect((await fetch(`${svc.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
  });

  it('the admin listener serves nothing but /chaos', async () => {
    const res = await fetch(`${admin}/`, { headers: { 'x-chaos-token': TOKEN } });
    expect(res.status).toBe(404);
  });
});
