/**
 * `failover demo` and `failover chaos` as real processes: the demo comes up and
 * says "running", writes demo.json (0600); `failover chaos aws down` from a
 * second process breaks AWS and the demo's summary shows every provider
 * answering Azure; SIGINT stops it with exit 0, leaving no process, no port
 * and no demo.json behind. A taken port exits 2 naming the port and the option.
 */
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const dirs: string[] = [];
const children: ReturnType<typeof spawn>[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function stateDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'demo-e2e-'));
  dirs.push(d);
  return d;
}

async function freePort(host: string): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, host, resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function failover(args: string[]) {
  const child = spawn(process.execPath, ['bin/failover.js', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

async function until(what: string, ok: () => boolean, withinMs: number, explain: () => string): Promise<void> {
  const end = Date.now() + withinMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${withinMs} ms\n${explain()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Processes whose command line mentions `needle` (the demo's unique state directory). */
function processesMentioning(needle: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) found.push(Number(entry));
    } catch {
      /* gone meanwhile */
    }
  }
  return found;
}

async function bindTcp(host: string, port: number): Promise<void> {
  const s = createServer();
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(port, host, resolve);
  });
  await new Promise<void>((resolve) => s.close(() => resolve()));
}

async function bindUdp(port: number): Promise<void> {
  const s = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(port, '127.0.0.1', resolve);
  });
  await new Promise<void>((resolve) => s.close(() => resolve()));
}

interface DemoJson {
  pid: number;
  servicePort: number;
  clouds: Record<'aws' | 'azure' | 'gcp', { url: string; chaosUrl: string }>;
  api: { url: string; token: string; tokenFile: string };
  emulators: {
    route53: { endpoint: string; dns: { port: number } };
    azure: { endpoint: string; dns: { port: number } };
    clouddns: { endpoint: string; dns: { port: number } };
    admin: { endpoint: string };
  };
}

describe('failover demo as a process', () => {
  it('runs, takes chaos from another process, and stops cleanly on SIGINT', async () => {
    const dir = stateDir();
    const port = await freePort('127.0.0.11');
    const apiPort = await freePort('127.0.0.1');
    const demo = failover([
      'demo',
      '--free-ports',
      '--port',
      String(port),
      '--api-port',
      String(apiPort),
      '--state-dir',
      dir,
      '--rate',
      '20',
    ]);
    const explain = () => `stdout:\n${demo.stdout()}\nstderr:\n${demo.stderr()}`;
    await until('the demo says it is running', () => demo.stdout().includes('failover demo: running'), 25_000, explain);

    // What runs where, and the state file the chaos command reads.
    expect(demo.stdout()).toContain(`http://127.0.0.11:${port}`);
    expect(demo.stdout()).toMatch(/dig @127\.0\.0\.1 -p \d+ app\.example\.test A \+short/);
    expect(demo.stdout()).toContain(`http://127.0.0.1:${apiPort}/status`);
    const file = join(dir, 'demo.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const state = JSON.parse(readFileSync(file, 'utf8')) as DemoJson;
    expect(state.pid).toBe(demo.child.pid);
    expect(state.servicePort).toBe(port);
    expect(state.clouds.azure.url).toBe(`http://127.0.0.12:${port}`);
    expect(state.api.url).toBe(`http://127.0.0.1:${apiPort}`);
    expect(readFileSync(state.api.tokenFile, 'utf8').trim()).toBe(state.api.token);
    expect(((await (await fetch(`${state.clouds.aws.url}/`)).json()) as { cloud: string }).cloud).toBe('aws');
    expect((await fetch(`${state.api.url}/overrides`, { headers: { authorization: `Bearer ${state.api.token}` } })).status).toBe(200);

    const chaos = failover(['chaos', 'aws', 'down', '--state-dir', dir]);
    expect(await chaos.exited, chaos.stderr()).toBe(0);
    expect(chaos.stdout()).toMatch(/^aws: down — /);

    // The controller's verdict as an event line, then the summary: every provider answers Azure.
    await until('the demo reports AWS down', () => demo.stdout().includes('aws up → down'), 20_000, explain);
    await until(
      'the summary shows Azure served everywhere',
      () =>
        /DNS route53 \.12 {2}azure \.12 {2}clouddns \.12 \| aws down \[down\] {2}azure up {2}gcp up \| traffic 20\/s/.test(demo.stdout()),
      20_000,
      explain,
    );

    demo.child.kill('SIGINT');
    const stoppedAt = Date.now();
    expect(await demo.exited, explain()).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(8_000);
    expect(demo.stdout()).toContain('failover demo: stopped');
    expect(existsSync(file)).toBe(false);
    expect(existsSync(state.api.tokenFile)).toBe(false);
    expect(processesMentioning(dir)).toEqual([]);

    // Every port the demo had is free again.
    const portOf = (url: string) => Number(new URL(url).port);
    for (const host of ['127.0.0.11', '127.0.0.12', '127.0.0.13']) await bindTcp(host, port);
    for (const c of ['aws', 'azure', 'gcp'] as const)
      await bindTcp(new URL(state.clouds[c].chaosUrl).hostname, portOf(state.clouds[c].chaosUrl));
    await bindTcp('127.0.0.1', apiPort);
    for (const p of ['route53', 'azure', 'clouddns'] as const) {
      await bindTcp('127.0.0.1', portOf(state.emulators[p].endpoint));
      await bindUdp(state.emulators[p].dns.port);
    }
    await bindTcp('127.0.0.1', portOf(state.emulators.admin.endpoint));

    // With the demo gone, chaos says so.
    const late = failover(['chaos', 'aws', 'heal', '--state-dir', dir]);
    expect(await late.exited).toBe(1);
    expect(late.stderr()).toContain(`no running demo found (${join(dir, 'demo.json')}); start one with npm run demo`);
  });

  it('exits 2 naming the port and the option when the service port is taken', async () => {
    const dir = stateDir();
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.11', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const demo = failover(['demo', '--free-ports', '--port', String(port), '--state-dir', dir]);
      expect(await demo.exited).toBe(2);
      expect(demo.stderr()).toContain(
        `failover demo: port ${port} on 127.0.0.11 is already in use (the aws sample service); choose another with --port <port>`,
      );
      expect(existsSync(join(dir, 'demo.json'))).toBe(false);
      expect(processesMentioning(dir)).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });
});
