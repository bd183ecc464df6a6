/**
 * Verify over the data plane: after a publish, ask each provider's own
 * nameserver what it answers for the service, as a resolver would, instead of
 * trusting the API's acknowledgement. Also gives the status API its "serving
 * now" column, which is therefore what DNS says, never what the controller
 * remembers writing.
 *
 * One UDP question per attempt (dns-packet), a short per-attempt timeout, and a
 * few attempts spread over about a second: a provider that acknowledged a write
 * may take a moment to serve it (the real ones propagate in seconds).
 */
import { randomInt } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import dnsPacket from 'dns-packet';
import type { DecodedPacket } from 'dns-packet';
import { canonicalValue } from '../dns/record.js';
import type { ProviderId } from '../providers/provider.js';
import type { ProviderVerification } from './events.js';

export type AddressType = 'A' | 'AAAA';

/** Where one provider's authoritative nameserver answers. */
export interface ProviderNameserver {
  readonly provider: ProviderId;
  readonly host: string;
  readonly port: number;
}

/** What one nameserver said: addresses (possibly none) with the response code, or why nothing came back. */
export type ServingAnswer =
  | { readonly ok: true; readonly rcode: string; readonly addresses: readonly string[] }
  | { readonly ok: false; readonly error: string };

export interface VerifyTiming {
  /** Per-attempt UDP timeout. */
  readonly attemptTimeoutMs: number;
  /** Give up after this long from the first attempt. */
  readonly deadlineMs: number;
  /** Pause between attempts that got a wrong (or no) answer. */
  readonly retryDelayMs: number;
}

export const DEFAULT_VERIFY_TIMING: VerifyTiming = { attemptTimeoutMs: 250, deadlineMs: 1200, retryDelayMs: 100 };

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'] as const;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Ask one nameserver for the `type` records of `name` over UDP; never rejects. */
export function askNameserver(ns: Pick<ProviderNameserver, 'host' | 'port'>, name: string, type: AddressType, timeoutMs: number): Promise<ServingAnswer> {
  const qname = name.toLowerCase().replace(/\.$/, '');
  const id = randomInt(0, 0x10000);
  const query = dnsPacket.encode({ type: 'query', id, flags: 0, questions: [{ type, class: 'IN', name: qname }] });
  return new Promise((resolve) => {
    const socket = createSocket(isIPv6(ns.host) ? 'udp6' : 'udp4');
    let settled = false;
    const done = (answer: ServingAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close();
      resolve(answer);
    };
    const timer = setTimeout(() => done({ ok: false, error: `no answer from ${ns.host}:${ns.port} within ${timeoutMs} ms` }), timeoutMs);
    socket.on('error', (err: NodeJS.ErrnoException) => done({ ok: false, error: `${ns.host}:${ns.port}: ${err.code ?? err.message}` }));
    socket.on('message', (message) => {
      let packet: DecodedPacket;
      try {
        packet = dnsPacket.decode(message);
      } catch {
        return; // not a DNS answer: keep waiting for one
      }
      const q = packet.questions?.[0];
      if (packet.type !== 'response' || packet.id !== id || q?.name.toLowerCase() !== qname || q.type !== type) return;
      const code = (packet.flags ?? 0) & 0xf;
      const addresses = (packet.answers ?? []).filter((a) => a.type === type && a.name.toLowerCase() === qname).map((a) => canonicalValue(type, String((a as { data?: unknown }).data)));
      done({ ok: true, rcode: RCODES[code] ?? `RCODE${code}`, addresses: [...new Set(addresses)].sort() });
    });
    // Connected: only the server's datagrams are accepted, and a closed port fails at once.
    socket.connect(ns.port, ns.host, () => {
      if (!settled) socket.send(query);
    });
  });
}

/** Same address set, order and spelling aside. */
export function sameAddressSet(type: AddressType, a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a.map((v) => canonicalValue(type, v)));
  const y = new Set(b.map((v) => canonicalValue(type, v)));
  return x.size === y.size && [...x].every((v) => y.has(v));
}

export interface VerifyRequest {
  readonly nameservers: readonly ProviderNameserver[];
  readonly name: string;
  readonly type: AddressType;
  readonly expected: readonly string[];
  /** The decision's time, so each provider's match time is also given relative to it. */
  readonly decidedAt: number;
  readonly now: () => number;
  readonly timing?: VerifyTiming;
}

async function verifyOne(ns: ProviderNameserver, req: VerifyRequest, timing: VerifyTiming): Promise<ProviderVerification> {
  const started = req.now();
  let attempts = 0;
  let last: ServingAnswer = { ok: false, error: 'not asked' };
  for (;;) {
    attempts += 1;
    last = await askNameserver(ns, req.name, req.type, timing.attemptTimeoutMs);
    if (last.ok && sameAddressSet(req.type, last.addresses, req.expected)) {
      const matchedAt = req.now();
      return { provider: ns.provider, ok: true, addresses: last.addresses, matchedAt, afterDecisionMs: matchedAt - req.decidedAt, attempts };
    }
    if (req.now() - started + timing.retryDelayMs >= timing.deadlineMs) break;
    await sleep(timing.retryDelayMs);
  }
  return last.ok
    ? { provider: ns.provider, ok: false, addresses: last.addresses, attempts, error: `answers [${last.addresses.join(', ')}] (${last.rcode}), expected [${req.expected.join(', ')}]` }
    : { provider: ns.provider, ok: false, addresses: [], attempts, error: last.error };
}

/** Poll every provider's nameserver in parallel until it answers `expected` or the deadline passes. */
export function verifyServing(req: VerifyRequest): Promise<ProviderVerification[]> {
  const timing = req.timing ?? DEFAULT_VERIFY_TIMING;
  return Promise.all(req.nameservers.map((ns) => verifyOne(ns, req, timing)));
}

/** One question to every provider's nameserver: what each serves right now. */
export async function servingNow(nameservers: readonly ProviderNameserver[], name: string, type: AddressType, timeoutMs: number): Promise<Map<ProviderId, ServingAnswer>> {
  const answers = await Promise.all(nameservers.map((ns) => askNameserver(ns, name, type, timeoutMs)));
  return new Map(nameservers.map((ns, i) => [ns.provider, answers[i] as ServingAnswer]));
}

/** What the controller needs from the data plane; `dnsVerifier` asks the providers' nameservers. */
export interface Verifier {
  /** Providers whose nameserver can be asked. */
  readonly providers: readonly ProviderId[];
  verify(req: Pick<VerifyRequest, 'name' | 'type' | 'expected' | 'decidedAt'>): Promise<ProviderVerification[]>;
  serving(name: string, type: AddressType): Promise<Map<ProviderId, ServingAnswer>>;
}

export function dnsVerifier(nameservers: readonly ProviderNameserver[], now: () => number, timing: VerifyTiming = DEFAULT_VERIFY_TIMING): Verifier {
  return {
    providers: nameservers.map((ns) => ns.provider),
    verify: (req) => verifyServing({ ...req, nameservers, now, timing }),
    serving: (name, type) => servingNow(nameservers, name, type, timing.attemptTimeoutMs),
  };
}
