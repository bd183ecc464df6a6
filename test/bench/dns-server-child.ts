/**
 * A DNS data-plane server alone in its own process, so that a benchmark can
 * measure its memory without counting the load generator's. Prints one JSON
 * line `{"port":N}` when listening; answers IPC `"memory"` with
 * `process.memoryUsage()` (`"memory-after-gc"`: after a full collection, with --expose-gc); stops on IPC `"stop"` or when the parent goes away.
 * Options as JSON in argv[2]: `{ "tcp": Partial<TcpLimits> }`.
 */
import { FaultInjector } from '../../src/emulators/core/faults.js';
import { startDnsServer, type TcpLimits } from '../../src/emulators/dns/server.js';
import { populatedStore } from '../unit/dns-fixture.js';

const options = JSON.parse(process.argv[2] ?? '{}') as { tcp?: Partial<TcpLimits> };
const { store } = populatedStore();
const faults = new FaultInjector({ bucket: { capacity: 10, refillPerSecond: 1 } });
const server = await startDnsServer({ store, faults, host: '127.0.0.1', port: 0, ...(options.tcp ? { tcp: options.tcp } : {}) });
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);

process.on('message', (msg) => {
  if (msg === 'memory' || msg === 'memory-after-gc') {
    // With --expose-gc, collect first: what is left is what the server holds, not garbage waiting for the collector.
    if (msg === 'memory-after-gc') (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ memory: process.memoryUsage() });
  }
  if (msg === 'stop') void server.stop().then(() => process.exit(0));
});
process.on('disconnect', () => void server.stop().then(() => process.exit(0)));
