/**
 * The sample service as a real process: `failover serve` and the container entry point
 * (apps/sample-service/main.ts) — start-up errors, and a SIGTERM drain.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get as httpGet, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { registerServe } from '../../apps/cli/commands/serve.js';
import { SETTINGS } from '../../apps/sample-service/config-sources.js';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'sample-service-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Running {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first log line whose msg matches. */
  logged: (msg: string) => Promise<Record<string, unknown>>;
}

function run(args: string[], env: Record<string, string>): Running {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: { msg: string; resolve: (line: Record<string, unknown>) => void }[] = [];
  let buffered = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const text = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (!text.startsWith('{')) continue;
      const line = JSON.parse(text) as Record<string, unknown>;
      lines.push(line);
      for (const w of waiters.filter((w) => w.msg === line.msg)) w.resolve(line);
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const logged = (msg: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const seen = lines.find((l) => l.msg === msg);
      if (seen) return resolve(seen);
      waiters.push({ msg, resolve });
      void exited.then(({ code }) => reject(new Error(`exited (${code}) before logging "${msg}": ${stderr}`)));
    });
  return { child, lines, stderr: () => stderr, exited, logged };
}

function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    httpGet(url, { agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
    }).on('error', reject);
  });
}

describe('failover serve --help', () => {
  it('lists every setting with its flag and environment variable, and the chaos modes', async () => {
    let out = '';
    const program = new Command()
      .name('failover')
      .exitOverride()
      .configureHelp({ helpWidth: 300 })
      .configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
    registerServe(program);
    await expect(program.parseAsync(['node', 'failover', 'serve', '--help'])).rejects.toBeInstanceOf(CommanderError);
    expect(out).toContain("run the sample service (one cloud's instance)");
    for (const setting of SETTINGS) {
      expect(out).toContain(setting.flag);
      expect(out).toContain(`env: ${setting.env}`);
    }
    expect(out).toContain('--config <file>');
    expect(out).toContain('dependency-dns-empty');
    expect(out).toContain('--host 127.0.0.13 --port 8080');
  });
});

describe('the service as a process', () => {
  it('failover serve refuses bad settings with exit code 2, naming the variable and the flag', async () => {
    const badPort = run(['bin/failover.js', 'serve', '--cloud', 'aws'], { SERVICE_PORT: 'eighty' });
    const chaosEverywhere = run(['bin/failover.js', 'serve', '--cloud', 'aws', '--chaos', '--host', '0.0.0.0'], {
      CHAOS_TOKEN: 'long-enough-token',
    });
    expect((await badPort.exited).code).toBe(2);
    expect(badPort.stderr()).toContain('environment: SERVICE_PORT: expected a whole number');
    expect((await chaosEverywhere.exited).code).toBe(2);
    expect(chaosEverywhere.stderr()).toContain('chaos.enabled: chaos is local only: it cannot be enabled while listening on 0.0.0.0');
    expect(chaosEverywhere.stderr()).toContain('invalid configuration in command line + environment');
  });

  it('failover serve drains on SIGTERM: an in-flight request completes, new connections are refused, exit 0', async () => {
    // The dependency holds the readiness check open, proving /readyz is in flight inside the service.
    const held: ServerResponse[] = [];
    let arrived: () => void = () => undefined;
    const dependencyCalled = new Promise<void>((resolve) => (arrived = resolve));
    // GET / uses the dependency too (as a real service would): answer it, then hold what follows.
    let holding = false;
    const dependency = createServer((_req, res) => {
      if (!holding) return void res.end('ok');
      held.push(res);
      arrived();
    });
    await new Promise<void>((resolve) => dependency.listen(0, '127.0.0.1', resolve));
    const depPort = (dependency.address() as AddressInfo).port;

    const proc = run(['bin/failover.js', 'serve', '--cloud', 'gcp', '--region', 'europe-west1', '--host', '127.0.0.1', '--port', '0'], {
      DEPENDENCY_URL: `http://127.0.0.1:${depPort}/`,
      DEPENDENCY_TIMEOUT_MS: '10000',
      LOG_LEVEL: 'info',
    });
    try {
      const listening = await proc.logged('sample service listening');
      const url = String(listening.url);
      const root = await getJson(`${url}/`);
      expect(root.body).toMatchObject({ cloud: 'gcp', region: 'europe-west1' });

      holding = true;
      const inFlight = getJson(`${url}/readyz`);
      await dependencyCalled;
      proc.child.kill('SIGTERM');
      await proc.logged('draining: /readyz now answers 503');
      const refused = await getJson(`${url}/healthz`).then(
        () => 'answered',
        (err: NodeJS.ErrnoException) => err.code,
      );
      expect(refused).toBe('ECONNREFUSED');

      held[0]?.end('ok');
      expect(await inFlight).toMatchObject({ status: 200, body: { status: 'ready', cloud: 'gcp' } });
      expect(await proc.exited).toEqual({ code: 0, signal: null });
      expect(proc.lines.map((l) => l.msg)).toContain('stopped');
    } finally {
      proc.child.kill('SIGKILL');
      dependency.closeAllConnections();
      dependency.close();
    }
  });

  it('the container entry point reads SERVICE_CONFIG and the environment, and exits 0 on SIGINT', async () => {
    const file = join(dir, 'service.yaml');
    writeFileSync(file, 'cloud: azure\nregion: westeurope\ninstanceId: azure-from-file\nport: 0\n');
    const proc = run(['--import', 'tsx', 'apps/sample-service/main.ts'], {
      SERVICE_CONFIG: file,
      SERVICE_VERSION: '9.9.9',
      SERVICE_HOST: '127.0.0.12',
    });
    try {
      const listening = await proc.logged('sample service listening');
      expect(String(listening.url)).toMatch(/^http:\/\/127\.0\.0\.12:\d+$/);
      const root = await getJson(`${String(listening.url)}/`);
      expect(root.body).toMatchObject({ cloud: 'azure', region: 'westeurope', instanceId: 'azure-from-file', version: '9.9.9' });
      proc.child.kill('SIGINT');
      expect(await proc.exited).toEqual({ code: 0, signal: null });
    } finally {
      proc.child.kill('SIGKILL');
    }
  });

  it('the container entry point names the file and line of a bad setting', async () => {
    const file = join(dir, 'bad-service.yaml');
    writeFileSync(file, 'cloud: aws\ndrainMs: soon\n');
    const proc = run(['--import', 'tsx', 'apps/sample-service/main.ts'], { SERVICE_CONFIG: file });
    expect((await proc.exited).code).toBe(2);
    expect(proc.stderr()).toContain(`${file}:2:1: drainMs: Invalid input: expected number, received string`);
  });
});
