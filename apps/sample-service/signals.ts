/**
 * Run until SIGTERM or SIGINT, then shut down gracefully. A second signal exits at
 * once, for an operator who does not want to wait for the drain.
 */
import type { Logger } from '../../src/observability/logger.js';
import type { SampleService } from './server.js';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Resolves once the service has stopped after a signal. */
export function stopOnSignal(service: SampleService, logger: Logger): Promise<void> {
  return new Promise((resolve, reject) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) {
        logger.warn({ signal }, 'second signal: exiting without waiting for the drain');
        process.exit(130);
      }
      received = true;
      logger.info({ signal }, 'signal received: shutting down');
      service.stop().then(
        () => {
          for (const s of SIGNALS) process.off(s, onSignal);
          resolve();
        },
        (err: unknown) => reject(err instanceof Error ? err : new Error(String(err))),
      );
    };
    for (const s of SIGNALS) process.on(s, onSignal);
  });
}
