/**
 * A publish outcome as the `write` event reports it: per provider ok, conflict,
 * throttled, out-of-sync or held, with latency, API calls and changes. Pure.
 */
import type { ApplyOutcome } from './apply-outcome.js';
import type { ProviderWriteOutcome } from '../observability/events.js';

export function writeOutcomes(outcome: ApplyOutcome): ProviderWriteOutcome[] {
  return outcome.providers.map((o) => {
    const result =
      o.status === 'in-sync'
        ? 'ok'
        : o.status === 'conflict-exhausted'
          ? 'conflict'
          : o.status === 'held'
            ? 'held'
            : o.errorKind === 'throttled'
              ? 'throttled'
              : 'out-of-sync';
    const detail =
      o.status === 'out-of-sync'
        ? `${o.errorKind}: ${o.reason}`
        : o.status === 'held'
          ? o.reason
          : o.status === 'conflict-exhausted'
            ? o.conflicts.map((c) => `${c.name}: ${c.message}`).join('; ')
            : undefined;
    return {
      provider: o.provider,
      result,
      apiCalls: o.apiCalls,
      changes: o.applied.length,
      ...(o.publishMs !== undefined ? { latencyMs: o.publishMs } : {}),
      ...(detail !== undefined ? { detail } : {}),
    };
  });
}

/** `route53 ok 12 ms, azure out-of-sync, ...` for the event's reason. */
export function describeWrites(providers: readonly ProviderWriteOutcome[]): string {
  return providers.map((p) => `${p.provider} ${p.result}${p.latencyMs !== undefined ? ` ${p.latencyMs} ms` : ''}`).join(', ');
}
