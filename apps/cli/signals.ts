/** How every long-running `failover` command stops: the first SIGINT/SIGTERM asks, a second one insists. */
import { EXIT } from './exit-codes.js';

/**
 * Resolves with the first SIGINT/SIGTERM so the caller can stop cleanly; a second
 * signal while it is stopping reports `onSecond`'s message and exits at once.
 */
export function firstSignal(onSecond: (signal: NodeJS.Signals) => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (received) {
        onSecond(signal);
        process.exit(EXIT.failure);
      }
      received = true;
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
