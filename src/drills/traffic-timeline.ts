/**
 * What the load generator saw, request by request, and the figures a drill report
 * takes from it: `client_errors` and `client_error_window_ms` after a fault,
 * latency percentiles, counts per cloud and per kind of error. Pure: a timeline
 * in, numbers out, so the arithmetic has table tests.
 */

/** Why a request failed, as a client would tell: DNS first, then the connection, then HTTP. */
export const TRAFFIC_ERROR_KINDS = [
  'dns-empty',
  'dns-timeout',
  'dns-refused',
  'dns-servfail',
  'dns-error',
  'connect-refused',
  'connect-reset',
  'timeout',
  'http-5xx',
  'http-4xx',
  'http-other',
  'bad-body',
  'network',
] as const;
export type TrafficErrorKind = (typeof TRAFFIC_ERROR_KINDS)[number];

interface OutcomeBase {
  /** Order the request was sent in, from 1. */
  readonly seq: number;
  /** On the generator's clock (ms). */
  readonly startedAt: number;
  /** When the client knew the outcome; the time an error is counted at. */
  readonly endedAt: number;
  readonly latencyMs: number;
  /** The address DNS gave (absent when DNS gave none). */
  readonly address?: string;
  /** The name server whose answer was used, and whether it came from the cache. */
  readonly nameserver?: string;
  readonly fromCache?: boolean;
}

export type RequestOutcome =
  | (OutcomeBase & { readonly ok: true; readonly cloud: string; readonly status: number })
  | (OutcomeBase & { readonly ok: false; readonly error: TrafficErrorKind; readonly detail: string; readonly status?: number });

/** Successes in a row that mark the end of an error window. */
export const DEFAULT_STEADY_SUCCESSES = 10;

export interface ClientErrorWindow {
  /** Errors from the first one after `fromMs` to the last one before steady success. */
  readonly client_errors: number;
  /** Time between the first and the last of those errors, by when the client saw them. */
  readonly client_error_window_ms: number;
  readonly firstErrorAt?: number;
  readonly lastErrorAt?: number;
  /** When the steady run of successes began, if one followed the last error. */
  readonly steadySince?: number;
  /** No errors at all, or a steady run of successes after them. */
  readonly recovered: boolean;
  readonly errorsByKind: Partial<Record<TrafficErrorKind, number>>;
}

export interface WindowOptions {
  /** Successes in a row that count as steady (default 10). */
  steadySuccesses?: number;
  /** Ignore outcomes after this time (e.g. the next phase of a drill). */
  toMs?: number;
  /**
   * Successes before this time do not end the window: until every provider's
   * nameserver serves a healthy target, a client whose resolver asks a lagging
   * one still fails, however many others succeed in between.
   */
  openUntilMs?: number;
}

/**
 * The client error window after a fault injected at `fromMs`: from the first error
 * the client saw to the last error before `steadySuccesses` successes in a row.
 * Errors after that steady run belong to something else and are not counted.
 * With `openUntilMs`, only successes from then on can make the steady run.
 */
export function clientErrorWindow(timeline: readonly RequestOutcome[], fromMs: number, options: WindowOptions = {}): ClientErrorWindow {
  const steady = options.steadySuccesses ?? DEFAULT_STEADY_SUCCESSES;
  const toMs = options.toMs ?? Infinity;
  const openUntil = options.openUntilMs ?? -Infinity;
  const seen = timeline.filter((o) => o.endedAt >= fromMs && o.endedAt <= toMs).sort((a, b) => a.endedAt - b.endedAt || a.seq - b.seq);

  let first: RequestOutcome | undefined;
  let last: RequestOutcome | undefined;
  let errors = 0;
  const byKind: Partial<Record<TrafficErrorKind, number>> = {};
  let streak = 0;
  let streakStart: number | undefined;
  for (const o of seen) {
    if (o.ok) {
      if (!first || o.endedAt < openUntil) continue;
      if (streak === 0) streakStart = o.endedAt;
      streak += 1;
      if (streak >= steady) break;
      continue;
    }
    first ??= o;
    last = o;
    errors += 1;
    byKind[o.error] = (byKind[o.error] ?? 0) + 1;
    streak = 0;
    streakStart = undefined;
  }
  if (!first || !last) return { client_errors: 0, client_error_window_ms: 0, recovered: true, errorsByKind: {} };
  const recovered = streak >= steady;
  return {
    client_errors: errors,
    client_error_window_ms: last.endedAt - first.endedAt,
    firstErrorAt: first.endedAt,
    lastErrorAt: last.endedAt,
    ...(recovered && streakStart !== undefined ? { steadySince: streakStart } : {}),
    recovered,
    errorsByKind: byKind,
  };
}

/** Nearest-rank percentile (p in 0..100) of `values`; undefined when there are none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}
