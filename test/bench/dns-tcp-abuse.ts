/**
 * One TCP client that sends DNS queries and never reads the answers, while
 * another client queries over UDP: does the server's memory stay bounded, and
 * do the well-behaved client's answers stay fast? The server runs in a child
 * process (dns-server-child.ts) so its memory is measured alone.
 *
 *   npx tsx test/bench/dns-tcp-abuse.ts                 # 30 s, one non-reading client
 *   npx tsx test/bench/dns-tcp-abuse.ts --seconds 60 --abusers 4 --json out.json
 *
 * Exits 1 when the RSS growth exceeds --max-rss-mb (default 64; V8 sizing its heap
 * for the garbage of answering is most of it), or --max-late-rss-mb (default 16) in
 * the second half of the run (a queue without bound keeps growing there), or the UDP
 * client's p99 exceeds --max-p99-ms (default 50), or a UDP query is lost; 2 on bad arguments.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import dnsPacket from 'dns-packet';

export interface AbuseOptions {
  durationMs: number;
  /** Non-reading TCP clients (each reconnects when the server closes it). */
  abusers: number;
  /** Gap between the UDP client's queries (one outstanding at a time). */
  udpIntervalMs: number;
  /** UDP-only run before the abuse starts: the latency floor of this machine right now. */
  baselineMs: number;
  /** TCP limits passed to the server (the defaults otherwise). */
  tcp?: Record<string, number>;
}

export interface AbuseReport {
  duration_ms: number;
  abusers: number;
  rss_baseline_mb: number;
  rss_peak_mb: number;
  rss_growth_mb: number;
  /** Growth from the middle of the run to its end: about zero when memory is bounded, about half the total when it is not. */
  rss_late_growth_mb: number;
  /** What the server holds after a full collection (JS heap + Buffers): the queued answers of an unbounded server show here. */
  retained_baseline_mb: number;
  retained_peak_mb: number;
  retained_growth_mb: number;
  heap_baseline_mb: number;
  heap_peak_mb: number;
  heap_growth_mb: number;
  udp_baseline_p99_ms: number;
  udp_queries: number;
  udp_lost: number;
  udp_p50_ms: number;
  udp_p99_ms: number;
  udp_max_ms: number;
  abuser_bytes_sent: number;
  abuser_connections: number;
}

const HOST = '127.0.0.1';
const MB = 1024 * 1024;
const UDP_TIMEOUT_MS = 1000;

function startChild(tcp?: Record<string, number>): Promise<{ child: ChildProcess; port: number }> {
  const script = fileURLToPath(new URL('./dns-server-child.ts', import.meta.url));
  const child = fork(script, [JSON.stringify(tcp ? { tcp } : {})], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve({ child, port: (JSON.parse(line) as { port: number }).port });
    });
    child.once('exit', (code) => reject(new Error(`the DNS server child exited with ${code} before listening`)));
  });
}

function memoryOf(child: ChildProcess, afterGc = false): Promise<NodeJS.MemoryUsage> {
  return new Promise((resolve) => {
    const onMessage = (msg: unknown) => {
      const m = msg as { memory?: NodeJS.MemoryUsage };
      if (m.memory) {
        child.off('message', onMessage);
        resolve(m.memory);
      }
    };
    child.on('message', onMessage);
    child.send(afterGc ? 'memory-after-gc' : 'memory');
  });
}

function query(name: string, type: 'A' | 'TXT', id: number): Buffer {
  return dnsPacket.encode({ type: 'query', id, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name, class: 'IN' }] });
}

/** Writes pipelined queries (each with a large answer) for as long as the kernel takes them; never reads. */
function abuse(port: number, until: number, stats: { bytes: number; connections: number }): Promise<void> {
  const frame = query('big.example.test', 'TXT', 7);
  const framed = Buffer.alloc(2 + frame.length);
  framed.writeUInt16BE(frame.length, 0);
  frame.copy(framed, 2);
  const batch = Buffer.concat(Array.from({ length: 256 }, () => framed));
  return new Promise((resolve) => {
    const open = (): void => {
      if (Date.now() >= until) return resolve();
      stats.connections += 1;
      const socket: Socket = connect(port, HOST);
      socket.pause(); // never read an answer
      const pushMore = (): void => {
        while (Date.now() < until && !socket.destroyed) {
          stats.bytes += batch.length;
          if (!socket.write(batch)) return void socket.once('drain', pushMore);
        }
      };
      socket.on('connect', pushMore);
      socket.on('error', () => undefined);
      socket.on('close', () => setTimeout(open, 10));
      setTimeout(() => socket.destroy(), Math.max(0, until - Date.now()));
    };
    open();
  });
}

/** One UDP query at a time, every `intervalMs`, timing each answer. */
async function probeUdp(port: number, until: number, intervalMs: number): Promise<{ latencies: number[]; lost: number }> {
  const socket = createSocket('udp4');
  const latencies: number[] = [];
  let lost = 0;
  let id = 0;
  try {
    while (Date.now() < until) {
      id = (id + 1) & 0xffff;
      const started = performance.now();
      const ok = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          socket.off('message', onMessage);
          resolve(false);
        }, UDP_TIMEOUT_MS);
        const onMessage = (msg: Buffer) => {
          if (msg.readUInt16BE(0) !== id) return;
          clearTimeout(timer);
          socket.off('message', onMessage);
          resolve(true);
        };
        socket.on('message', onMessage);
        socket.send(query('www.example.test', 'A', id), port, HOST);
      });
      if (ok) latencies.push(performance.now() - started);
      else lost += 1;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  } finally {
    socket.close();
  }
  return { latencies, lost };
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

export async function runDnsAbuse(opts: AbuseOptions): Promise<AbuseReport> {
  const { child, port } = await startChild(opts.tcp);
  try {
    // Warm up (JIT, sockets) before the baseline, so it is not counted as growth.
    await probeUdp(port, Date.now() + 1000, 2);
    const floor = await probeUdp(port, Date.now() + opts.baselineMs, opts.udpIntervalMs);
    const baseline = await memoryOf(child, true);
    const retained = (m: NodeJS.MemoryUsage) => m.heapUsed + m.arrayBuffers;
    let peak = baseline;
    let retainedPeak = retained(baseline);
    let midRss = baseline.rss;
    const mid = setTimeout(
      () =>
        void memoryOf(child, true).then((m) => {
          midRss = Math.max(m.rss, peak.rss);
          retainedPeak = Math.max(retainedPeak, retained(m));
        }),
      opts.durationMs / 2,
    );
    const sampler = setInterval(() => {
      void memoryOf(child).then((m) => {
        if (m.rss > peak.rss) peak = { ...peak, rss: m.rss };
        if (m.heapUsed > peak.heapUsed) peak = { ...peak, heapUsed: m.heapUsed };
      });
    }, 250);
    const until = Date.now() + opts.durationMs;
    const stats = { bytes: 0, connections: 0 };
    const [, udp] = await Promise.all([
      Promise.all(Array.from({ length: opts.abusers }, () => abuse(port, until, stats))),
      probeUdp(port, until, opts.udpIntervalMs),
    ]);
    clearInterval(sampler);
    clearTimeout(mid);
    const last = await memoryOf(child, true);
    const rssPeak = Math.max(peak.rss, last.rss);
    const heapPeak = Math.max(peak.heapUsed, last.heapUsed);
    retainedPeak = Math.max(retainedPeak, retained(last));
    const sorted = [...udp.latencies].sort((a, b) => a - b);
    return {
      duration_ms: opts.durationMs,
      abusers: opts.abusers,
      rss_baseline_mb: round(baseline.rss / MB),
      rss_peak_mb: round(rssPeak / MB),
      rss_growth_mb: round((rssPeak - baseline.rss) / MB),
      rss_late_growth_mb: round((rssPeak - midRss) / MB),
      retained_baseline_mb: round(retained(baseline) / MB),
      retained_peak_mb: round(retainedPeak / MB),
      retained_growth_mb: round((retainedPeak - retained(baseline)) / MB),
      heap_baseline_mb: round(baseline.heapUsed / MB),
      heap_peak_mb: round(heapPeak / MB),
      heap_growth_mb: round((heapPeak - baseline.heapUsed) / MB),
      udp_baseline_p99_ms: round(
        percentile(
          [...floor.latencies].sort((a, b) => a - b),
          99,
        ),
        2,
      ),
      udp_queries: udp.latencies.length + udp.lost,
      udp_lost: udp.lost,
      udp_p50_ms: round(percentile(sorted, 50), 2),
      udp_p99_ms: round(percentile(sorted, 99), 2),
      udp_max_ms: round(sorted.at(-1) ?? NaN, 2),
      abuser_bytes_sent: stats.bytes,
      abuser_connections: stats.connections,
    };
  } finally {
    child.kill();
  }
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        seconds: { type: 'string', default: '30' },
        abusers: { type: 'string', default: '1' },
        'udp-interval-ms': { type: 'string', default: '5' },
        'max-rss-mb': { type: 'string', default: '64' },
        'max-late-rss-mb': { type: 'string', default: '16' },
        'max-p99-ms': { type: 'string', default: '50' },
        json: { type: 'string' },
      },
    }).values;
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
  const num = (name: keyof typeof args): number => {
    const n = Number(args[name]);
    if (!Number.isFinite(n) || n < 0) {
      console.error(`--${name} must be a number ≥ 0, got ${String(args[name])}`);
      process.exit(2);
    }
    return n;
  };
  const report = await runDnsAbuse({
    durationMs: num('seconds') * 1000,
    abusers: num('abusers'),
    udpIntervalMs: num('udp-interval-ms'),
    baselineMs: 3000,
  });
  console.table(report);
  if (args.json) writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
  const ok =
    report.rss_growth_mb <= num('max-rss-mb') &&
    report.rss_late_growth_mb <= num('max-late-rss-mb') &&
    report.udp_p99_ms <= num('max-p99-ms') &&
    report.udp_lost === 0;
  if (!ok) {
    console.error(
      `bound missed: RSS growth ≤ ${args['max-rss-mb']} MB (≤ ${args['max-late-rss-mb']} MB in the second half), UDP p99 ≤ ${args['max-p99-ms']} ms, no UDP query lost`,
    );
  }
  process.exit(ok ? 0 : 1);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
