/**
 * The DNS data plane of one emulator: UDP and TCP on the same loopback port,
 * answering from the zone store as it is at the moment of each query. With the
 * `dnsDown` fault on, queries are read and dropped on both transports, so
 * clients time out exactly as with an unreachable name server.
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
}

export interface RunningDnsServer {
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** An idle TCP client is disconnected after this long (RFC 7766 suggests seconds). */
const TCP_IDLE_MS = 10_000;
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

  const tcp = createServer((socket) => {
    connections.add(socket);
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    socket.on('close', () => connections.delete(socket));
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      if (down) {
        pending = Buffer.alloc(0);
        return;
      }
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      // RFC 1035 §4.2.2: each message is preceded by its length in two bytes.
      while (pending.length >= 2) {
        const size = pending.readUInt16BE(0);
        if (pending.length < 2 + size) break;
        const query = pending.subarray(2, 2 + size);
        pending = pending.subarray(2 + size);
        const out = answer(query, 'tcp', `${socket.remoteAddress}:${socket.remotePort}`);
        if (!out) continue;
        const framed = Buffer.alloc(2 + out.message.length);
        framed.writeUInt16BE(out.message.length, 0);
        out.message.copy(framed, 2);
        socket.write(framed);
      }
    });
  });
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
