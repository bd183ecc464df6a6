/**
 * One DNS message in, one out (or none): header checks, EDNS, the lookup, and
 * truncation for UDP. Pure apart from reading the store, and it never throws:
 * whatever arrives, the caller gets a well-formed response or `undefined`
 * (nothing worth answering, e.g. a response packet or less than a header).
 */
import dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, OptAnswer, Question } from 'dns-packet';
import type { ZoneStore } from '../core/zone-store.js';
import { lookup, type LookupResult } from './lookup.js';
import { toWireRecord, type PresentedRecord } from './rdata.js';

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

interface Draft {
  id: number;
  opcode: number;
  recursionDesired: boolean;
  question?: Question;
  rcode: Rcode;
  authoritative: boolean;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
  opt?: { extendedRcode: number };
}

function encode(d: Draft, truncated: boolean): Buffer {
  const flags =
    (d.opcode << 11) |
    (d.authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0) |
    (truncated ? dnsPacket.TRUNCATED_RESPONSE : 0) |
    (d.recursionDesired ? dnsPacket.RECURSION_DESIRED : 0) |
    RCODE[d.rcode];
  const additionals = truncated ? [] : [...d.additionals];
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
    additionals.push(opt);
  }
  return dnsPacket.encode({
    type: 'response',
    id: d.id,
    flags,
    questions: d.question ? [d.question] : [],
    answers: truncated ? [] : d.answers,
    authorities: truncated ? [] : d.authorities,
    additionals,
  });
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

function wire(records: PresentedRecord[], qname: string, originalQname: string): Answer[] {
  // Keep the asker's spelling of the name (0x20 case randomisation checks it).
  return records.map((rr) => toWireRecord(rr.name === qname ? { ...rr, name: originalQname } : rr));
}

function fill(d: Draft, found: LookupResult, qname: string, originalQname: string): void {
  d.rcode = found.rcode;
  d.authoritative = found.authoritative;
  try {
    d.answers = wire(found.answers, qname, originalQname);
    d.authorities = wire(found.authorities, qname, originalQname);
    d.additionals = wire(found.additionals, qname, originalQname);
  } catch {
    // A stored value that cannot be encoded: fail this query, not the server.
    Object.assign(d, { rcode: 'SERVFAIL', authoritative: false, answers: [], authorities: [], additionals: [] });
  }
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
    if (d.opcode !== 0) {
      if (packet?.questions?.length === 1) d.question = packet.questions[0];
      return reply({ ...d, rcode: 'NOTIMP' }, limitFor());
    }
    if (!packet || packet.questions?.length !== 1) return reply({ ...d, rcode: 'FORMERR' }, limitFor());
    const opts = (packet.additionals ?? []).filter((a): a is OptAnswer => a.type === 'OPT');
    if (opts.length > 1 || (opts[0] && opts[0].name !== '.')) return reply({ ...d, rcode: 'FORMERR' }, limitFor());
    const opt = opts[0];
    if (opt) d.opt = { extendedRcode: 0 };
    const question = packet.questions[0]!;
    d.question = question;
    if (opt && opt.ednsVersion > 0) return reply({ ...d, opt: { extendedRcode: BADVERS_EXTENDED } }, limitFor(opt));

    const qclass = question.class ?? 'IN';
    const qtype = question.type;
    if (qclass !== 'IN' && qclass !== 'ANY') return reply({ ...d, rcode: 'REFUSED' }, limitFor(opt));
    if (qtype === 'OPT') return reply({ ...d, rcode: 'FORMERR' }, limitFor(opt));
    if (qtype === 'AXFR' || qtype === 'IXFR') return reply({ ...d, rcode: 'REFUSED' }, limitFor(opt)); // no zone transfers
    const qname = question.name === '.' ? '.' : `${question.name.toLowerCase()}.`;
    fill(d, lookup(store, qname, qtype), qname, question.name);
    return reply(d, limitFor(opt));
  } catch {
    try {
      return reply({ ...d, rcode: 'SERVFAIL', authoritative: false, answers: [], authorities: [], additionals: [] }, limitFor());
    } catch {
      return undefined;
    }
  }
}
