/**
 * Graceful shutdown over real HTTP: readiness turns 503 first, in-flight requests
 * finish, new connections are refused once the listener closes, stragglers are cut at
 * the drain deadline.
 */
import { get as httpGet, type IncomingHttpHeaders } from 'node:http';
import { describe, expect, it, vi } from 'vitest';
import { startSampleService, type ServiceConfigInput } from '../../apps/sample-service/index.js';
import { silentLogger } from '../../src/observability/logger.js';

const base: ServiceConfigInput = { cloud: 'aws', region: 'us-east-1', instanceId: 'aws-drain', host: '127.0.0.1', port: 0 };

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/**
 * One GET on a fresh connection. (Node 20's fetch may reuse a pooled connection the
 * server has just closed after `Connection: close`, which would blur what is tested.)
 */
function get(url: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    httpGet(url, { agent: false, timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) as Record<string, unknown> }),
      );
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function connectFailure(url: string): Promise<string> {
  return get(url).then(
    (res) => `answered ${res.status}`,
    (err: NodeJS.ErrnoException) => err.code ?? err.name,
  );
}

describe('graceful drain', () => {
  it('lets an in-flight request finish while refusing new connections, then stops', async () => {
    const svc = await startSampleService({ ...base, drainMs: 10_000 }, { logger: silentLogger() });
    await svc.setChaos('slow', { delayMs: 400 });
    const inFlight = get(`${svc.url}/`);
    await vi.waitFor(() => expect(svc.inFlight).toBe(1));

    const stopping = svc.stop();
    expect(svc.phase).toBe('draining');
    expect(await connectFailure(`${svc.url}/healthz`)).toBe('ECONNREFUSED');

    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.body.instanceId).toBe('aws-drain');

    expect(await stopping).toEqual({ forced: false });
    expect(svc.phase).toBe('stopped');
    expect(svc.inFlight).toBe(0);
    expect(await connectFailure(`${svc.url}/`)).toBe('ECONNREFUSED');
  });

  it('answers /readyz 503 draining during the shutdown delay while still serving, then closes', async () => {
    const svc = await startSampleService({ ...base, shutdownDelayMs: 1000 }, { logger: silentLogger() });
    expect((await get(`${svc.url}/readyz`)).status).toBe(200);

    const stopping = svc.stop();
    const ready = await get(`${svc.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({
      status: 'draining',
      reason: 'shutting down: finishing in-flight requests',
      cloud: 'aws',
      instanceId: 'aws-drain',
    });
    const root = await get(`${svc.url}/`);
    expect(root.status).toBe(200);
    expect(root.headers.connection).toBe('close');
    expect((await get(`${svc.url}/healthz`)).status).toBe(200);

    expect(await stopping).toEqual({ forced: false });
    expect(await connectFailure(`${svc.url}/readyz`)).toBe('ECONNREFUSED');
  });

  it('cuts requests still open at the drain deadline', async () => {
    const svc = await startSampleService({ ...base, drainMs: 100 }, { logger: silentLogger() });
    await svc.setChaos('blackhole');
    const stuck = connectFailure(`${svc.url}/`);
    await vi.waitFor(() => expect(svc.inFlight).toBe(1));
    expect(await svc.stop()).toEqual({ forced: true });
    expect(await stuck).toBe('ECONNRESET');
    expect(svc.phase).toBe('stopped');
  });

  it('stop() is idempotent and also closes the chaos admin listener', async () => {
    const svc = await startSampleService(
      { ...base, chaos: { enabled: true, token: 'drain-token-123', port: 0 } },
      { logger: silentLogger() },
    );
    const adminUrl = `${svc.adminUrl ?? ''}/chaos`;
    const before = await fetch(adminUrl, { headers: { 'x-chaos-token': 'drain-token-123' } });
    expect(await before.json()).toEqual({ mode: 'healthy' });
    const first = svc.stop();
    expect(svc.stop()).toBe(first);
    await first;
    expect(await connectFailure(adminUrl)).toBe('ECONNREFUSED');
  });

  it('stops cleanly while the chaos mode is down', async () => {
    const svc = await startSampleService(base, { logger: silentLogger() });
    await svc.setChaos('down');
    expect(await svc.stop()).toEqual({ forced: false });
    expect(await connectFailure(`${svc.url}/`)).toBe('ECONNREFUSED');
  });
});
