/**
 * Deep readiness against a real DNS server (dns-packet over UDP) whose answers the
 * test changes, and a real HTTP dependency: the incident's failure mode — the
 * dependency's name resolving to nothing — must turn /readyz 503 while /healthz stays 200.
 */
import dgram from 'node:dgram';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSampleService, type SampleService, type ServiceConfigInput } from '../../apps/sample-service/index.js';
import { silentLogger } from '../../src/observability/logger.js';

const DEP_NAME = 'app-db.example.test';
const NXDOMAIN = 3;
const TOKEN = 'readiness-chaos-token';

/** A DNS server answering A queries from `records`; a name mapped to [] answers NOERROR with no data. */
async function startDnsServer(records: Map<string, string[]>): Promise<{ address: string; queries: string[]; close: () => Promise<void> }> {
  const socket = dgram.createSocket('udp4');
  const queries: string[] = [];
  socket.on('message', (message, remote) => {
    const query = dnsPacket.decode(message);
    const question = query.questions?.[0];
    if (!question) return;
    const name = question.name.toLowerCase();
    queries.push(`${name} ${question.type}`);
    const known = records.get(name);
    const answers = question.type === 'A' ? (known ?? []).map((data) => ({ type: 'A' as const, name: question.name, ttl: 0, data })) : [];
    const response = dnsPacket.encode({
      type: 'response',
      id: query.id,
      flags: dnsPacket.AUTHORITATIVE_ANSWER | (known === undefined ? NXDOMAIN : 0),
      questions: query.questions,
      answers,
    });
    socket.send(response, remote.port, remote.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  return { address: `127.0.0.1:${port}`, queries, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function readyz(svc: SampleService): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${svc.url}/readyz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('readiness follows the dependency', () => {
  const records = new Map<string, string[]>();
  let dns: Awaited<ReturnType<typeof startDnsServer>>;
  let dependency: Server;
  let dependencyStatus = 200;
  const dependencyHosts: string[] = [];
  let hanging: Server;
  let depPort: number;
  let hangingPort: number;
  const started: SampleService[] = [];

  async function start(dep: ServiceConfigInput['dependency'], extra: Partial<ServiceConfigInput> = {}): Promise<SampleService> {
    const svc = await startSampleService(
      { cloud: 'aws', region: 'us-east-1', host: '127.0.0.1', port: 0, dependency: dep, ...extra },
      { logger: silentLogger() },
    );
    started.push(svc);
    return svc;
  }

  beforeAll(async () => {
    records.set(DEP_NAME, ['127.0.0.1']);
    dns = await startDnsServer(records);
    dependency = createServer((req, res) => {
      dependencyHosts.push(req.headers.host ?? '');
      res.statusCode = dependencyStatus;
      res.end('dependency says hi');
    });
    depPort = await listen(dependency);
    hanging = createServer(() => undefined);
    hangingPort = await listen(hanging);
  });

  afterAll(async () => {
    await Promise.all(started.map((s) => s.stop({ drainMs: 0 })));
    await Promise.all([dns.close(), close(dependency), close(hanging)]);
  });

  it('is ready when the name resolves and the dependency answers, and says through which address', async () => {
    const svc = await start({ url: `http://${DEP_NAME}:${depPort}/health`, dnsServer: dns.address });
    const { status, body } = await readyz(svc);
    expect(status).toBe(200);
    expect(body).toEqual({
      status: 'ready',
      cloud: 'aws',
      instanceId: svc.config.instanceId,
      dependency: { host: DEP_NAME, addresses: ['127.0.0.1'], url: `http://${DEP_NAME}:${depPort}/health`, httpStatus: 200 },
    });
    expect(dns.queries).toContain(`${DEP_NAME} A`);
    expect(dependencyHosts.at(-1)).toBe(`${DEP_NAME}:${depPort}`);
  });

  it('turns 503 when the name resolves to no addresses, keeps liveness, and recovers when it resolves again', async () => {
    const svc = await start({ url: `http://${DEP_NAME}:${depPort}/health`, dnsServer: dns.address });
    expect((await readyz(svc)).status).toBe(200);

    records.set(DEP_NAME, []);
    try {
      const empty = await readyz(svc);
      expect(empty.status).toBe(503);
      expect(empty.body).toMatchObject({ status: 'not-ready', reason: `dependency dns: ${DEP_NAME} resolved to no addresses (ENODATA)` });
      expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
      // The main endpoint uses the dependency, as a real service would: its clients feel the incident.
      const main = await fetch(`${svc.url}/`);
      expect(main.status).toBe(503);
      expect(await main.json()).toMatchObject({
        error: 'dependency-unavailable',
        message: `dependency dns: ${DEP_NAME} resolved to no addresses (ENODATA)`,
      });

      records.delete(DEP_NAME);
      const missing = await readyz(svc);
      expect(missing.status).toBe(503);
      expect(missing.body.reason).toBe(`dependency dns: ${DEP_NAME} resolved to no addresses (ENOTFOUND)`);
    } finally {
      records.set(DEP_NAME, ['127.0.0.1']);
    }
    const back = await readyz(svc);
    expect(back.status).toBe(200);
    expect(back.body.status).toBe('ready');
  });

  it('turns 503 when the dependency answers with an error status', async () => {
    const svc = await start({ url: `http://${DEP_NAME}:${depPort}/health`, dnsServer: dns.address });
    dependencyStatus = 500;
    try {
      const { status, body } = await readyz(svc);
      expect(status).toBe(503);
      expect(body.reason).toBe(`dependency http: GET http://${DEP_NAME}:${depPort}/health answered 500`);
    } finally {
      dependencyStatus = 200;
    }
  });

  it('turns 503 when nothing listens at the dependency address', async () => {
    const closed = createServer();
    const closedPort = await listen(closed);
    await close(closed);
    const svc = await start({ url: `http://${DEP_NAME}:${closedPort}/`, dnsServer: dns.address });
    const { status, body } = await readyz(svc);
    expect(status).toBe(503);
    expect(body.reason).toBe(`dependency http: GET http://${DEP_NAME}:${closedPort}/ failed (ECONNREFUSED)`);
  });

  it('turns 503 when the dependency does not answer within the time budget', async () => {
    const svc = await start({ url: `http://${DEP_NAME}:${hangingPort}/`, dnsServer: dns.address, timeoutMs: 200 });
    const { status, body } = await readyz(svc);
    expect(status).toBe(503);
    expect(body.reason).toBe(`dependency http: GET http://${DEP_NAME}:${hangingPort}/ did not answer within 200ms`);
  });

  it('turns 503 when the DNS server itself is unreachable', async () => {
    const dead = dgram.createSocket('udp4');
    await new Promise<void>((resolve) => dead.bind(0, '127.0.0.1', resolve));
    const deadAddress = `127.0.0.1:${dead.address().port}`;
    await new Promise<void>((resolve) => dead.close(() => resolve()));
    const svc = await start({ url: `http://${DEP_NAME}:${depPort}/`, dnsServer: deadAddress, timeoutMs: 300 });
    const { status, body } = await readyz(svc);
    expect(status).toBe(503);
    expect(body.reason).toMatch(
      new RegExp(`^dependency dns: ${DEP_NAME} (lookup failed \\((ECONNREFUSED|ETIMEOUT)\\)|did not resolve within 300ms)$`),
    );
  });

  it('checks DNS only when the dependency is a host name rather than a URL', async () => {
    const svc = await start({ host: DEP_NAME, dnsServer: dns.address });
    expect(await readyz(svc)).toMatchObject({ status: 200, body: { dependency: { host: DEP_NAME, addresses: ['127.0.0.1'] } } });
    records.set(DEP_NAME, []);
    try {
      expect(await readyz(svc)).toMatchObject({
        status: 503,
        body: { reason: `dependency dns: ${DEP_NAME} resolved to no addresses (ENODATA)` },
      });
    } finally {
      records.set(DEP_NAME, ['127.0.0.1']);
    }
  });

  it('uses the system resolver when no DNS server is configured', async () => {
    const svc = await start({ host: 'localhost' });
    const { status, body } = await readyz(svc);
    expect(status).toBe(200);
    expect((body.dependency as { addresses: string[] }).addresses.length).toBeGreaterThan(0);
  });

  it('chaos dependency-dns-empty reproduces the incident while DNS is actually fine, and healthy restores it', async () => {
    const svc = await start(
      { url: `http://${DEP_NAME}:${depPort}/health`, dnsServer: dns.address },
      { chaos: { enabled: true, token: TOKEN } },
    );
    const put = (mode: string) =>
      fetch(`${svc.url}/chaos`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'x-chaos-token': TOKEN },
        body: JSON.stringify({ mode }),
      });

    expect((await put('dependency-dns-empty')).status).toBe(200);
    const broken = await readyz(svc);
    expect(broken.status).toBe(503);
    expect(broken.body).toMatchObject({ status: 'not-ready', reason: `dependency dns: ${DEP_NAME} resolved to no addresses (ENODATA)` });
    expect((await fetch(`${svc.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${svc.url}/`)).status).toBe(503);

    expect((await put('healthy')).status).toBe(200);
    expect((await readyz(svc)).status).toBe(200);
    expect((await fetch(`${svc.url}/`)).status).toBe(200);
  });
});
