/**
 * One DNS message in, one out (or none): header checks, EDNS, the lookup, and
 * truncation for UDP. Pure apart from reading the store, and it never throws:
 * whatever arrives, the caller gets a well-formed response or `undefined`
 * (nothing worth answering, e.g. a response packet or less than a header).
 */
import dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, OptAnswer } from 'dns-packet';
import type { ZoneStore } from '../core/zone-store.js';
import { lookup, type LookupResult } from './lookup.js';
import { encodeName, presentLabels, readName } from './names.js';
import { queryTypeName, toWireRecord, type PresentedRecord } from './rdata.js';

export type Transport = 'udp' | 'tcp';

/** Largest UDP answer without EDNS (RFC 1035 §4.2.1). */
export const CLASSIC_UDP_LIMIT = 512;
/** Our EDNS buffer size: the DNS Flag Day 2020 value, which avoids IP fragmentation. */
export const EDNS_UDP_LIMIT = 1232;
const TCP_LIMIT = 65535;

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
type Rcode = keyof typeof RCODE;
/** BADVERS (16) is an extended rcode: its upper bits travel in the OPT record. */
const BADVERS_EXTENDED = 16 >> 4;

export interface Reply {
  message: Buffer;
  /** For request logs. */
  summary: { qname?: string; qtype?: string; rcode: string; answers: number; truncated: boolean };
}

/** The question as it arrived: its bytes are echoed unchanged (case, and labels that contain a dot). */
interface WireQuestion {
  /** Name, type and class, exactly as in the query. */
  bytes: Buffer;
  /** The name's wire form (for answers owned by it). */
  nameWire: Buffer;
  /** Presentation form, lower-case, dots inside labels escaped: how the store is searched. */
  name: string;
  type: string;
}

/** A resource record with its owner name already in wire form (dns-packet splits names on every '.'). */
interface WireRecord {
  owner: Buffer;
  rr: Answer;
}

interface Draft {
  id: number;
  opcode: number;
  recursionDesired: boolean;
  question?: WireQuestion;
  rcode: Rcode;
  authoritative: boolean;
  answers: WireRecord[];
  authorities: WireRecord[];
  additionals: WireRecord[];
  opt?: { extendedRcode: number };
}

/** dns-packet's codec for one resource record, which its type declarations leave out. */
const answerCodec = (dnsPacket as unknown as { answer: { encode(a: Answer | OptAnswer): Buffer } }).answer;

function encodeRecord({ owner, rr }: WireRecord): Buffer {
  const rest = answerCodec.encode({ ...rr, name: '.' } as Answer);
  // Skip dns-packet's root owner (one zero byte) and put ours in front.
  return Buffer.concat([owner, rest.subarray(1)]);
}

function encode(d: Draft, truncated: boolean): Buffer {
  const flags =
    (d.opcode << 11) |
    (d.authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0) |
    (truncated ? dnsPacket.TRUNCATED_RESPONSE : 0) |
    (d.recursionDesired ? dnsPacket.RECURSION_DESIRED : 0) |
    RCODE[d.rcode];
  const additionals: Buffer[] = truncated ? [] : d.additionals.map(encodeRecord);
  if (d.opt) {
    const opt = {
      type: 'OPT',
      name: '.',
      udpPayloadSize: EDNS_UDP_LIMIT,
      extendedRcode: d.opt.extendedRcode,
      ednsVersion: 0,
      flags: 0,
      flag_do: false,
      options: [],
    } satisfies OptAnswer;
    additionals.push(answerCodec.encode(opt));
  }
  const answers = truncated ? [] : d.answers.map(encodeRecord);
  const authorities = truncated ? [] : d.authorities.map(encodeRecord);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(d.id, 0);
  header.writeUInt16BE(flags | 0x8000, 2); // QR: a response
  header.writeUInt16BE(d.question ? 1 : 0, 4);
  header.writeUInt16BE(answers.length, 6);
  header.writeUInt16BE(authorities.length, 8);
  header.writeUInt16BE(additionals.length, 10);
  return Buffer.concat([header, ...(d.question ? [d.question.bytes] : []), ...answers, ...authorities, ...additionals]);
}

function reply(d: Draft, limit: number): Reply {
  let message = encode(d, false);
  const truncated = message.length > limit;
  // Drop every record rather than send a partial RRset: the client retries over TCP.
  if (truncated) message = encode(d, true);
  return {
    message,
    summary: {
      qname: d.question?.name,
      qtype: d.question?.type,
      rcode: d.opt?.extendedRcode ? 'BADVERS' : d.rcode,
      answers: truncated ? 0 : d.answers.length,
      truncated,
    },
  };
}

function tryDecode(query: Buffer): DecodedPacket | undefined {
  try {
    return dnsPacket.decode(query);
  } catch {
    return undefined;
  }
}

function wire(records: PresentedRecord[], question: WireQuestion): WireRecord[] {
  // Records owned by the question's name keep the asker's bytes (0x20 case randomisation checks them).
  return records.map((rr) => ({ owner: rr.name === question.name ? question.nameWire : encodeName(rr.name), rr: toWireRecord(rr) }));
}

function fill(d: Draft, found: LookupResult, question: WireQuestion): void {
  d.rcode = found.rcode;
  d.authoritative = found.authoritative;
  try {
    d.answers = wire(found.answers, question);
    d.authorities = wire(found.authorities, question);
    d.additionals = wire(found.additionals, question);
  } catch {
    // A stored value that cannot be encoded: fail this query, not the server.
    Object.assign(d, { rcode: 'SERVFAIL', authoritative: false, answers: [], authorities: [], additionals: [] });
  }
}

/** The one question of a query, read from its bytes (dns-packet would read `a\.b` as two labels). */
function readQuestion(query: Buffer, packet: DecodedPacket | undefined): WireQuestion | undefined {
  if (query.readUInt16BE(4) !== 1) return undefined;
  const name = readName(query, 12);
  if (!name || name.end + 4 > query.length) return undefined;
  const typeCode = query.readUInt16BE(name.end);
  return {
    bytes: query.subarray(12, name.end + 4),
    nameWire: query.subarray(12, name.end),
    name: presentLabels(name.labels),
    type: queryTypeName(typeCode, packet?.questions?.[0]?.type),
  };
}

export function respond(store: ZoneStore, query: Buffer, transport: Transport): Reply | undefined {
  if (query.length < 12) return undefined;
  const flags = query.readUInt16BE(2);
  if (flags & 0x8000) return undefined; // a response: answering it could start a loop
  const d: Draft = {
    id: query.readUInt16BE(0),
    opcode: (flags >> 11) & 0xf,
    recursionDesired: (flags & dnsPacket.RECURSION_DESIRED) !== 0,
    rcode: 'NOERROR',
    authoritative: false,
    answers: [],
    authorities: [],
    additionals: [],
  };
  const limitFor = (opt?: OptAnswer) =>
    transport === 'tcp' ? TCP_LIMIT : opt ? Math.min(Math.max(opt.udpPayloadSize, CLASSIC_UDP_LIMIT), EDNS_UDP_LIMIT) : CLASSIC_UDP_LIMIT;
  try {
    const packet = tryDecode(query);
    const wireQuestion = readQuestion(query, packet);
    if (d.opcode !== 0) {
      if (packet?.questions?.length === 1 && wireQuestion) d.question = wireQuestion;
      return reply({ ...d, rcode: 'NOTIMP' }, limitFor());
    }
    if (!packet || packet.questions?.length !== 1 || !wireQuestion) return reply({ ...d, rcode: 'FORMERR' }, limitFor());
    const opts = (packet.additionals ?? []).filter((a): a is OptAnswer => a.type === 'OPT');
    if (opts.length > 1 || (opts[0] && opts[0].name !== '.')) return reply({ ...d, rcode: 'FORMERR' }, limitFor());
    const opt = opts[0];
    if (opt) d.opt = { extendedRcode: 0 };
    const question = packet.questions[0]!;
    d.question = wireQuestion;
    if (opt && opt.ednsVersion > 0) return reply({ ...d, opt: { extendedRcode: BADVERS_EXTENDED } }, limitFor(opt));

    const qclass = question.class ?? 'IN';
    const qtype = wireQuestion.type;
    if (qclass !== 'IN' && qclass !== 'ANY') return reply({ ...d, rcode: 'REFUSED' }, limitFor(opt));
    if (qtype === 'OPT') return reply({ ...d, rcode: 'FORMERR' }, limitFor(opt));
    if (qtype === 'AXFR' || qtype === 'IXFR') return reply({ ...d, rcode: 'REFUSED' }, limitFor(opt)); // no zone transfers
    fill(d, lookup(store, wireQuestion.name, qtype), wireQuestion);
    return reply(d, limitFor(opt));
  } catch {
    try {
      return reply({ ...d, rcode: 'SERVFAIL', authoritative: false, answers: [], authorities: [], additionals: [] }, limitFor());
    } catch {
      return undefined;
    }
  }
}
