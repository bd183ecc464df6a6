/**
 * `failover controller`: the health-checking failover loop and its HTTP API
 * (status, events, SSE, metrics, audit, dashboard), until SIGINT/SIGTERM.
 * Stopping ends probing, cancels queued and in-flight evaluations and writes
 * (their requests are aborted), waits for what was acknowledged to be audited,
 * closes the API, then the audit log, and exits 0 within the stop timeout + 1 s.
 */
import { firstSignal } from '../signals.js';
import { productVersion } from '../version.js';
import { resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { loadConfigFile } from '../../../src/config/load.js';
import { configSchema, type FailoverConfig } from '../../../src/config/schema.js';
import { canonicalName } from '../../../src/dns/record.js';
import { readEndpointsFile } from '../../../src/emulators/endpoints.js';
import { AuditLog, AuditLogError } from '../../../src/observability/audit-log.js';
import { createLogger, type Logger } from '../../../src/observability/logger.js';
import { AdminTokenError, loadAdminToken } from '../../controller/auth.js';
import { EXIT } from '../exit-codes.js';
import { providersFromEndpoints } from '../../../src/drills/emulator-endpoints.js';
import { CommandInputError, runCommand } from './plan.js';

interface ControllerCliOptions {
  config: string;
  endpointsFile?: string;
  apiPort?: number;
}

const HELP = `
The controller probes every target from every vantage point, decides each service's
answer (failover or multivalue, with dwell, fail-open and operator overrides), writes it
to every DNS provider with compare-and-swap writes, and checks each provider's
nameserver. Its HTTP API (config api.host:port, loopback by default):

  GET  /                   the dashboard
  GET  /status             services, targets, providers (what each serves, over DNS)
  GET  /events?since=ID    the event stream as JSON (/events/stream: live, as SSE)
  GET  /metrics            Prometheus metrics
  GET  /audit?since=SEQ    the audit log (every DNS write and operator action)
  POST /overrides/drain    {"cloud":"aws","reason":"..."}           (admin token)
  POST /overrides/pin      {"service":"app.example.test","target":"azure","reason":"..."}
  POST /overrides/pause    {"service":"app.example.test","reason":"..."}
  DELETE the same paths to clear them.

The admin token comes from FAILOVER_ADMIN_TOKEN or api.tokenFile; without one the
override endpoints are off. The audit log (config auditLog, default
.failover/audit.jsonl) is relative to the directory the controller starts in.

Examples:
  failover emulators --endpoints-file .failover/emulators/endpoints.json &
  failover controller --config failover.yaml --endpoints-file .failover/emulators/endpoints.json
  curl http://127.0.0.1:4600/status

SIGINT or SIGTERM stops it and exits 0; a second signal exits at once.
Bad configuration exits 2 and names the file, line and field. See docs/controller.md
and docs/operations.md.`;

function port(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 65535)
    throw new InvalidArgumentError(`expected a port number from 0 to 65535 (0 picks a free one), got '${text}'`);
  return Number(text);
}

/** The config file, with the emulators' endpoints in place of the providers when given. */
export async function loadControllerConfig(opts: ControllerCliOptions): Promise<FailoverConfig> {
  let config = loadConfigFile(opts.config, configSchema);
  if (opts.endpointsFile !== undefined) {
    const endpoints = await readEndpointsFile(opts.endpointsFile);
    if (canonicalName(endpoints.zone) !== canonicalName(config.zone)) {
      throw new CommandInputError(
        `${opts.endpointsFile} is for zone ${endpoints.zone}, but ${opts.config} manages zone ${config.zone}; start the emulators with --zone ${config.zone}`,
      );
    }
    config = { ...config, providers: providersFromEndpoints(endpoints) };
  }
  if (opts.apiPort !== undefined) config = { ...config, api: { ...config.api, port: opts.apiPort } };
  return config;
}

/**
 * Open the audit log, repairing a record torn by a crash. A relative path is
 * taken from the working directory, like api.tokenFile and the demo's .failover/.
 */
function openAuditLog(path: string, logger: Logger, configFile: string): AuditLog {
  const file = resolve(path);
  try {
    const audit = AuditLog.open(file, { logger });
    logger.info({ auditLog: file, lastSeq: audit.lastSeq, repairedBytes: audit.recovery.partialBytes }, 'audit log open');
    return audit;
  } catch (err) {
    if (err instanceof AuditLogError) throw new CommandInputError(`${err.message} (auditLog in ${configFile})`);
    throw err;
  }
}

/** Time left for stdout to flush before a forced exit. */
const EXIT_MARGIN_MS = 200;

/**
 * Exit with the code set so far (0 after a clean stop) in `ms` if the process
 * is still alive then; the timer does not itself keep the process alive.
 */
function exitBy(ms: number, warn?: { logger: Logger; message: string }): void {
  setTimeout(() => {
    warn?.logger.warn({ ms }, warn.message);
    process.exit();
  }, ms).unref();
}

async function run(opts: ControllerCliOptions): Promise<number> {
  const config = await loadControllerConfig(opts);
  const logger = createLogger({ name: 'controller', base: { owner: config.owner, zone: config.zone } });
  let adminToken: string | undefined;
  try {
    adminToken = loadAdminToken({ tokenFile: config.api.tokenFile, logger });
  } catch (err) {
    if (err instanceof AdminTokenError) throw new CommandInputError(err.message);
    throw err;
  }
  const audit = openAuditLog(config.auditLog, logger, opts.config);
  const signal = firstSignal((second) => logger.warn({ signal: second }, 'second signal: exiting without waiting'));

  // Loaded here, not at start-up: the SDKs and the HTTP stack take a while, and other commands need neither.
  const [{ createProviders, closeProviders }, { assembleController }, { startControllerApi }, { DEFAULT_STOP_TIMEOUT_MS }] =
    await Promise.all([
      import('../../../src/providers/index.js'),
      import('../../../src/controller/assemble.js'),
      import('../../controller/server.js'),
      import('../../../src/controller/controller.js'),
    ]);
  const providers = createProviders(config.providers, { zone: config.zone, log: logger });
  const controller = assembleController(config, { providers, logger });
  let api: Awaited<ReturnType<typeof startControllerApi>>;
  try {
    // The API binds the audit log to the controller's events, so it starts before the controller does.
    api = await startControllerApi({
      controller,
      logger,
      adminToken,
      host: config.api.host,
      port: config.api.port,
      auditLog: audit,
      monitor: controller.healthMonitor,
      version: productVersion(),
    });
  } catch (err) {
    await closeProviders(providers);
    audit.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE' || (err as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL') {
      throw new CommandInputError(
        `the API cannot listen on ${config.api.host}:${config.api.port} (${(err as NodeJS.ErrnoException).code}); choose another with --api-port <port> or api.port in ${opts.config}`,
      );
    }
    throw err;
  }
  logger.info(
    { url: api.url, admin: adminToken !== undefined, services: config.services.map((s) => s.name), providers: providers.map((p) => p.id) },
    'controller API listening',
  );
  try {
    await controller.start();
  } catch (err) {
    // Leave nothing listening behind, or the process would never exit.
    await controller.stop();
    await api.close();
    await closeProviders(providers);
    audit.close();
    throw err;
  }
  logger.info({ generation: controller.generation }, 'controller running');

  const received = await signal;
  logger.info({ signal: received }, 'stopping: probing ends, queued and in-flight writes are cancelled');
  // Whatever still holds the process (an API client that keeps its connection, a socket) does not keep it past the promise.
  exitBy(DEFAULT_STOP_TIMEOUT_MS + 1_000 - EXIT_MARGIN_MS, { logger, message: 'stop timeout passed: exiting now' });
  // The controller first: it aborts every write and records (audits) those acknowledged before it resolves.
  const { timedOut } = await controller.stop();
  await api.close();
  await closeProviders(providers);
  audit.close();
  logger.info({ timedOut }, timedOut ? 'stopped; work still running was abandoned, left to the next controller to reconcile' : 'stopped');
  // Nothing of ours may run after "stopped": leave now rather than wait for idle sockets to close.
  exitBy(EXIT_MARGIN_MS);
  return EXIT.ok;
}

export function registerController(program: Command): void {
  program
    .command('controller')
    .description('run the health-checking failover controller and its HTTP API')
    .requiredOption('--config <file>', 'controller configuration (YAML; see docs/controller.md)')
    .addOption(new Option('--endpoints-file <file>', "use the local emulators written by 'failover emulators --endpoints-file'"))
    .addOption(new Option('--api-port <port>', 'listen on this port instead of api.port (0 picks a free one)').argParser(port))
    .addHelpText('after', HELP)
    .exitOverride()
    .action(async (opts: ControllerCliOptions) => {
      await runCommand('controller', () => run(opts));
    });
}
