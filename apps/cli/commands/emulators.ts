/**
 * `failover emulators`: the Route 53, Azure DNS and Cloud DNS emulators with
 * their DNS servers and the admin API, on loopback, until Ctrl-C. Writes an
 * endpoints file other processes read instead of guessing ports.
 */
import { firstSignal } from '../signals.js';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { EMULATOR_DEFAULTS } from '../../../src/emulators/defaults.js';
import type { EmulatorComponent, RunningEmulators } from '../../../src/emulators/index.js';
import { createLogger } from '../../../src/observability/logger.js';
import { EXIT } from '../exit-codes.js';

interface EmulatorsOptions {
  host: string;
  zone: string;
  adminPort: number;
  route53Port: number;
  route53DnsPort: number;
  azurePort: number;
  azureDnsPort: number;
  clouddnsPort: number;
  clouddnsDnsPort: number;
  endpointsFile?: string;
  stateDir: string;
  logRequests?: boolean;
  trafficManagerProbeInterval?: number;
  clouddnsHealthCheckIntervalMs?: number;
}

const PORT_OPTION: Record<EmulatorComponent, string> = {
  admin: '--admin-port',
  'route53.api': '--route53-port',
  'route53.dns': '--route53-dns-port',
  'azure.api': '--azure-port',
  'azure.dns': '--azure-dns-port',
  'clouddns.api': '--clouddns-port',
  'clouddns.dns': '--clouddns-dns-port',
};

function port(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535)
    throw new InvalidArgumentError(`expected a port number from 0 to 65535 (0 picks a free one), got '${text}'`);
  return Number(text);
}

function intervalMs(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 50 || Number(text) > 300_000)
    throw new InvalidArgumentError(`expected a probe interval in milliseconds from 50 to 300000, got '${text}'`);
  return Number(text);
}

function zoneName(text: string): string {
  const name = text.trim().toLowerCase().replace(/\.$/, '');
  if (!/^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/.test(name))
    throw new InvalidArgumentError(`expected a domain name with at least two labels, e.g. example.test, got '${text}'`);
  return name;
}

function probeInterval(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 50 || Number(text) > 30000)
    throw new InvalidArgumentError(`expected milliseconds from 50 to 30000, got '${text}'`);
  return Number(text);
}

const HELP = `
Every listener binds the loopback --host only. Credentials are fixed and fake; the
endpoints file holds everything a client needs (docs/emulators.md shows the exact SDK
client construction for Route 53, Azure DNS and Cloud DNS).

Examples:
  failover emulators
  failover emulators --endpoints-file /tmp/emulators.json --route53-dns-port 15310
  dig @127.0.0.1 -p ${EMULATOR_DEFAULTS.route53.dnsPort} ${EMULATOR_DEFAULTS.zone} SOA
  curl -X PUT http://127.0.0.1:${EMULATOR_DEFAULTS.adminPort}/faults/route53 -d '{"apiDown": true}'

Ctrl-C or SIGTERM stops everything and exits 0. A port in use exits 2 and names the option to change.`;

function table(emu: RunningEmulators, endpointsFile: string): string {
  const { route53: r, azure: a, clouddns: c } = emu;
  const rows = [
    ['', 'API endpoint', 'DNS (UDP+TCP)', 'zone'],
    ['route53', r.endpoint, `${r.dns.host}:${r.dns.port}`, `hosted zone ${r.hostedZoneId}, region ${r.region}`],
    ['azure', a.endpoint, `${a.dns.host}:${a.dns.port}`, `subscription ${a.subscriptionId}, resource group ${a.resourceGroup}`],
    ['clouddns', c.endpoint, `${c.dns.host}:${c.dns.port}`, `project ${c.projectId}, managed zone ${c.managedZone}`],
    ['admin', emu.admin.endpoint, '', 'faults, counters, zone dumps'],
  ];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  const lines = rows.map((row) => `  ${row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell)).join('  ')}`.trimEnd());
  const admin = emu.admin.endpoint;
  return [
    `Emulators running for zone ${emu.zone} (Ctrl-C to stop)`,
    '',
    ...lines,
    '',
    `  Azure CA certificate  ${a.caCertPath}`,
    `  endpoints file        ${endpointsFile}`,
    '',
    'Try:',
    `  dig @${r.dns.host} -p ${r.dns.port} ${emu.zone} SOA`,
    `  curl -X PUT ${admin}/faults/route53 -d '{"apiDown": true}'     # Route 53 API refuses connections`,
    `  curl -X PUT ${admin}/faults/azure -d '{"throttle": "always"}'  # every Azure call gets 429`,
    `  curl -X PUT ${admin}/faults/clouddns -d '{"dnsDown": true}'    # Cloud DNS name server stops answering`,
    `  curl -X POST ${admin}/faults/heal                              # back to normal`,
    `  curl ${admin}/counters                                         # API calls per operation`,
    '',
    'SDK clients: docs/emulators.md',
    '',
  ].join('\n');
}

async function run(opts: EmulatorsOptions): Promise<void> {
  const emulators = await import('../../../src/emulators/index.js');
  if (!emulators.isLoopbackHost(opts.host)) {
    process.stderr.write(
      `failover emulators: --host must be a loopback address (127.0.0.0/8), got '${opts.host}': the emulators accept any credentials\n`,
    );
    process.exitCode = EXIT.badInput;
    return;
  }
  const stateDir = resolve(opts.stateDir);
  const endpointsFile = resolve(opts.endpointsFile ?? join(stateDir, 'endpoints.json'));
  const logger = opts.logRequests ? createLogger({ name: 'emulators' }) : undefined;
  const signal = firstSignal((second) => process.stderr.write(`failover emulators: ${second} again, exiting without waiting\n`));

  let emu: RunningEmulators;
  try {
    emu = await emulators.startEmulators({
      host: opts.host,
      zone: opts.zone,
      adminPort: opts.adminPort,
      route53: { apiPort: opts.route53Port, dnsPort: opts.route53DnsPort },
      azure: { apiPort: opts.azurePort, dnsPort: opts.azureDnsPort },
      clouddns: { apiPort: opts.clouddnsPort, dnsPort: opts.clouddnsDnsPort },
      ...(opts.clouddnsHealthCheckIntervalMs !== undefined ? { cloudDnsHealthCheckIntervalMs: opts.clouddnsHealthCheckIntervalMs } : {}),
      stateDir,
      log: logger && ((line) => logger.info(line)),
      trafficManagerProbeIntervalMs: opts.trafficManagerProbeInterval ?? null,
    });
  } catch (err) {
    if (err instanceof emulators.EmulatorStartError && err.code === 'EADDRINUSE') {
      process.stderr.write(
        `failover emulators: ${err.message} on ${opts.host}; choose another with ${PORT_OPTION[err.component]} <port> (0 picks a free one)\n`,
      );
      process.exitCode = EXIT.badInput;
      return;
    }
    throw err;
  }

  try {
    await emulators.writeEndpointsFile(endpointsFile, emu.endpoints());
  } catch (err) {
    await emu.stop();
    throw err;
  }
  process.stdout.write(table(emu, endpointsFile));

  const received = await signal;
  process.stdout.write(`\n${received}: stopping the emulators\n`);
  await emu.stop();
  // A stale file would point clients at ports nobody listens on any more.
  await rm(endpointsFile, { force: true });
  process.exitCode = EXIT.ok;
}

export function registerEmulators(program: Command): void {
  const d = EMULATOR_DEFAULTS;
  program
    .command('emulators')
    .description('start the Route 53, Azure DNS and Cloud DNS emulators with their DNS servers')
    .addOption(new Option('--host <address>', 'loopback address every listener binds (127.0.0.0/8)').default(d.host))
    .addOption(new Option('--zone <name>', 'zone created in all three emulators').default(d.zone).argParser(zoneName))
    .addOption(new Option('--admin-port <port>', 'admin API (faults, counters)').default(d.adminPort).argParser(port))
    .addOption(new Option('--route53-port <port>', 'Route 53 API (http)').default(d.route53.apiPort).argParser(port))
    .addOption(new Option('--route53-dns-port <port>', 'Route 53 DNS server (UDP and TCP)').default(d.route53.dnsPort).argParser(port))
    .addOption(new Option('--azure-port <port>', 'Azure DNS API (https)').default(d.azure.apiPort).argParser(port))
    .addOption(new Option('--azure-dns-port <port>', 'Azure DNS server (UDP and TCP)').default(d.azure.dnsPort).argParser(port))
    .addOption(new Option('--clouddns-port <port>', 'Cloud DNS API (http)').default(d.clouddns.apiPort).argParser(port))
    .addOption(new Option('--clouddns-dns-port <port>', 'Cloud DNS server (UDP and TCP)').default(d.clouddns.dnsPort).argParser(port))
    .addOption(
      new Option('--endpoints-file <path>', 'where to write the endpoints JSON (default: <state-dir>/endpoints.json); removed on exit'),
    )
    .addOption(
      new Option('--state-dir <dir>', 'directory for the Azure CA certificate and the endpoints file').default('.failover/emulators'),
    )
    .addOption(
      new Option(
        '--clouddns-health-check-interval-ms <ms>',
        "probe Cloud DNS routing-policy endpoints this often instead of each health check's checkIntervalSec (local drills only)",
      ).argParser(intervalMs),
    )
    .addOption(new Option('--log-requests', 'log every API request and DNS query as a JSON line'))
    .addOption(
      new Option(
        '--traffic-manager-probe-interval <ms>',
        "probe every Azure Traffic Manager profile this often instead of its 30 s or 10 s (local drills only; Azure's own intervals by default)",
      ).argParser(probeInterval),
    )
    .addHelpText('after', HELP)
    // Usage errors reach main() (exit 2): the program's exitOverride is set after commands are registered.
    .exitOverride()
    .action(async (opts: EmulatorsOptions) => {
      await run(opts);
    });
}
