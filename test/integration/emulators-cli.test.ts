import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import dnsPacket from 'dns-packet';
import type { DecodedPacket, StringAnswer } from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEndpointsFile, type EndpointsFile } from '../../src/emulators/endpoints.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/failover.js');
/** The promise: `failover emulators` is serving within 3 seconds. */
const START_DEADLINE_MS = 3000;

/**
 * A separate program that knows nothing but the endpoints file: it writes one
 * record through each official SDK and reads it back over each DNS server (and
 * with dig when installed). Run from the repository so its imports resolve.
 */
const CLIENT_SCRIPT = `
import { readFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Resolver } from 'node:dns/promises';
import { Route53Client, ChangeResourceRecordSetsCommand } from '@aws-sdk/client-route-53';
import { DnsManagementClient } from '@azure/arm-dns';
import { DNS } from '@google-cloud/dns';
import { OAuth2Client } from 'google-auth-library';

const e = JSON.parse(readFileSync(process.env.ENDPOINTS_FILE, 'utf8'));
const name = 'cli.' + e.zone;

const route53 = new Route53Client({ region: e.route53.region, endpoint: e.route53.endpoint,
  credentials: { accessKeyId: e.route53.accessKeyId, secretAccessKey: e.route53.secretAccessKey } });
await route53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: e.route53.hostedZoneId, ChangeBatch: { Changes: [
  { Action: 'CREATE', ResourceRecordSet: { Name: name + '.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.101' }] } }] } }));

const azure = new DnsManagementClient({ getToken: async () => ({ token: e.azure.token, expiresOnTimestamp: Date.now() + 3600000 }) },
  e.azure.subscriptionId, { endpoint: e.azure.endpoint, tlsOptions: { ca: readFileSync(e.azure.caCertPath, 'utf8') } });
await azure.recordSets.createOrUpdate(e.azure.resourceGroup, e.azure.zoneName, 'cli', 'A', { ttl: 60, aRecords: [{ ipv4Address: '192.0.2.102' }] }, { ifNoneMatch: '*' });

const authClient = new OAuth2Client();
authClient.setCredentials({ access_token: e.clouddns.token });
const gdns = new DNS({ projectId: e.clouddns.projectId, authClient });
gdns.baseUrl = e.clouddns.endpoint + '/dns/v1';
const zone = gdns.zone(e.clouddns.managedZone);
await zone.createChange({ add: zone.record('a', { name: name + '.', ttl: 60, data: ['192.0.2.103'] }) });

let dig;
try { dig = (await promisify(execFile)('which', ['dig'])).stdout.trim() || undefined; } catch { dig = undefined; }
const out = { dig: Boolean(dig) };
for (const kind of ['route53', 'azure', 'clouddns']) {
  const resolver = new Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([e[kind].dns.host + ':' + e[kind].dns.port]);
  out[kind] = { resolver: await resolver.resolve4(name) };
  if (dig) {
    const run = async (...args) => (await promisify(execFile)(dig, ['@' + e[kind].dns.host, '-p', String(e[kind].dns.port), '+time=2', '+tries=1', '+short', ...args, name, 'A'])).stdout.trim();
    out[kind].digUdp = await run();
    out[kind].digTcp = await run('+tcp');
  }
}
console.log(JSON.stringify(out));
`;

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function runCli(args: string[]): Started {
  const child = spawn(process.execPath, [BIN, 'emulators', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal })),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

function until(started: Started, text: string, ms: number): Promise<boolean> {
  return new Promise((resolveWait) => {
    const timer = setTimeout(() => resolveWait(false), ms);
    const check = () => {
      if (started.stdout().includes(text)) {
        clearTimeout(timer);
        resolveWait(true);
      }
    };
    started.child.stdout!.on('data', check);
    void started.exited.then(() => resolveWait(false));
    check();
  });
}

function listenTcp(port: number): Promise<Server> {
  return new Promise((resolveListen, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolveListen(server));
  });
}

/** Can `port` be bound on loopback, over TCP and (for DNS) UDP? */
async function isFree(port: number, udp: boolean): Promise<boolean> {
  try {
    const server = await listenTcp(port);
    await new Promise((r) => server.close(r));
  } catch {
    return false;
  }
  if (!udp) return true;
  return new Promise((resolveBind) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolveBind(false);
    });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolveBind(true)));
  });
}

/** Distinct ports that are free right now (DNS ones on both transports). */
async function freePorts(count: number): Promise<number[]> {
  const ports: number[] = [];
  while (ports.length < count) {
    const probe = await listenTcp(0);
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    if (!ports.includes(port) && (await isFree(port, true))) ports.push(port);
  }
  return ports;
}

function tcpA(port: number, name: string): Promise<DecodedPacket & { rcode?: string }> {
  return new Promise((resolveQuery, reject) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write(dnsPacket.streamEncode({ type: 'query', id: 1, questions: [{ name, type: 'A' }] })),
    );
    let buf = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        socket.destroy();
        resolveQuery(dnsPacket.decode(buf.subarray(2, 2 + buf.readUInt16BE(0))));
      }
    });
  });
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'emulators-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('failover emulators (child process)', () => {
  it('starts within 3 s, writes the endpoints file, serves all three SDKs and DNS, and stops cleanly on SIGINT', async () => {
    const [admin, r53, r53dns, az, azdns, gcp, gcpdns] = await freePorts(7);
    const file = join(dir, 'endpoints.json');
    const cli = runCli([
      '--endpoints-file',
      file,
      '--state-dir',
      join(dir, 'state'),
      '--admin-port',
      `${admin}`,
      '--route53-port',
      `${r53}`,
      '--route53-dns-port',
      `${r53dns}`,
      '--azure-port',
      `${az}`,
      '--azure-dns-port',
      `${azdns}`,
      '--clouddns-port',
      `${gcp}`,
      '--clouddns-dns-port',
      `${gcpdns}`,
    ]);
    try {
      const ready = await until(cli, 'Ctrl-C to stop', START_DEADLINE_MS);
      expect(ready, `not serving within ${START_DEADLINE_MS} ms; stderr: ${cli.stderr()}`).toBe(true);
      expect(cli.stdout()).toContain(`dig @127.0.0.1 -p ${r53dns} example.test SOA`);
      expect(cli.stdout()).toContain(`curl -X PUT http://127.0.0.1:${admin}/faults/route53 -d '{"apiDown": true}'`);

      const e: EndpointsFile = await readEndpointsFile(file);
      expect(e).toMatchObject({
        route53: { endpoint: `http://127.0.0.1:${r53}`, region: 'us-east-1', dns: { host: '127.0.0.1', port: r53dns } },
        azure: {
          endpoint: `https://127.0.0.1:${az}`,
          caCertPath: join(dir, 'state', 'azure-ca.pem'),
          zoneName: 'example.test',
          dns: { port: azdns },
        },
        clouddns: { endpoint: `http://127.0.0.1:${gcp}`, managedZone: 'example-test', dns: { port: gcpdns } },
        admin: { endpoint: `http://127.0.0.1:${admin}` },
        zone: 'example.test',
      });

      const client = spawn(process.execPath, ['--input-type=module', '-e', CLIENT_SCRIPT], {
        cwd: ROOT,
        env: { ...process.env, ENDPOINTS_FILE: file },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      client.stdout.on('data', (d: Buffer) => (out += d.toString()));
      client.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const code = await new Promise((r) => client.on('exit', r));
      expect(code, err).toBe(0);
      const seen = JSON.parse(out.trim().split('\n').at(-1)!) as Record<
        string,
        { resolver: string[]; digUdp?: string; digTcp?: string }
      > & { dig: boolean };
      const expected = { route53: '192.0.2.101', azure: '192.0.2.102', clouddns: '192.0.2.103' };
      const dnsPorts = { route53: r53dns, azure: azdns, clouddns: gcpdns };
      if (!seen.dig) console.log('dig is not installed: the DNS answers are checked with node:dns (UDP) and a raw TCP query instead');
      for (const [kind, address] of Object.entries(expected) as [keyof typeof expected, string][]) {
        expect(seen[kind]!.resolver, kind).toEqual([address]);
        if (seen.dig) {
          expect(seen[kind]!.digUdp, kind).toBe(address);
          expect(seen[kind]!.digTcp, kind).toBe(address);
        } else {
          const viaTcp = await tcpA(dnsPorts[kind]!, 'cli.example.test');
          expect(viaTcp, kind).toMatchObject({ rcode: 'NOERROR', flag_aa: true });
          expect(
            (viaTcp.answers as StringAnswer[]).map((a) => a.data),
            kind,
          ).toEqual([address]);
        }
      }

      const counters = (await (await fetch(`${e.admin.endpoint}/counters`)).json()) as Record<string, { total: number }>;
      expect([counters.route53!.total, counters.azure!.total, counters.clouddns!.total]).toEqual([1, 1, 1]);

      cli.child.kill('SIGINT');
      expect(await cli.exited).toEqual({ code: 0, signal: null });
      expect(cli.stdout()).toContain('SIGINT: stopping the emulators');
      expect(existsSync(file), 'the endpoints file of stopped emulators is removed').toBe(false);
      for (const [port, udp] of [
        [admin, false],
        [r53, false],
        [az, false],
        [gcp, false],
        [r53dns, true],
        [azdns, true],
        [gcpdns, true],
      ] as const) {
        expect(await isFree(port!, udp), `port ${port} is free again`).toBe(true);
      }
    } finally {
      cli.child.kill('SIGKILL');
    }
  });

  it('stops on SIGTERM too, with exit code 0', async () => {
    const [admin, ...rest] = await freePorts(7);
    const names = ['--route53-port', '--route53-dns-port', '--azure-port', '--azure-dns-port', '--clouddns-port', '--clouddns-dns-port'];
    const cli = runCli(['--state-dir', join(dir, 'term'), '--admin-port', `${admin}`, ...names.flatMap((n, i) => [n, `${rest[i]}`])]);
    try {
      expect(await until(cli, 'Ctrl-C to stop', START_DEADLINE_MS), cli.stderr()).toBe(true);
      expect(existsSync(join(dir, 'term', 'endpoints.json'))).toBe(true);
      cli.child.kill('SIGTERM');
      expect(await cli.exited).toEqual({ code: 0, signal: null });
      expect(cli.stdout()).toContain('SIGTERM: stopping the emulators');
    } finally {
      cli.child.kill('SIGKILL');
    }
  });

  it('a port in use exits 2 naming the port and the option to change', async () => {
    const [busy, ...rest] = await freePorts(7);
    const holder = await listenTcp(busy!);
    try {
      const names = ['--admin-port', '--route53-port', '--route53-dns-port', '--azure-dns-port', '--clouddns-port', '--clouddns-dns-port'];
      const cli = runCli(['--state-dir', join(dir, 'busy'), '--azure-port', `${busy}`, ...names.flatMap((n, i) => [n, `${rest[i]}`])]);
      expect(await cli.exited).toEqual({ code: 2, signal: null });
      expect(cli.stderr()).toContain(`azure API: port ${busy} is already in use on 127.0.0.1; choose another with --azure-port <port>`);
      for (const port of rest) expect(await isFree(port!, true), `port ${port} released`).toBe(true);
    } finally {
      await new Promise((r) => holder.close(r));
    }
  });

  it('refuses a non-loopback --host with exit 2', async () => {
    const cli = runCli(['--host', '0.0.0.0', '--state-dir', join(dir, 'host')]);
    expect(await cli.exited).toEqual({ code: 2, signal: null });
    expect(cli.stderr()).toContain("--host must be a loopback address (127.0.0.0/8), got '0.0.0.0'");
  });
});
