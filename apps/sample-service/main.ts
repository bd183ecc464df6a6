/**
 * Container entry point (`node dist/apps/sample-service/main.js`): settings from the
 * environment (and SERVICE_CONFIG, a YAML file), run until SIGTERM, drain, exit.
 * Locally, `failover serve` does the same with flags.
 */
import { ConfigError } from '../../src/config/load.js';
import { createLogger } from '../../src/observability/logger.js';
import { loadServiceConfig } from './config-sources.js';
import { startSampleService } from './server.js';
import { stopOnSignal } from './signals.js';

async function run(): Promise<void> {
  const config = loadServiceConfig({ env: process.env });
  const logger = createLogger({
    name: 'sample-service',
    base: { cloud: config.cloud, region: config.region, instanceId: config.instanceId },
  });
  const service = await startSampleService(config, { logger });
  await stopOnSignal(service, logger);
}

run().catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`sample-service: ${err.message}\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`sample-service: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
