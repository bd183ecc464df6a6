/**
 * The DNS data plane of one emulator: UDP and TCP on the same loopback port,
 * answering from the zone store as it is at the moment of each query. With the
 * `dnsDown` fault on, queries are read and dropped on both transports, so
 * clients time out exactly as with an unreachable name server.
 *
 * TCP is bounded so that one client cannot starve the others (RFC 7766 §6.2):
 * a connection whose answers are not being read stops being read itself
 * (backpressure, so its queries wait in the kernel, not in our heap), a few
 * queries are answered per turn of the event loop, idle and slow connections are
 * closed, and the number of connections is capped.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { FaultInjector, FaultSettings } from '../core/faults.js';
import type { ZoneStore } from '../core/zone-store.js';
import { respond, type Reply, type Transport } from './respond.js';

export interface DnsServerOptions {
  store: ZoneStore;
  faults: FaultInjector;
  /** Loopback address to bind. */
  host: string;
  /** 0 picks a port free for both UDP and TCP. */
  port: number;
  /** Optional sink for one line per answered query. */
  log?: (line: Record<string, unknown>) => void;
  /** TCP limits; each defaults to DEFAULT_TCP_LIMITS. */
  tcp?: Partial<TcpLimits>;
}

export interface TcpLimits {
  /** Connections served at once; further ones are closed on accept. */
  maxConnections: number;
  /** A connection with no traffic either way for this long is closed (also ends a client that stopped reading). */
  idleTimeoutMs: number;
  /** A query whose first byte has arrived must be complete within this long (a client trickling bytes is cut off). */
  messageTimeoutMs: number;
  /** Answers queued for a client beyond this many bytes: stop reading its queries until it reads. */
  maxBufferedBytes: number;
  /** Queries answered per connection before yielding to other clients. */
  queriesPerTurn: number;
}

export const DEFAULT_TCP_LIMITS: TcpLimits = {
  maxConnections: 64,
  idleTimeoutMs: 10_000,
  messageTimeoutMs: 5_000,
  maxBufferedBytes: 64 * 1024,
  queriesPerTurn: 16,
};

export interface RunningDnsServer {
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Time one connection may use in one turn of the event loop before others get theirs. */
const TURN_BUDGET_MS = 2;
/** Attempts at finding a port free for both UDP and TCP when asked for port 0. */
const EPHEMERAL_ATTEMPTS = 10;

function bindUdp(host: string, port: number): Promise<UdpSocket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' });
    const onError = (err: Error) => {
      socket.close();
      reject(err);
    };
    socket.once('error', onError);
    socket.bind(port, host, () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
}

function listenTcp(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

const closeUdp = (socket: UdpSocket) => new Promise<void>((resolve) => socket.close(() => resolve()));

export async function startDnsServer(options: DnsServerOptions): Promise<RunningDnsServer> {
  const { store, faults, host, log } = options;
  let down = faults.settings.dnsDown;
  const onFaults = (s: FaultSettings) => {
    down = s.dnsDown;
  };
  const connections = new Set<Socket>();

  const answer = (query: Buffer, transport: Transport, from: string): Reply | undefined => {
    const out = respond(store, query, transport);
    if (out && log) log({ dns: transport, from, ...out.summary });
    return out;
  };

  const limits: TcpLimits = { ...DEFAULT_TCP_LIMITS, ...options.tcp };
  const tcp = createServer((socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    serveTcp(
      socket,
      limits,
      () => down,
      (query) => answer(query, 'tcp', `${socket.remoteAddress}:${socket.remotePort}`),
    );
  });
  tcp.maxConnections = limits.maxConnections;
  tcp.on('drop', (d) => log?.({ dns: 'tcp', dropped: `${d?.remoteAddress}:${d?.remotePort}`, reason: 'maxConnections' }));
  tcp.on('error', (err) => log?.({ dns: 'tcp', error: err.message }));

  let udp: UdpSocket | undefined;
  for (let attempt = 0; ; attempt += 1) {
    udp = await bindUdp(host, options.port);
    const port = (udp.address() as AddressInfo).port;
    try {
      await listenTcp(tcp, host, port);
      break;
    } catch (err) {
      await closeUdp(udp);
      const retry = options.port === 0 && (err as NodeJS.ErrnoException).code === 'EADDRINUSE' && attempt < EPHEMERAL_ATTEMPTS;
      if (!retry) throw err;
    }
  }
  const udpSocket = udp;
  const port = (udpSocket.address() as AddressInfo).port;

  udpSocket.on('message', (query, peer) => {
    if (down) return;
    const out = answer(query, 'udp', `${peer.address}:${peer.port}`);
    if (out) udpSocket.send(out.message, peer.port, peer.address);
  });
  // A send to a vanished client must not take the server down.
  udpSocket.on('error', (err) => log?.({ dns: 'udp', error: err.message }));
  faults.on('change', onFaults);

  let stopping: Promise<void> | undefined;
  return {
    host,
    port,
    stop() {
      stopping ??= (async () => {
        faults.off('change', onFaults);
        const tcpClosed = new Promise<void>((resolve) => tcp.close(() => resolve()));
        for (const c of connections) c.destroy();
        await Promise.all([closeUdp(udpSocket), tcpClosed]);
      })();
      return stopping;
    },
  };
}

/**
 * One TCP connection: length-prefixed queries in (RFC 1035 §4.2.2), answers out.
 * What this connection can make us hold is bounded: at most one read chunk of
 * unanswered queries plus `maxBufferedBytes` (and one answer) of unread answers.
 */
function serveTcp(socket: Socket, limits: TcpLimits, isDown: () => boolean, answer: (query: Buffer) => Reply | undefined): void {
  let pending: Buffer = Buffer.alloc(0);
  let blocked = false; // waiting for the client to read (drain)
  let yielded = false; // waiting for our next turn
  let messageTimer: NodeJS.Timeout | undefined;

  socket.setTimeout(limits.idleTimeoutMs, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('close', () => clearTimeout(messageTimer));

  const complete = () => pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0);

  const pump = (): void => {
    yielded = false;
    if (socket.destroyed) return;
    let handled = 0;
    const started = performance.now();
    while (!blocked && complete()) {
      if (handled === limits.queriesPerTurn || performance.now() - started > TURN_BUDGET_MS) {
        // Let UDP and other connections in before answering more of this one's queries.
        yielded = true;
        socket.pause();
        setImmediate(pump);
        return;
      }
      handled += 1;
      const size = pending.readUInt16BE(0);
      const query = pending.subarray(2, 2 + size);
      pending = pending.subarray(2 + size);
      const out = answer(query);
      if (!out) continue;
      const framed = Buffer.alloc(2 + out.message.length);
      framed.writeUInt16BE(out.message.length, 0);
      out.message.copy(framed, 2);
      const flushed = socket.write(framed);
      if (!flushed || socket.writableLength >= limits.maxBufferedBytes) {
        blocked = true;
        socket.pause();
        socket.once('drain', () => {
          blocked = false;
          pump();
        });
      }
    }
    if (pending.length === 0) pending = Buffer.alloc(0); // drop the reference to the last chunk
    // A partial query starts the per-message clock; a complete one waiting on the client's reads does not.
    if (pending.length > 0 && !complete()) {
      messageTimer ??= setTimeout(() => socket.destroy(), limits.messageTimeoutMs);
    } else if (messageTimer) {
      clearTimeout(messageTimer);
      messageTimer = undefined;
    }
    if (!blocked && !yielded) socket.resume();
  };

  socket.on('data', (chunk: Buffer) => {
    if (isDown()) {
      pending = Buffer.alloc(0);
      return;
    }
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    if (!blocked && !yielded) pump();
  });
}
