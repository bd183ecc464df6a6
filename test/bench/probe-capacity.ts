/**
 * Probe capacity, side by side with Prometheus's blackbox_exporter:
 *
 *   npm run bench:probes -- --targets 500 --seconds 20
 *
 * Starts N fast HTTP targets on loopback (their own process, core 1), then runs, one
 * after the other, each prober pinned to core 0 (`taskset -c 0`) against the same
 * targets at a 1 s interval:
 *   (a) our HealthMonitor (one vantage point, breakers on, keep-alive probes);
 *   (b) Debian's prometheus-blackbox-exporter, driven the way Prometheus drives it:
 *       GET /probe?target=...&module=http_2xx per target every second, from a small
 *       scraper in its own process on core 1, so the scraper's CPU is not counted.
 * CPU comes from /proc/<pid>/stat (utime + stime) over the measurement window, after
 * a warm-up; latency is each prober's own view (our probe latency; the exporter's
 * probe_duration_seconds). Prints a table and a JSON line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const SELF = fileURLToPath(import.meta.url);
const BLACKBOX = '/usr/bin/prometheus-blackbox-exporter';
const CLK_TCK = 100; // Linux USER_HZ; /proc/<pid>/stat counts in these ticks.
const INTERVAL_MS = 1000;
const TIMEOUT_MS = 900;

interface ProberReport {
  readonly probes: number;
  readonly failed: number;
  readonly inconclusive?: number;
  readonly windowMs: number;
  readonly latenciesMs: number[];
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function cpuSeconds(pid: number): number {
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function spawnRole(role: string, cpu: string, env: Record<string, string>): ChildProcess {
  return spawn('taskset', ['-c', cpu, process.execPath, '--import', 'tsx', SELF, '--role', role], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const i = buf.indexOf('\n');
      if (i >= 0) resolve(buf.slice(0, i));
    });
    child.on('exit', (code) => reject(new Error(`${child.spawnargs.join(' ')} exited with ${code} before reporting`)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Role: N tiny HTTP targets answering 200 'ok' at once; prints their ports. */
async function runTargets(): Promise<void> {
  const n = Number(process.env.BENCH_TARGETS);
  const ports: number[] = [];
  for (let i = 0; i < n; i++) {
    const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    ports.push((server.address() as net.AddressInfo).port);
  }
  process.stdout.write(JSON.stringify(ports) + '\n');
}

/** Role: our health monitor against the targets; reports after warm-up + window. */
async function runMonitor(): Promise<void> {
  const { HealthMonitor } = await import('../../src/health/monitor.js');
  const ports = JSON.parse(process.env.BENCH_PORTS!) as number[];
  const warmupMs = Number(process.env.BENCH_WARMUP_MS);
  const windowMs = Number(process.env.BENCH_WINDOW_MS);
  const monitor = new HealthMonitor({
    health: {
      intervalMs: INTERVAL_MS,
      fastIntervalMs: 500,
      timeoutMs: TIMEOUT_MS,
      rise: 2,
      fall: 3,
      vantagePoints: [{ id: 'vp-1' }],
      breaker: { errorThresholdPercentage: 100, resetTimeoutMs: 5000, volumeThreshold: 3 },
    },
    targets: ports.map((p) => ({ id: `t${p}`, healthUrl: `http://127.0.0.1:${p}/`, expectStatus: 200 })),
  });
  const report: ProberReport = { probes: 0, failed: 0, inconclusive: 0, windowMs, latenciesMs: [] };
  let measuring = false;
  monitor.on('overload', (e) => process.stderr.write(`health-monitor overload: ${JSON.stringify(e)}\n`));
  monitor.on('probe', (e) => {
    if (!measuring) return;
    (report as { probes: number }).probes += 1;
    // An inconclusive probe (our own lag) is not a failure of the target; counted apart.
    if (e.result.inconclusive) (report as { inconclusive: number }).inconclusive += 1;
    else if (!e.result.ok) (report as { failed: number }).failed += 1;
    report.latenciesMs.push(e.result.latencyMs);
  });
  monitor.start();
  await sleep(warmupMs);
  measuring = true;
  process.stdout.write('measuring\n');
  await sleep(windowMs);
  measuring = false;
  await monitor.stop();
  process.stdout.write(JSON.stringify(report) + '\n');
}

/** Role: Prometheus's part: GET /probe per target every second, spread over the second. */
async function runScraper(): Promise<void> {
  const ports = JSON.parse(process.env.BENCH_PORTS!) as number[];
  const exporter = process.env.BENCH_EXPORTER!;
  const warmupMs = Number(process.env.BENCH_WARMUP_MS);
  const windowMs = Number(process.env.BENCH_WINDOW_MS);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const report: ProberReport = { probes: 0, failed: 0, windowMs, latenciesMs: [] };
  let measuring = false;
  let stopped = false;
  const scrape = (port: number) =>
    new Promise<void>((resolve) => {
      const req = http.get(`${exporter}/probe?target=127.0.0.1:${port}&module=http_2xx`, { agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          if (measuring) {
            const ok = /^probe_success 1$/m.test(body);
            const duration = /^probe_duration_seconds ([0-9.e+-]+)$/m.exec(body);
            (report as { probes: number }).probes += 1;
            if (!ok) (report as { failed: number }).failed += 1;
            if (duration) report.latenciesMs.push(Number(duration[1]) * 1000);
          }
          resolve();
        });
      });
      req.on('error', () => {
        if (measuring) {
          (report as { probes: number }).probes += 1;
          (report as { failed: number }).failed += 1;
        }
        resolve();
      });
    });
  // Each target on its own phase within the second, like Prometheus's scrape offsets.
  ports.forEach((port, i) => {
    const loop = async () => {
      while (!stopped) {
        const started = Date.now();
        await scrape(port);
        await sleep(Math.max(0, INTERVAL_MS - (Date.now() - started)));
      }
    };
    setTimeout(() => void loop(), Math.floor((i * INTERVAL_MS) / ports.length));
  });
  await sleep(warmupMs);
  measuring = true;
  process.stdout.write('measuring\n');
  await sleep(windowMs);
  measuring = false;
  stopped = true;
  process.stdout.write(JSON.stringify(report) + '\n');
  agent.destroy();
  process.exit(0);
}

interface Row {
  readonly prober: string;
  readonly targets: number;
  readonly probesPerSecond: number;
  readonly failed: number;
  readonly inconclusive: number;
  readonly cpuPercentOfCore: number;
  readonly cpuPercentPer1000ProbesPerSecond: number;
  readonly cpuMsPerProbe: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Measure `proberPid`'s CPU over the window the reporting child announces, then read its report. */
async function measure(prober: string, targets: number, proberPid: number, reporter: ChildProcess): Promise<Row> {
  const lines: string[] = [];
  let buf = '';
  const gotLine = new Promise<void>((resolve, reject) => {
    reporter.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        lines.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
        if (lines.length === 2) resolve();
      }
    });
    reporter.on('exit', (code) => (lines.length < 2 ? reject(new Error(`${prober} run exited with ${code}`)) : undefined));
  });
  let cpuStart = Number.NaN;
  let cpuEnd = Number.NaN;
  await new Promise<void>((resolve) => {
    const check = () => (lines.length >= 1 ? resolve() : setTimeout(check, 5));
    check();
  });
  cpuStart = cpuSeconds(proberPid);
  const windowStart = performance.now();
  const windowMs = Number(process.env.BENCH_WINDOW_MS);
  await sleep(windowMs);
  cpuEnd = cpuSeconds(proberPid);
  const elapsedS = (performance.now() - windowStart) / 1000;
  await gotLine;
  const report = JSON.parse(lines[1]!) as ProberReport;
  const sorted = report.latenciesMs.sort((a, b) => a - b);
  const probesPerSecond = report.probes / (report.windowMs / 1000);
  const cpuFraction = (cpuEnd - cpuStart) / elapsedS;
  return {
    prober,
    targets,
    probesPerSecond: Math.round(probesPerSecond),
    failed: report.failed,
    inconclusive: report.inconclusive ?? 0,
    cpuPercentOfCore: Math.round(cpuFraction * 1000) / 10,
    cpuPercentPer1000ProbesPerSecond: Math.round(((cpuFraction * 100) / (probesPerSecond / 1000)) * 10) / 10,
    cpuMsPerProbe: Math.round(((cpuFraction * 1000) / probesPerSecond) * 1000) / 1000,
    p50Ms: Math.round(percentile(sorted, 50) * 100) / 100,
    p99Ms: Math.round(percentile(sorted, 99) * 100) / 100,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      targets: { type: 'string', default: '500' },
      seconds: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '5' },
    },
  });
  if (values.role === 'targets') return runTargets();
  if (values.role === 'monitor') return runMonitor();
  if (values.role === 'scraper') return runScraper();

  const n = Number(values.targets);
  const env = {
    BENCH_TARGETS: String(n),
    BENCH_WARMUP_MS: String(Number(values.warmup) * 1000),
    BENCH_WINDOW_MS: String(Number(values.seconds) * 1000),
  };
  Object.assign(process.env, env);
  const children: ChildProcess[] = [];
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'probe-capacity-'));
  try {
    const targets = spawnRole('targets', '1', env);
    children.push(targets);
    const ports = JSON.parse(await firstLine(targets)) as number[];
    const withPorts = { ...env, BENCH_PORTS: JSON.stringify(ports) };
    const rows: Row[] = [];

    // (a) our health monitor, pinned to core 0.
    const monitor = spawnRole('monitor', '0', withPorts);
    children.push(monitor);
    rows.push(await measure('health-monitor', n, monitor.pid!, monitor));

    // (b) blackbox_exporter pinned to core 0, scraped from core 1.
    const config = path.join(tmp, 'blackbox.yml');
    writeFileSync(
      config,
      [
        'modules:',
        '  http_2xx:',
        '    prober: http',
        `    timeout: ${TIMEOUT_MS}ms`,
        '    http:',
        '      valid_status_codes: [200]',
        '      preferred_ip_protocol: ip4',
        '',
      ].join('\n'),
    );
    const port = await freePort();
    const exporter = spawn('taskset', ['-c', '0', BLACKBOX, `--config.file=${config}`, `--web.listen-address=127.0.0.1:${port}`], {
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    children.push(exporter);
    for (let i = 0; ; i++) {
      const up = await fetch(`http://127.0.0.1:${port}/-/healthy`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (i > 100) throw new Error(`${BLACKBOX} did not come up on 127.0.0.1:${port}`);
      await sleep(100);
    }
    const scraper = spawnRole('scraper', '1', { ...withPorts, BENCH_EXPORTER: `http://127.0.0.1:${port}` });
    children.push(scraper);
    rows.push(await measure('blackbox_exporter', n, exporter.pid!, scraper));

    const load = os.loadavg().map((l) => l.toFixed(2));
    console.log(`probe capacity: ${n} HTTP targets at ${INTERVAL_MS} ms, each prober on core 0; load average ${load.join(' ')}`);
    console.table(rows);
    console.log(JSON.stringify({ targets: n, loadAverage: os.loadavg(), cores: os.cpus().length, rows }));
  } finally {
    for (const c of children) c.kill();
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
