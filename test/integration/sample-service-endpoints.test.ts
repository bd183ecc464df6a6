import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSampleService, type SampleService } from '../../apps/sample-service/index.js';
import { createLogger, silentLogger } from '../../src/observability/logger.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('sample service endpoints (no dependency, chaos disabled)', () => {
  let svc: SampleService;
  const logLines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim() !== '') logLines.push(JSON.parse(line) as Record<string, unknown>);
    });
    const logger = createLogger({ name: 'sample-service-test', level: 'debug', destination: sink });
    svc = await startSampleService(
      { cloud: 'azure', region: 'westeurope', instanceId: 'azure-1', version: '1.2.3', host: '127.0.0.1', port: 0 },
      { logger },
    );
  });
  afterAll(async () => {
    await svc.stop({ drainMs: 0 });
  });

  it('GET / names the cloud, region, instance and version that answered', async () => {
    const res = await fetch(`${svc.url}/`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      service: 'multicloud-failover-sample',
      cloud: 'azure',
      region: 'westeurope',
      instanceId: 'azure-1',
      version: '1.2.3',
      servedName: '127.0.0.1',
    });
    expect(typeof body.hostname).toBe('string');
    expect(body.requestId).toBe(res.headers.get('x-request-id'));
    expect(res.headers.get('x-request-id')).toMatch(UUID);
  });

  it('sets security headers, forbids caching and hides the framework', async () => {
    const res = await fetch(`${svc.url}/`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('echoes a safe caller request id and replaces an unsafe one', async () => {
    const kept = await fetch(`${svc.url}/healthz`, { headers: { 'x-request-id': 'trace-42.a:b' } });
    expect(kept.headers.get('x-request-id')).toBe('trace-42.a:b');
    const replaced = await fetch(`${svc.url}/healthz`, { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(replaced.headers.get('x-request-id')).toMatch(UUID);
  });

  it('GET /healthz reports liveness', async () => {
    const res = await fetch(`${svc.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', cloud: 'azure', instanceId: 'azure-1' });
  });

  it('GET /readyz is ready when no dependency is configured', async () => {
    const res = await fetch(`${svc.url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', dependency: null, cloud: 'azure', instanceId: 'azure-1' });
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await fetch(`${svc.url}/nope?x=1`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(await res.json()).toEqual({ error: 'not-found', message: 'no route for GET /nope' });
  });

  it('has no chaos routes when chaos is not enabled, token or not', async () => {
    for (const headers of [{}, { 'x-chaos-token': 'whatever-token' }] as Record<string, string>[]) {
      const get = await fetch(`${svc.url}/chaos`, { headers });
      expect(get.status).toBe(404);
      const put = await fetch(`${svc.url}/chaos`, {
        method: 'PUT',
        headers: { ...headers, 'content-type': 'application/json' },
        body: '{"mode":"down"}',
      });
      expect(put.status).toBe(404);
    }
    expect(svc.chaos).toEqual({ mode: 'healthy' });
  });

  it('refuses bodies over 16kb with a JSON 413', async () => {
    const body = JSON.stringify({ padding: 'x'.repeat(20 * 1024) });
    const res = await fetch(`${svc.url}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(413);
    const json = (await res.json()) as Record<string, unknown>;
    expect(json).toMatchObject({ error: 'payload-too-large', message: 'request body larger than 16kb' });
    expect(json.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('answers malformed JSON with a 400 that carries no stack trace', async () => {
    const res = await fetch(`${svc.url}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"mode": ' });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({ error: 'bad-json' });
    expect(text).not.toMatch(/\bat \S+ \(|node_modules|stack/);
  });

  it('logs one structured line per request with its id, status and redacted secrets', async () => {
    await fetch(`${svc.url}/`, { headers: { 'x-request-id': 'log-check-1', 'x-chaos-token': 'do-not-log-me' } });
    await vi.waitFor(() => expect(logLines.find((l) => (l.req as { id?: string } | undefined)?.id === 'log-check-1')).toBeDefined());
    const line = logLines.find((l) => (l.req as { id?: string } | undefined)?.id === 'log-check-1') as {
      level: number;
      msg: string;
      req: { method: string; url: string; headers: Record<string, string> };
      res: { statusCode: number };
    };
    expect(line.level).toBe(30);
    expect(line.msg).toBe('request completed');
    expect(line.req).toMatchObject({ method: 'GET', url: '/' });
    expect(line.res.statusCode).toBe(200);
    expect(line.req.headers['x-chaos-token']).toBe('[redacted]');
    expect(JSON.stringify(logLines)).not.toContain('do-not-log-me');
  });

  it('logs successful health probes at debug level only', async () => {
    await fetch(`${svc.url}/healthz`, { headers: { 'x-request-id': 'probe-1' } });
    await vi.waitFor(() => expect(logLines.find((l) => (l.req as { id?: string } | undefined)?.id === 'probe-1')).toBeDefined());
    expect(logLines.find((l) => (l.req as { id?: string } | undefined)?.id === 'probe-1')?.level).toBe(20);
  });
});

describe('startSampleService', () => {
  it('rejects an invalid configuration naming the field', async () => {
    await expect(startSampleService({ cloud: 'oracle' as 'aws', port: 0 }, { logger: silentLogger() })).rejects.toThrow(
      /cloud: Invalid option: expected one of "aws"\|"azure"\|"gcp"/,
    );
  });
});
