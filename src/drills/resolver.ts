/**
 * A stub of a recursive resolver in front of a zone delegated to three providers
 * at once: it asks one of the providers' name servers per question (the others
 * when that one times out, refuses or fails), remembers answers for their TTL and
 * empty answers for the SOA minimum (RFC 2308), and counts what it saw. This is
 * how the drills' clients see DNS, so a client error window includes the TTL a
 * real client would wait out.
 */
import { TtlCache } from './dns-cache.js';
import { DnsQueryError, queryA, type DnsAnswer, type Transport } from '../dns/query.js';
import { toNameserver, type Nameserver, type NameserverInput } from './nameserver.js';
import { NameserverSelection } from './nameserver-selection.js';

/** Per-question deadline; resolvers start around a few hundred ms and back off. */
export const DEFAULT_QUERY_TIMEOUT_MS = 500;
/** How long a failing server is asked last. */
export const DEFAULT_FAILURE_PENALTY_MS = 5_000;
/** BIND's max-cache-ttl and max-ncache-ttl defaults. */
export const MAX_CACHE_TTL_SECONDS = 604_800;
export const MAX_NEGATIVE_TTL_SECONDS = 10_800;

export interface Resolution {
  /** The name asked for, lower case, without the trailing dot. */
  readonly name: string;
  readonly addresses: string[];
  /** Seconds this answer is still good for (what is left of it, when from the cache). */
  readonly ttl: number;
  readonly rcode: 'NOERROR' | 'NXDOMAIN';
  /** NXDOMAIN, or NOERROR without an A record: the incident's empty answer. */
  readonly empty: boolean;
  /** Label of the name server that gave the answer (first given it, when from the cache). */
  readonly nameserver: string;
  readonly transport: Transport;
  readonly fromCache: boolean;
}

/** The resolver's interface as the traffic generator uses it (tests may pass their own). */
export interface AddressResolver {
  resolve(name: string): Promise<Resolution>;
  stats(): ResolverStats;
}

export type AttemptFailure = 'timeout' | 'network' | 'malformed' | 'servfail' | 'refused' | 'rcode';

export interface FailedAttempt {
  readonly nameserver: string;
  readonly failure: AttemptFailure;
  readonly detail: string;
}

/** No name server gave a usable answer; `reason` is the failure all attempts share, or `mixed`. */
export class ResolutionFailed extends Error {
  override readonly name = 'ResolutionFailed';
  readonly reason: AttemptFailure | 'mixed';
  constructor(
    readonly qname: string,
    readonly attempts: readonly FailedAttempt[],
  ) {
    super(`could not resolve ${qname}: ${attempts.map((a) => `${a.nameserver} ${a.detail}`).join('; ')}`);
    const kinds = new Set(attempts.map((a) => a.failure));
    this.reason = kinds.size === 1 ? attempts[0]!.failure : 'mixed';
  }
}

export interface NameserverCounts {
  queries: number;
  /** Usable answers: NOERROR or NXDOMAIN. */
  answers: number;
  /** Of those, answers with no address. */
  empty: number;
  timeouts: number;
  refused: number;
  servfail: number;
  /** Network errors, undecodable answers and other rcodes. */
  errors: number;
  /** Answers that came truncated over UDP and were asked again over TCP. */
  tcp: number;
}

export interface ResolverStats {
  readonly nameservers: Record<string, NameserverCounts>;
  readonly cacheHits: number;
  readonly cacheMisses: number;
  /** Empty answers received from the name servers (the drill report's `empty_answers`). */
  readonly emptyAnswers: number;
  /** Questions no server answered. */
  readonly failures: number;
}

export interface StubResolverOptions {
  nameservers: readonly NameserverInput[];
  timeoutMs?: number;
  failurePenaltyMs?: number;
  maxTtlSeconds?: number;
  maxNegativeTtlSeconds?: number;
  /** Clock for the cache and the failure penalties (ms). */
  now?: () => number;
  /** Spreads questions over the servers; inject to fix the order in tests. */
  random?: () => number;
}

function zeroCounts(): NameserverCounts {
  return { queries: 0, answers: 0, empty: 0, timeouts: 0, refused: 0, servfail: 0, errors: 0, tcp: 0 };
}

function classify(answer: DnsAnswer): AttemptFailure | undefined {
  if (answer.rcode === 'NOERROR' || answer.rcode === 'NXDOMAIN') return undefined;
  if (answer.rcode === 'SERVFAIL') return 'servfail';
  if (answer.rcode === 'REFUSED') return 'refused';
  return 'rcode';
}

export class StubResolver implements AddressResolver {
  readonly nameservers: readonly Nameserver[];
  private readonly timeoutMs: number;
  private readonly maxTtl: number;
  private readonly maxNegativeTtl: number;
  private readonly selection: NameserverSelection;
  private readonly cache: TtlCache<Omit<Resolution, 'ttl' | 'fromCache'>>;
  /** One question on the wire per name at a time; later callers share its answer. */
  private readonly inFlight = new Map<string, Promise<Resolution>>();
  private readonly counts = new Map<string, NameserverCounts>();
  private cacheHits = 0;
  private cacheMisses = 0;
  private emptyAnswers = 0;
  private failures = 0;

  constructor(options: StubResolverOptions) {
    if (options.nameservers.length === 0) throw new RangeError('StubResolver needs at least one name server');
    this.nameservers = options.nameservers.map(toNameserver);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS;
    this.maxTtl = options.maxTtlSeconds ?? MAX_CACHE_TTL_SECONDS;
    this.maxNegativeTtl = options.maxNegativeTtlSeconds ?? MAX_NEGATIVE_TTL_SECONDS;
    const now = options.now ?? Date.now;
    this.cache = new TtlCache(now);
    this.selection = new NameserverSelection(this.nameservers, {
      penaltyMs: options.failurePenaltyMs ?? DEFAULT_FAILURE_PENALTY_MS,
      now,
      random: options.random ?? Math.random,
    });
    for (const ns of this.nameservers) this.counts.set(ns.label, zeroCounts());
  }

  resolve(name: string): Promise<Resolution> {
    const qname = name.toLowerCase().replace(/\.$/, '');
    const hit = this.cache.get(qname);
    if (hit) {
      this.cacheHits += 1;
      return Promise.resolve({ ...hit.value, addresses: [...hit.value.addresses], ttl: hit.remainingSeconds, fromCache: true });
    }
    const pending = this.inFlight.get(qname);
    if (pending) return pending;
    this.cacheMisses += 1;
    const asked = this.ask(qname).finally(() => this.inFlight.delete(qname));
    this.inFlight.set(qname, asked);
    return asked;
  }

  stats(): ResolverStats {
    return {
      nameservers: Object.fromEntries([...this.counts].map(([label, c]) => [label, { ...c }])),
      cacheHits: this.cacheHits,
      cacheMisses: this.cacheMisses,
      emptyAnswers: this.emptyAnswers,
      failures: this.failures,
    };
  }

  /** Labels of the servers currently asked last because they failed lately. */
  penalised(): string[] {
    return this.selection.penalised();
  }

  /** Forget every cached answer (a client restart). */
  flush(): void {
    this.cache.clear();
  }

  private async ask(qname: string): Promise<Resolution> {
    const attempts: FailedAttempt[] = [];
    for (const server of this.selection.order()) {
      const counts = this.counts.get(server.label)!;
      counts.queries += 1;
      let answer: DnsAnswer;
      try {
        answer = await queryA(server, qname, this.timeoutMs);
      } catch (err) {
        const failure: AttemptFailure = err instanceof DnsQueryError ? err.kind : 'network';
        if (failure === 'timeout') counts.timeouts += 1;
        else counts.errors += 1;
        attempts.push({ nameserver: server.label, failure, detail: (err as Error).message });
        this.selection.failed(server);
        continue;
      }
      if (answer.transport === 'tcp') counts.tcp += 1;
      const failure = classify(answer);
      if (failure) {
        if (failure === 'servfail') counts.servfail += 1;
        else if (failure === 'refused') counts.refused += 1;
        else counts.errors += 1;
        attempts.push({ nameserver: server.label, failure, detail: `answered ${answer.rcode}` });
        this.selection.failed(server);
        continue;
      }
      this.selection.answered(server);
      return this.remember(qname, server, answer, counts);
    }
    this.failures += 1;
    throw new ResolutionFailed(qname, attempts);
  }

  private remember(qname: string, server: Nameserver, answer: DnsAnswer, counts: NameserverCounts): Resolution {
    const empty = answer.addresses.length === 0;
    counts.answers += 1;
    if (empty) {
      counts.empty += 1;
      this.emptyAnswers += 1;
    }
    // Without an SOA in the authority section there is nothing to cache a negative answer by.
    const ttl = empty ? Math.min(answer.negativeTtl ?? 0, this.maxNegativeTtl) : Math.min(answer.ttl ?? 0, this.maxTtl);
    const value = {
      name: qname,
      addresses: answer.addresses,
      rcode: answer.rcode === 'NXDOMAIN' ? ('NXDOMAIN' as const) : ('NOERROR' as const),
      empty,
      nameserver: server.label,
      transport: answer.transport,
    };
    this.cache.set(qname, value, ttl);
    return { ...value, ttl, fromCache: false };
  }
}
