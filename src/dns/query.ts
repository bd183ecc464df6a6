/**
 * One address question (A or AAAA) to one name server, asked the way a
 * recursive resolver asks an authoritative server: UDP with EDNS (1232 bytes,
 * the DNS Flag Day 2020 size) and, when the answer comes back truncated, the
 * same question over TCP. Each transport gets its own deadline. No cache and no
 * retry here: the caller (the controller's verification, the drills' resolver
 * and poller) decides what a failure means.
 */
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { connect, isIPv6 } from 'node:net';
import dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket } from 'dns-packet';
import { canonicalValue } from './record.js';

/** A name server to ask; `label` (default `host:port`) names it in errors. */
export interface DnsServer {
  readonly host: string;
  readonly port: number;
  readonly label?: string;
}

export type AddressType = 'A' | 'AAAA';

const labelOf = (s: DnsServer) => s.label ?? `${s.host}:${s.port}`;

export type Transport = 'udp' | 'tcp';

const EDNS_PAYLOAD = 1232;
const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'] as const;

/** What came back, reduced to what a client of the A record cares about. */
export interface DnsAnswer {
  /** NOERROR, NXDOMAIN, SERVFAIL, REFUSED, ... (`RCODE<n>` for the rest). */
  readonly rcode: string;
  readonly authoritative: boolean;
  readonly transport: Transport;
  /** Addresses of the name (canonical form), following any CNAME chain the server included. */
  readonly addresses: string[];
  /** Lowest TTL (seconds) over those records and the CNAMEs leading to them. */
  readonly ttl: number | undefined;
  /** For answers without addresses: min(SOA TTL, SOA minimum) from the authority section (RFC 2308 §5). */
  readonly negativeTtl: number | undefined;
}

/** Why no answer came back at all. */
export type QueryFailureKind = 'timeout' | 'network' | 'malformed';

export class DnsQueryError extends Error {
  override readonly name = 'DnsQueryError';
  constructor(
    readonly kind: QueryFailureKind,
    readonly server: string,
    detail: string,
  ) {
    super(`DNS query to ${server} failed: ${detail}`);
  }
}

/** Is this the answer to our question (same id, same name and type)? */
interface Question {
  readonly id: number;
  readonly qname: string;
  readonly type: AddressType;
}

function answersQuestion(packet: DecodedPacket, q: Question): boolean {
  const asked = packet.questions?.[0];
  return (
    packet.type === 'response' && packet.id === q.id && asked !== undefined && asked.type === q.type && asked.name.toLowerCase() === q.qname
  );
}

function decodeOrUndefined(message: Buffer): DecodedPacket | undefined {
  try {
    return dnsPacket.decode(message);
  } catch {
    return undefined;
  }
}

/** Addresses of `qname` (through CNAMEs in the same answer) and the lowest TTL on the way. */
function addressesOf(answers: readonly Answer[], qname: string, type: AddressType): { addresses: string[]; ttl: number | undefined } {
  const names = new Set([qname]);
  const addresses: string[] = [];
  let ttl: number | undefined;
  const lower = (t: number | undefined) => (ttl = Math.min(ttl ?? Infinity, t ?? 0));
  let grew = true;
  // Loop until the chain stops growing, so answer order does not matter.
  while (grew) {
    grew = false;
    for (const a of answers) {
      if (a.type === 'CNAME' && names.has(a.name.toLowerCase()) && !names.has(a.data.toLowerCase())) {
        names.add(a.data.toLowerCase());
        lower(a.ttl);
        grew = true;
      }
    }
  }
  for (const a of answers) {
    if (a.type === type && names.has(a.name.toLowerCase())) {
      addresses.push(canonicalValue(type, a.data));
      lower(a.ttl);
    }
  }
  return { addresses, ttl: addresses.length > 0 ? ttl : undefined };
}

function negativeTtlOf(authorities: readonly Answer[]): number | undefined {
  for (const a of authorities) {
    if (a.type === 'SOA') return Math.min(a.ttl ?? 0, a.data.minimum ?? a.ttl ?? 0);
  }
  return undefined;
}

function toAnswer(packet: DecodedPacket, q: Question, transport: Transport): DnsAnswer {
  const code = (packet.flags ?? 0) & 0xf;
  const { addresses, ttl } = addressesOf(packet.answers ?? [], q.qname, q.type);
  return {
    rcode: RCODES[code] ?? `RCODE${code}`,
    authoritative: packet.flag_aa,
    transport,
    addresses,
    ttl,
    negativeTtl: addresses.length === 0 ? negativeTtlOf(packet.authorities ?? []) : undefined,
  };
}

function encodeQuery({ id, qname, type }: Question): Buffer {
  // RD off: we play the recursive resolver talking to an authoritative server.
  return dnsPacket.encode({
    type: 'query',
    id,
    flags: 0,
    questions: [{ type, class: 'IN', name: qname }],
    additionals: [
      { type: 'OPT', name: '.', udpPayloadSize: EDNS_PAYLOAD, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] },
    ],
  });
}

function overUdp(server: DnsServer, query: Buffer, q: Question, timeoutMs: number): Promise<DecodedPacket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(server.host) ? 'udp6' : 'udp4');
    const timer = setTimeout(
      () => done(new DnsQueryError('timeout', labelOf(server), `no answer over UDP within ${timeoutMs} ms`)),
      timeoutMs,
    );
    let settled = false;
    function done(outcome: DecodedPacket | Error): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    }
    // A connected socket only accepts datagrams from the server, and learns of a
    // closed port (ICMP unreachable) at once instead of waiting for the deadline.
    socket.on('error', (err: NodeJS.ErrnoException) =>
      done(new DnsQueryError('network', labelOf(server), `${err.code ?? err.message} over UDP`)),
    );
    socket.on('message', (message) => {
      const packet = decodeOrUndefined(message);
      if (packet && answersQuestion(packet, q)) done(packet);
    });
    socket.connect(server.port, server.host, () => {
      if (!settled) socket.send(query);
    });
  });
}

function overTcp(server: DnsServer, query: Buffer, q: Question, timeoutMs: number): Promise<DecodedPacket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: server.host, port: server.port });
    const timer = setTimeout(
      () => done(new DnsQueryError('timeout', labelOf(server), `no answer over TCP within ${timeoutMs} ms`)),
      timeoutMs,
    );
    let settled = false;
    let pending = Buffer.alloc(0);
    function done(outcome: DecodedPacket | Error): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    }
    socket.on('error', (err: NodeJS.ErrnoException) =>
      done(new DnsQueryError('network', labelOf(server), `${err.code ?? err.message} over TCP`)),
    );
    socket.on('close', () => done(new DnsQueryError('network', labelOf(server), 'TCP connection closed before an answer')));
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      // RFC 1035 §4.2.2: two length bytes, then the message.
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const size = pending.readUInt16BE(0);
        const packet = decodeOrUndefined(pending.subarray(2, 2 + size));
        pending = pending.subarray(2 + size);
        if (!packet) return done(new DnsQueryError('malformed', labelOf(server), 'undecodable answer over TCP'));
        if (answersQuestion(packet, q)) return done(packet);
      }
    });
    const framed = Buffer.alloc(2 + query.length);
    framed.writeUInt16BE(query.length, 0);
    query.copy(framed, 2);
    socket.write(framed);
  });
}

/** Ask `server` for the `type` records of `name`; rejects with DnsQueryError when nothing usable came back. */
export async function queryAddresses(server: DnsServer, name: string, type: AddressType, timeoutMs: number): Promise<DnsAnswer> {
  const q: Question = { id: randomInt(0, 0x10000), qname: name.toLowerCase().replace(/\.$/, ''), type };
  const query = encodeQuery(q);
  const udp = await overUdp(server, query, q, timeoutMs);
  if (!udp.flag_tc) return toAnswer(udp, q, 'udp');
  return toAnswer(await overTcp(server, query, q, timeoutMs), q, 'tcp');
}

/** Ask `server` for the A records of `name`. */
export function queryA(server: DnsServer, name: string, timeoutMs: number): Promise<DnsAnswer> {
  return queryAddresses(server, name, 'A', timeoutMs);
}
