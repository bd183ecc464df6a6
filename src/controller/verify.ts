/**
 * Verify over the data plane: after a publish, ask each provider's own
 * nameserver what it answers for the service, as a resolver would, instead of
 * trusting the API's acknowledgement. Also gives the status API its "serving
 * now" column, which is therefore what DNS says, never what the controller
 * remembers writing.
 *
 * One question per attempt (UDP, TCP when truncated: src/dns/query.ts), a short
 * per-attempt timeout, and a few attempts spread over about a second: a provider that acknowledged a write
 * may take a moment to serve it (the real ones propagate in seconds).
 */
import { DnsQueryError, queryAddresses, type AddressType } from '../dns/query.js';
import { canonicalValue } from '../dns/record.js';
import type { ProviderId } from '../providers/provider.js';
import type { ProviderVerification } from '../observability/events.js';

export type { AddressType };

/** Where one provider's authoritative nameserver answers. */
export interface ProviderNameserver {
  readonly provider: ProviderId;
  readonly host: string;
  readonly port: number;
}

/** What one nameserver said: addresses (possibly none) with the response code, or why nothing came back. */
export type ServingAnswer =
  { readonly ok: true; readonly rcode: string; readonly addresses: readonly string[] } | { readonly ok: false; readonly error: string };

export interface VerifyTiming {
  /** Per-attempt UDP timeout. */
  readonly attemptTimeoutMs: number;
  /** Give up after this long from the first attempt. */
  readonly deadlineMs: number;
  /** Pause between attempts that got a wrong (or no) answer. */
  readonly retryDelayMs: number;
}

export const DEFAULT_VERIFY_TIMING: VerifyTiming = { attemptTimeoutMs: 250, deadlineMs: 1200, retryDelayMs: 100 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Ask one nameserver for the `type` records of `name` (src/dns/query.ts); never rejects. */
export async function askNameserver(
  ns: Pick<ProviderNameserver, 'host' | 'port'>,
  name: string,
  type: AddressType,
  timeoutMs: number,
): Promise<ServingAnswer> {
  try {
    const answer = await queryAddresses(ns, name, type, timeoutMs);
    return { ok: true, rcode: answer.rcode, addresses: [...new Set(answer.addresses)].sort() };
  } catch (err) {
    if (err instanceof DnsQueryError && err.kind === 'timeout')
      return { ok: false, error: `no answer from ${ns.host}:${ns.port} within ${timeoutMs} ms` };
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
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
      return {
        provider: ns.provider,
        ok: true,
        addresses: last.addresses,
        matchedAt,
        afterDecisionMs: matchedAt - req.decidedAt,
        attempts,
      };
    }
    if (req.now() - started + timing.retryDelayMs >= timing.deadlineMs) break;
    await sleep(timing.retryDelayMs);
  }
  return last.ok
    ? {
        provider: ns.provider,
        ok: false,
        addresses: last.addresses,
        attempts,
        error: `answers [${last.addresses.join(', ')}] (${last.rcode}), expected [${req.expected.join(', ')}]`,
      }
    : { provider: ns.provider, ok: false, addresses: [], attempts, error: last.error };
}

/** Poll every provider's nameserver in parallel until it answers `expected` or the deadline passes. */
export function verifyServing(req: VerifyRequest): Promise<ProviderVerification[]> {
  const timing = req.timing ?? DEFAULT_VERIFY_TIMING;
  return Promise.all(req.nameservers.map((ns) => verifyOne(ns, req, timing)));
}

/** One question to every provider's nameserver: what each serves right now. */
export async function servingNow(
  nameservers: readonly ProviderNameserver[],
  name: string,
  type: AddressType,
  timeoutMs: number,
): Promise<Map<ProviderId, ServingAnswer>> {
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

export function dnsVerifier(
  nameservers: readonly ProviderNameserver[],
  now: () => number,
  timing: VerifyTiming = DEFAULT_VERIFY_TIMING,
): Verifier {
  return {
    providers: nameservers.map((ns) => ns.provider),
    verify: (req) => verifyServing({ ...req, nameservers, now, timing }),
    serving: (name, type) => servingNow(nameservers, name, type, timing.attemptTimeoutMs),
  };
}
