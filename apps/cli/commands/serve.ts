/**
 * `failover serve`: run one instance of the sample service, standing for one cloud.
 * Every flag falls back to an environment variable (listed in --help), then to the
 * YAML file given by --config, then to a default.
 */
import { Option, type Command } from 'commander';
import { createLogger } from '../../../src/observability/logger.js';
import { CONFIG_FILE_ENV, loadServiceConfig, SETTINGS, type ServiceConfigSources } from '../../sample-service/config-sources.js';
import { CHAOS_MODES } from '../../sample-service/chaos.js';
import { startSampleService } from '../../sample-service/server.js';
import { stopOnSignal } from '../../sample-service/signals.js';

const EXAMPLES = `
Endpoints:
  GET /          which cloud, region, instance and version answered
  GET /healthz   liveness: 200 while the process runs
  GET /readyz    readiness: 503 while draining, or when the dependency's name does not
                 resolve or its URL does not answer
  GET|PUT /chaos the chaos switch (only with --chaos; token required), modes:
                 ${CHAOS_MODES.join(', ')}

Examples:
  # three clouds side by side on one port (Linux routes all of 127.0.0.0/8 to loopback)
  failover serve --cloud aws   --region us-east-1    --host 127.0.0.11 --port 8080 &
  failover serve --cloud azure --region westeurope   --host 127.0.0.12 --port 8080 &
  failover serve --cloud gcp   --region europe-west1 --host 127.0.0.13 --port 8080 &

  # readiness follows a dependency resolved through a local DNS server
  failover serve --cloud aws --dependency-url http://app-db.example.test:9000/ --dependency-dns 127.0.0.1:5353

  # break it on purpose (the admin port stays up while the service is down)
  CHAOS_TOKEN=s3cret-token failover serve --cloud aws --chaos --chaos-port 9090
  curl -X PUT -H 'x-chaos-token: s3cret-token' -H 'content-type: application/json' \\
       -d '{"mode":"dependency-dns-empty"}' http://127.0.0.1:9090/chaos

SIGTERM or SIGINT drains: /readyz turns 503, in-flight requests finish (up to --drain-ms),
then the process exits 0. A second signal exits at once.`;

export function registerServe(program: Command): void {
  const command = program
    .command('serve')
    .description("run the sample service (one cloud's instance)")
    .addOption(
      new Option(
        '--config <file>',
        `YAML file with the same settings (keys as in apps/sample-service/README.md) (env: ${CONFIG_FILE_ENV})`,
      ),
    );

  const options = SETTINGS.map((setting) => {
    const option = new Option(
      setting.flag,
      `${setting.help} (env: ${setting.env}${setting.fallback ? `; default: ${setting.fallback}` : ''})`,
    );
    command.addOption(option);
    return { setting, attribute: option.attributeName() };
  });

  command.addHelpText('after', EXAMPLES).action(async (opts: Record<string, string | boolean | undefined>) => {
    const flags: ServiceConfigSources['flags'] = {};
    for (const { setting, attribute } of options) {
      const value = opts[attribute];
      if (value !== undefined) flags[setting.key] = value;
    }
    const config = loadServiceConfig({ env: process.env, flags, file: typeof opts.config === 'string' ? opts.config : undefined });
    const logger = createLogger({
      name: 'sample-service',
      base: { cloud: config.cloud, region: config.region, instanceId: config.instanceId },
    });
    const service = await startSampleService(config, { logger });
    await stopOnSignal(service, logger);
  });
}
