/**
 * What clients saw, for the dashboard's client-impact panel: GET /client-impact.
 *
 * The controller itself only sees probes and DNS; the requests of real clients
 * are somebody else's. In the local demo the traffic generator (which resolves
 * through the providers' nameservers, honouring TTL, as a client would) hands
 * every outcome to this feed, and the topology tells it which faults are
 * injected. The feed keeps per-second buckets — answers per cloud, errors by
 * kind, the faults active then — for the last few minutes. A production
 * controller has no feed: the endpoint says so and the panel explains it.
 */
import type { RequestHandler } from 'express';

/** One client request's outcome, as the feed needs it. */
export interface ClientOutcome {
  /** When the client knew the outcome (epoch ms). */
  readonly at: number;
  readonly ok: boolean;
  /** The cloud that answered (ok only). */
  readonly cloud?: string;
  /** Why it failed (errors only), e.g. connect-refused, http-5xx, dns-empty. */
  readonly error?: string;
}

/** A fault injected into the local topology, in words a person reads on the dashboard. */
export interface InjectedFault {
  /** What it is on: a cloud's service (`aws`) or a DNS provider (`route53`). */
  readonly kind: 'cloud' | 'provider';
  readonly target: string;
  /** e.g. `down`, `dependency-dns-empty`, `api down`, `throttle 50, 10/s`. */
  readonly fault: string;
}

export interface ImpactBucket {
  /** Start of the second (epoch ms). */
  readonly at: number;
  /** Answered requests per cloud. */
  readonly ok: Readonly<Record<string, number>>;
  readonly errors: number;
  readonly errorsByKind: Readonly<Record<string, number>>;
  /** Faults active when the bucket opened, as `target: fault`. */
  readonly faults: readonly string[];
}

export interface ClientImpact {
  /** Who feeds the panel; null when nobody does (a production controller). */
  readonly source: string | null;
  readonly bucketMs: number;
  /** Oldest first; seconds without any request are absent. */
  readonly buckets: readonly ImpactBucket[];
  /** Faults injected now. */
  readonly faults: readonly InjectedFault[];
}

export const IMPACT_BUCKET_MS = 1000;
/** Five minutes of seconds. */
export const IMPACT_HISTORY = 300;

interface MutableBucket {
  at: number;
  ok: Record<string, number>;
  errors: number;
  errorsByKind: Record<string, number>;
  faults: string[];
}

export class ClientImpactFeed {
  readonly source: string;
  readonly #buckets: MutableBucket[] = [];
  readonly #history: number;
  #faults: () => readonly InjectedFault[] = () => [];

  constructor(options: { source: string; history?: number }) {
    this.source = options.source;
    this.#history = options.history ?? IMPACT_HISTORY;
  }

  /** Where the injected faults are read from (the topology, once it runs). */
  set faultSource(read: () => readonly InjectedFault[]) {
    this.#faults = read;
  }

  faults(): readonly InjectedFault[] {
    return this.#faults();
  }

  record(o: ClientOutcome): void {
    const at = Math.floor(o.at / IMPACT_BUCKET_MS) * IMPACT_BUCKET_MS;
    let bucket = this.#buckets.find((b) => b.at === at);
    if (bucket === undefined) {
      bucket = { at, ok: {}, errors: 0, errorsByKind: {}, faults: this.#faults().map((f) => `${f.target}: ${f.fault}`) };
      this.#buckets.push(bucket);
      // Outcomes finish out of order by a request's latency at most: keep the seconds sorted.
      this.#buckets.sort((a, b) => a.at - b.at);
      if (this.#buckets.length > this.#history) this.#buckets.splice(0, this.#buckets.length - this.#history);
    }
    if (o.ok) {
      const cloud = o.cloud ?? 'unknown';
      bucket.ok[cloud] = (bucket.ok[cloud] ?? 0) + 1;
    } else {
      bucket.errors += 1;
      const kind = o.error ?? 'error';
      bucket.errorsByKind[kind] = (bucket.errorsByKind[kind] ?? 0) + 1;
    }
  }

  snapshot(): ClientImpact {
    return {
      source: this.source,
      bucketMs: IMPACT_BUCKET_MS,
      buckets: this.#buckets.map((b) => ({ ...b, ok: { ...b.ok }, errorsByKind: { ...b.errorsByKind }, faults: [...b.faults] })),
      faults: this.faults(),
    };
  }
}

/** GET /client-impact: the feed's snapshot, or an empty answer that says nobody feeds it. */
export function clientImpactHandler(feed: ClientImpactFeed | undefined): RequestHandler {
  return (_req, res) => {
    const empty: ClientImpact = { source: null, bucketMs: IMPACT_BUCKET_MS, buckets: [], faults: [] };
    res.json(feed ? feed.snapshot() : empty);
  };
}
