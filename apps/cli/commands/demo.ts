/**
 * `failover demo` (`npm run demo`): the whole local topology in this one
 * process — three clouds, three DNS provider emulators with nameservers, the
 * controller and its API, a traffic generator — on documented ports. Prints
 * what runs where, then a live summary line and the controller's notable
 * events. `.failover/demo.json` tells `failover chaos` where everything is.
 * Ctrl-C (or SIGTERM) stops everything, removes demo.json and exits 0.
 */
import { firstSignal } from '../signals.js';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ControllerEvent } from '../../../src/observability/events.js';
import {
  ADMIN_TOKEN_FILE,
  DEFAULT_STATE_DIR,
  DEMO_LOG_FILE,
  demoStateOf,
  removeDemoState,
  runningDemo,
  writeDemoState,
  writePrivateFile,
} from '../../topology/demo-state.js';
import { PROVIDER_LABELS } from '../../../src/drills/topology-config.js';
import type { Topology, TopologyOptions, TopologyStartError as TopologyStartErrorType } from '../../topology/topology.js';
import { createLogger, type Logger } from '../../../src/observability/logger.js';
import { EXIT } from '../exit-codes.js';
import { eventLine, liveLine, type EventNames } from '../live-view.js';
import { CommandInputError, runCommand } from './plan.js';

interface DemoCliOptions {
  port?: number;
  apiPort?: number;
  traffic: boolean;
  stateDir: string;
  freePorts?: boolean;
  rate?: number;
}

const HELP = `
Starts, in this one process and on loopback only:
  - the sample service "in" AWS, Azure and Google Cloud: http://127.0.0.11:8080, .12, .13
  - the Route 53, Azure DNS and Cloud DNS API emulators (4510, 4520, 4530) with their
    nameservers (5310, 5320, 5330) and the emulators' admin API (4500)
  - the failover controller, its API (and dashboard, where served) on 4600
  - a traffic generator resolving app.example.test through the three nameservers

Then, in another terminal:
  npx failover chaos aws down           # blackhole | slow | error | dependency-dns-empty | heal
  npx failover chaos route53 api-down   # dns-down | throttle | heal (also azuredns, clouddns)
  dig @127.0.0.1 -p 5310 app.example.test A +short

The live line shows what each provider's nameserver answers, the controller's verdict
per cloud and the traffic's answers per cloud. .failover/demo.json (mode 0600) holds
the ports, endpoints and tokens; the logs go to .failover/demo.log.

Ctrl-C or SIGTERM stops everything (nothing is left running) and exits 0.
A port already in use exits 2 and names it. See docs/demo.md.`;

function port(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535)
    throw new InvalidArgumentError(`expected a port number from 0 to 65535 (0 picks a free one), got '${text}'`);
  return Number(text);
}

function rate(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 500)
    throw new InvalidArgumentError(`expected requests per second above 0 and at most 500, got '${text}'`);
  return n;
}

/** A path as a person would type it from here. */
function shown(path: string): string {
  const r = relative(process.cwd(), path);
  return r === '' ? '.' : r.startsWith('..') ? path : r;
}

/** Which option moves a part that could not get its port. */
function portAdvice(err: TopologyStartErrorType): string {
  switch (err.component) {
    case 'service':
      return 'choose another with --port <port> (or --free-ports)';
    case 'api':
      return 'choose another with --api-port <port> (or --free-ports)';
    default:
      return "it is one of the emulators' documented ports (docs/emulators.md): stop what uses it (another demo, or 'failover emulators'), or run with --free-ports";
  }
}

/** The demo's audit log, beside demo.json (the controller command's default is .failover/audit.jsonl too). */
const DEMO_AUDIT_FILE = 'audit.jsonl';

/** Which cloud a target or address is in, from the topology's configuration. */
function eventNames(t: Topology): EventNames {
  const targets = t.config.services.flatMap((svc) => svc.targets);
  return {
    cloudOfTarget: (id) => targets.find((x) => x.id === id || id.startsWith(`${x.id}@`))?.cloud,
    cloudOfAddress: (address) => targets.find((x) => x.address === address)?.cloud,
  };
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => `  ${r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('   ')}`.trimEnd());
}

/** What runs where, and how to break it. */
export function describeDemo(
  t: Topology,
  files: { stateDir: string; tokenFile: string; logFile: string; dashboard?: string },
  startedInMs: number,
): string {
  const e = t.emulators;
  const name = t.serviceName.replace(/\.$/, '');
  const stateFlag = shown(files.stateDir) === DEFAULT_STATE_DIR ? '' : ` --state-dir ${shown(files.stateDir)}`;
  const lines = [
    `failover demo: the local topology is up (${(startedInMs / 1000).toFixed(1)} s), all on loopback, all in process ${process.pid}`,
    '',
    ...table([
      ['cloud', 'sample service', 'readiness'],
      ...(['aws', 'azure', 'gcp'] as const).map((c) => [c, t.clouds[c].url, `${t.clouds[c].url}/readyz`]),
    ]),
    `  (their readiness depends on ${t.dependency.name.replace(/\.$/, '')}, served by all three DNS providers)`,
    '',
    ...table([
      ['DNS provider', 'API emulator', 'ask its nameserver'],
      ...t.nameservers.map((ns) => [
        PROVIDER_LABELS[ns.provider],
        e[ns.provider].endpoint,
        `dig @${ns.host} -p ${ns.port} ${name} A +short`,
      ]),
      ['emulator admin', e.admin.endpoint, 'faults and counters (docs/emulators.md)'],
    ]),
    '',
    ...table([
      ['controller API', `${t.api.url}/status`, `events: ${t.api.url}/events`],
      ...(files.dashboard ? [['dashboard', files.dashboard, '']] : []),
      ['admin token', shown(files.tokenFile), `curl -H "Authorization: Bearer $(cat ${shown(files.tokenFile)})" ${t.api.url}/overrides`],
      ['demo state', shown(join(files.stateDir, 'demo.json')), 'ports, endpoints, tokens (mode 0600)'],
      ['logs', shown(files.logFile), 'JSON lines: controller and its API'],
      ['audit log', shown(join(files.stateDir, DEMO_AUDIT_FILE)), `every DNS change and operator action: ${t.api.url}/audit`],
    ]),
    '',
    'How to break things (in another terminal):',
    `  npx failover chaos aws down${stateFlag}          # or: blackhole | slow | error | dependency-dns-empty | heal (also azure, gcp)`,
    `  npx failover chaos route53 api-down${stateFlag}  # or: dns-down | throttle | heal (also azuredns, clouddns)`,
    `  npx failover drain aws --reason "test"${stateFlag}  # then: failover resume aws; failover status`,
    '',
    'Live line: client errors by kind and empty answers | DNS = what each provider answers now (.11 aws, .12 azure, .13 gcp; [faults]) | the controller’s verdict per cloud ([chaos]) | traffic answers per cloud.',
    'Event lines: local time, the DNS provider or cloud they are about, what happened.',
  ];
  return `${lines.join('\n')}\n`;
}

/** Refresh one line in place on a terminal (fitted to its width); plain full lines every few seconds otherwise. */
class LiveLine {
  readonly #out: NodeJS.WriteStream;
  readonly #tty: boolean;
  #shown = false;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    out: NodeJS.WriteStream,
    private readonly line: (width: number) => string,
  ) {
    this.#out = out;
    this.#tty = out.isTTY === true;
  }

  start(): void {
    this.#timer = setInterval(() => this.draw(), this.#tty ? 1_000 : 5_000);
    this.draw();
  }

  draw(): void {
    if (this.#tty) {
      // One column spare: writing the last one makes some terminals wrap.
      this.#out.write(`\r\x1b[2K${this.line(Math.max(20, (this.#out.columns ?? 200) - 1))}`);
      this.#shown = true;
    } else {
      this.#out.write(`${this.line(Infinity)}\n`);
    }
  }

  /** A line above the live one. */
  print(text: string): void {
    if (this.#tty && this.#shown) this.#out.write('\r\x1b[2K');
    this.#out.write(`${text}\n`);
    if (this.#tty && this.#timer !== undefined) this.draw();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.#tty && this.#shown) this.#out.write('\r\x1b[2K');
    this.#shown = false;
  }
}

async function dashboardUrl(apiUrl: string): Promise<string | undefined> {
  try {
    const res = await fetch(`${apiUrl}/`, { signal: AbortSignal.timeout(2_000) });
    await res.body?.cancel();
    return res.ok && (res.headers.get('content-type') ?? '').includes('text/html') ? `${apiUrl}/` : undefined;
  } catch {
    return undefined;
  }
}

function openLog(path: string): { logger: Logger; stream: WriteStream } {
  const stream = createWriteStream(path, { flags: 'a', mode: 0o600 });
  return { logger: createLogger({ name: 'demo', destination: stream }), stream };
}

async function run(opts: DemoCliOptions): Promise<number> {
  const stateDir = opts.stateDir;
  const already = await runningDemo(stateDir);
  if (already)
    throw new CommandInputError(
      `a demo is already running (process ${already.pid}, ${shown(join(stateDir, 'demo.json'))}); stop it first, or start another with --state-dir <dir> --free-ports`,
    );
  await mkdir(stateDir, { recursive: true });
  const logFile = join(stateDir, DEMO_LOG_FILE);
  const tokenFile = join(stateDir, ADMIN_TOKEN_FILE);
  const { logger, stream } = openLog(logFile);
  const closeLog = () => new Promise<void>((resolve) => stream.end(() => resolve()));
  const signal = firstSignal((second) => process.stderr.write(`failover demo: second ${second}: exiting without cleaning up\n`));

  // Loaded here: the SDKs and the HTTP stack take a while, and other commands need neither.
  const { startTopology, TopologyStartError } = await import('../../topology/topology.js');
  const { topologyView } = await import('../../topology/topology-summary.js');
  const options: TopologyOptions = {
    freePorts: opts.freePorts === true,
    ...(opts.port !== undefined ? { servicePort: opts.port } : {}),
    ...(opts.apiPort !== undefined ? { apiPort: opts.apiPort } : {}),
    traffic: opts.traffic ? { ratePerSecond: opts.rate ?? 10 } : false,
    stateDir,
    log: logger,
    // Operator actions (failover drain ..., the dashboard's buttons) and every write, with their reasons.
    auditLog: join(stateDir, DEMO_AUDIT_FILE),
    // The live line needs a few answers a second, not the drills' fifty.
    pollIntervalMs: 250,
  };
  const started = Date.now();
  let topology: Topology;
  try {
    topology = await startTopology(options);
  } catch (err) {
    await closeLog();
    if (err instanceof TopologyStartError && err.portInUse)
      throw new CommandInputError(
        `port ${err.detail.port} on ${err.detail.host} is already in use (${err.detail.what}); ${portAdvice(err)}`,
      );
    if (err instanceof TopologyStartError) throw new Error(`${err.message} (logs: ${shown(logFile)})`, { cause: err });
    throw err;
  }
  const startedInMs = Date.now() - started;

  await writePrivateFile(tokenFile, `${topology.api.token}\n`);
  const dashboard = await dashboardUrl(topology.api.url);
  await writeDemoState(
    stateDir,
    demoStateOf(topology, { pid: process.pid, startedAt: new Date(started), tokenFile, logFile, ...(dashboard ? { dashboard } : {}) }),
  );

  const out = process.stdout;
  out.write(describeDemo(topology, { stateDir, tokenFile, logFile, ...(dashboard ? { dashboard } : {}) }, startedInMs));
  out.write('\nfailover demo: running — Ctrl-C stops everything\n\n');
  const live = new LiveLine(out, (width) => liveLine(topologyView(topology), width));
  const names = eventNames(topology);
  const onEvent = (e: ControllerEvent) => {
    const line = eventLine(e, names);
    if (line) live.print(line);
  };
  topology.controller.events.on('event', onEvent);
  live.start();

  const received = await signal;
  live.stop();
  topology.controller.events.off('event', onEvent);
  out.write(`failover demo: ${received}: stopping everything…\n`);
  await topology.stop();
  await removeDemoState(stateDir);
  logger.info({ signal: received }, 'demo stopped');
  await closeLog();
  out.write(`failover demo: stopped; every port is free and ${shown(join(stateDir, 'demo.json'))} is removed\n`);
  return EXIT.ok;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('start the whole local topology: 3 clouds, 3 DNS emulators, controller, traffic')
    .addOption(new Option('--port <port>', 'the sample services’ port on 127.0.0.11-13 (default 8080)').argParser(port))
    .addOption(new Option('--api-port <port>', 'the controller API’s port (default 4600)').argParser(port))
    .option('--no-traffic', 'do not start the traffic generator')
    .addOption(new Option('--rate <n>', 'traffic: requests per second (default 10)').argParser(rate))
    .option('--state-dir <dir>', 'where demo.json, the admin token and the log go', DEFAULT_STATE_DIR)
    .option('--free-ports', 'every port not given explicitly is a free one (emulators included); for tests and a second demo')
    .addHelpText('after', HELP)
    .exitOverride()
    .action(async (opts: DemoCliOptions) => {
      await runCommand('demo', () => run(opts));
    });
}
