/**
 * The sample services' dependency in the local topology: a tiny HTTP server on
 * 127.0.0.1 that answers GET /health. The services find it by name
 * (`db.example.test`, in the emulated zone), so its DNS answer is what the
 * `dependency-dns-empty` chaos mode takes away.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RunningDependency {
  readonly host: string;
  readonly port: number;
  /** Requests answered so far. */
  readonly requests: number;
  close(): Promise<void>;
}

export async function startDependencyServer(host: string, port = 0): Promise<RunningDependency> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests += 1;
    const ok = req.method === 'GET' && req.url === '/health';
    res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(ok ? { status: 'ok', dependency: 'db' } : { error: 'not-found' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  let closing: Promise<void> | undefined;
  return {
    host,
    port: (server.address() as AddressInfo).port,
    get requests() {
      return requests;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
