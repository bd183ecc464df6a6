/**
 * A local etcd cluster for the demo and the tests: one member per "cloud" loopback
 * address, each a real `etcd` process (Debian's etcd-server) started as a child of this
 * process, with its own data directory. Members can be stopped and started again to
 * play the loss of a cloud's coordination member.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface LocalMemberSpec {
  readonly name: string;
  /** A loopback address (127.0.0.0/8). */
  readonly host: string;
  /** 0 (default) picks a free port. */
  readonly clientPort?: number;
  readonly peerPort?: number;
}

export interface LocalClusterOptions {
  readonly members: readonly LocalMemberSpec[];
  /** The etcd binary; `etcd` on PATH by default. */
  readonly etcdBinary?: string;
  /** Raft heartbeat and election timeout (ms). Short by default: a local cluster elects in well under a second. */
  readonly heartbeatMs?: number;
  readonly electionTimeoutMs?: number;
  /** Where the members' data directories go; a fresh temporary directory by default. */
  readonly dataRoot?: string;
  readonly signal?: AbortSignal;
}

export interface LocalMember {
  readonly name: string;
  readonly host: string;
  readonly clientUrl: string;
  readonly peerUrl: string;
  readonly running: boolean;
}

/** etcd is not installed, or a member did not become healthy; the message says what to do. */
export class LocalClusterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LocalClusterError';
  }
}

export const ETCD_INSTALL_HINT = 'install etcd (Debian: `apt-get install etcd-server`) or pass the path of an etcd binary';

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

interface MemberRuntime {
  spec: Required<LocalMemberSpec>;
  clientUrl: string;
  peerUrl: string;
  dataDir: string;
  child?: ChildProcess;
  exited?: Promise<void>;
  spawnError?: string;
  stderr?: () => string;
}

export class LocalEtcdCluster {
  readonly #options: LocalClusterOptions;
  readonly #members: MemberRuntime[];
  readonly #dataRoot: string;
  readonly #ownsDataRoot: boolean;
  #started = false;

  private constructor(options: LocalClusterOptions, members: MemberRuntime[], dataRoot: string, ownsDataRoot: boolean) {
    this.#options = options;
    this.#members = members;
    this.#dataRoot = dataRoot;
    this.#ownsDataRoot = ownsDataRoot;
  }

  /** Starts every member and resolves once the cluster answers on every member's client URL. */
  static async start(options: LocalClusterOptions): Promise<LocalEtcdCluster> {
    if (options.members.length === 0) throw new LocalClusterError('a local etcd cluster needs at least one member');
    const ownsDataRoot = options.dataRoot === undefined;
    const dataRoot = options.dataRoot ?? (await mkdtemp(join(tmpdir(), 'mcf-etcd-')));
    const members: MemberRuntime[] = [];
    for (const m of options.members) {
      const clientPort = m.clientPort || (await freePort(m.host));
      const peerPort = m.peerPort || (await freePort(m.host));
      members.push({
        spec: { name: m.name, host: m.host, clientPort, peerPort },
        clientUrl: `http://${m.host}:${clientPort}`,
        peerUrl: `http://${m.host}:${peerPort}`,
        dataDir: join(dataRoot, m.name),
      });
    }
    const cluster = new LocalEtcdCluster(options, members, dataRoot, ownsDataRoot);
    try {
      for (const m of members) cluster.#spawn(m, 'new');
      cluster.#started = true;
      await Promise.all(members.map((m) => cluster.#waitHealthy(m)));
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  get members(): readonly LocalMember[] {
    return this.#members.map((m) => ({
      name: m.spec.name,
      host: m.spec.host,
      clientUrl: m.clientUrl,
      peerUrl: m.peerUrl,
      running: m.child !== undefined,
    }));
  }

  /** Every member's client URL, for a client that may talk to any of them. */
  get clientUrls(): string[] {
    return this.#members.map((m) => m.clientUrl);
  }

  member(name: string): LocalMember {
    const found = this.members.find((m) => m.name === name);
    if (found === undefined) throw new LocalClusterError(`no etcd member named ${name}`);
    return found;
  }

  /** Stops one member (SIGTERM, SIGKILL after 5 s): the loss of that cloud's coordination member. */
  async stopMember(name: string): Promise<void> {
    const m = this.#runtime(name);
    await this.#kill(m);
  }

  /** Starts a stopped member again with its data directory: it rejoins the cluster. */
  async startMember(name: string): Promise<void> {
    const m = this.#runtime(name);
    if (m.child !== undefined) return;
    this.#spawn(m, 'existing');
    await this.#waitHealthy(m);
  }

  async stop(): Promise<void> {
    await Promise.all(this.#members.map((m) => this.#kill(m)));
    if (this.#ownsDataRoot) await rm(this.#dataRoot, { recursive: true, force: true });
    this.#started = false;
  }

  get started(): boolean {
    return this.#started;
  }

  #runtime(name: string): MemberRuntime {
    const m = this.#members.find((r) => r.spec.name === name);
    if (m === undefined) throw new LocalClusterError(`no etcd member named ${name}`);
    return m;
  }

  #spawn(m: MemberRuntime, state: 'new' | 'existing'): void {
    const initialCluster = this.#members.map((r) => `${r.spec.name}=${r.peerUrl}`).join(',');
    const args = [
      `--name=${m.spec.name}`,
      `--data-dir=${m.dataDir}`,
      `--listen-client-urls=${m.clientUrl}`,
      `--advertise-client-urls=${m.clientUrl}`,
      `--listen-peer-urls=${m.peerUrl}`,
      `--initial-advertise-peer-urls=${m.peerUrl}`,
      `--initial-cluster=${initialCluster}`,
      `--initial-cluster-state=${state}`,
      '--initial-cluster-token=mcf-local',
      `--heartbeat-interval=${this.#options.heartbeatMs ?? 50}`,
      `--election-timeout=${this.#options.electionTimeoutMs ?? 500}`,
      '--log-level=error',
      '--logger=zap',
    ];
    const child = spawn(this.#options.etcdBinary ?? 'etcd', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    m.child = child;
    m.exited = new Promise((resolve) => {
      child.once('exit', () => {
        if (m.child === child) m.child = undefined;
        resolve();
      });
      child.once('error', (err: NodeJS.ErrnoException) => {
        if (m.child === child) m.child = undefined;
        m.spawnError = err.code === 'ENOENT' ? `etcd not found: ${ETCD_INSTALL_HINT}` : `etcd ${m.spec.name}: ${err.message}`;
        resolve();
      });
    });
    m.stderr = () => stderr;
  }

  async #waitHealthy(m: MemberRuntime): Promise<void> {
    const deadline = 30_000;
    const started = performance.now();
    for (;;) {
      if (this.#options.signal?.aborted) throw new LocalClusterError('aborted while waiting for etcd');
      if (m.spawnError !== undefined) throw new LocalClusterError(m.spawnError);
      if (m.child === undefined) throw new LocalClusterError(`etcd member ${m.spec.name} exited: ${m.stderr?.().trim() || 'no output'}`);
      try {
        const res = await fetch(`${m.clientUrl}/health`, { signal: AbortSignal.timeout(1000) });
        const body = (await res.json()) as { health?: string };
        if (res.ok && body.health === 'true') return;
      } catch {
        // not up yet
      }
      if (performance.now() - started > deadline) {
        throw new LocalClusterError(`etcd member ${m.spec.name} not healthy after ${deadline} ms: ${m.stderr?.().trim() || 'no output'}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async #kill(m: MemberRuntime): Promise<void> {
    const child = m.child;
    if (child === undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await m.exited;
    clearTimeout(timer);
  }
}
