/** Synthetic drill recordings for the report tests: events, answer runs, requests. */
import type { ControllerEvent, DecisionEvent, NewEvent, ProviderWriteOutcome, WriteEvent } from '../../src/observability/events.js';
import type { AnswerSpan } from '../../src/drills/answer-history.js';
import type { DrillObservations } from '../../src/drills/report.js';
import type { RequestOutcome } from '../../src/drills/traffic-timeline.js';

export const AWS = '127.0.0.11';
export const AZURE = '127.0.0.12';
export const GCP = '127.0.0.13';
export const ADDRESSES = { aws: AWS, azure: AZURE, gcp: GCP } as const;
export const HEALTH = { intervalMs: 1000, fastIntervalMs: 500, timeoutMs: 500, rise: 2, fall: 3 };
export const SETTINGS = { health: HEALTH, dwellMs: 3000, ttl: 1, trafficRate: 20 };

/** Stamps events with ids in the order given, as the controller's EventLog does. */
export function log(...events: (NewEvent & { at: number })[]): ControllerEvent[] {
  return events.map((e, i) => ({ actor: 'controller', ...e, id: i + 1, time: new Date(e.at).toISOString() }) as ControllerEvent);
}

export const verdict = (at: number, targetId: string, before: string, after: string) => ({
  type: 'verdict' as const,
  at,
  targetId,
  before: before as 'up',
  after: after as 'down',
  reason: `${targetId} ${after}`,
});

export const decision = (at: number, after: string[], extra: Partial<DecisionEvent> = {}) => ({
  type: 'decision' as const,
  at,
  service: 'app.example.test.',
  kind: 'change' as const,
  before: [],
  after,
  basedOnGeneration: 1,
  held: false,
  failOpen: false,
  paused: false,
  urgent: false,
  reason: 'synthetic',
  ...extra,
});

const ok = (provider: 'route53' | 'azure' | 'clouddns', latencyMs: number): ProviderWriteOutcome => ({
  provider,
  result: 'ok',
  latencyMs,
  apiCalls: 2,
  changes: 2,
});

export function write(
  at: number,
  generation: number,
  before: string[],
  after: string[],
  providers: ProviderWriteOutcome[] = [ok('route53', 40), ok('azure', 60), ok('clouddns', 50)],
  status: WriteEvent['status'] = 'in-sync',
) {
  return { type: 'write' as const, at, service: 'app.example.test.', generation, status, before, after, providers, reason: 'synthetic' };
}

export { ok as acknowledged };

export const span = (from: number, to: number, addresses: string[], outcome: AnswerSpan['outcome'] = 'answer'): AnswerSpan => ({
  outcome,
  addresses,
  from,
  to,
  polls: Math.max(1, Math.round((to - from) / 20) + 1),
  ...(outcome === 'answer' || outcome === 'empty' ? { rcode: 'NOERROR' } : {}),
});

export function request(seq: number, startedAt: number, result: string, latencyMs = 5): RequestOutcome {
  const base = { seq, startedAt, endedAt: startedAt + latencyMs, latencyMs };
  return result.startsWith('!')
    ? { ...base, ok: false, error: result.slice(1) as 'connect-refused', detail: 'synthetic' }
    : { ...base, ok: true, cloud: result, status: 200 };
}

/** `n` requests every 50 ms from `from`, answered by `cloud` (or failing with `!kind`). */
export function requests(from: number, n: number, result: string, seqFrom = 1): RequestOutcome[] {
  return Array.from({ length: n }, (_, i) => request(seqFrom + i, from + i * 50, result));
}

export function observations(
  partial: Partial<DrillObservations> & Pick<DrillObservations, 'faultAt' | 'endedAt' | 'events' | 'answers'>,
): DrillObservations {
  return {
    scenario: 'synthetic',
    health: HEALTH,
    dwellMs: 3000,
    emptyAnswers: { route53: 0, azure: 0, clouddns: 0 },
    apiCalls: {},
    ...partial,
  };
}
