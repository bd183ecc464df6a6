/**
 * Endpoint health from probe results, pure. Each probing location counts its
 * own consecutive failures; a location sees the endpoint Degraded after more
 * than `toleratedNumberOfFailures` of them in a row ("the number of consecutive
 * failed health checks that Traffic Manager tolerates before declaring an
 * endpoint Degraded after the next failed health check", MonitorConfig in the
 * 2022-04-01 REST spec), and Online again after one success.
 *
 * Azure does not publish how it combines its probing locations; the emulator
 * calls an endpoint Degraded when a majority of the locations that have
 * reported see it so (one location's bad path does not move traffic).
 */
import type { EndpointMonitorStatus } from './decision.js';

export interface LocationHealth {
  readonly consecutiveFailures: number;
  readonly degraded: boolean;
  /** Why the last probe failed, for the admin view. */
  readonly lastError?: string;
}

export type ProbeResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

export function afterProbe(previous: LocationHealth | undefined, result: ProbeResult, tolerated: number): LocationHealth {
  if (result.ok) return { consecutiveFailures: 0, degraded: false };
  const consecutiveFailures = (previous?.consecutiveFailures ?? 0) + 1;
  return { consecutiveFailures, degraded: consecutiveFailures > tolerated, lastError: result.error };
}

export interface MonitorInput {
  readonly profileEnabled: boolean;
  readonly endpointEnabled: boolean;
  /** One entry per probing location that has reported at least once. */
  readonly locations: readonly LocationHealth[];
}

export function monitorStatus(input: MonitorInput): EndpointMonitorStatus {
  if (!input.profileEnabled) return 'Inactive';
  if (!input.endpointEnabled) return 'Disabled';
  if (input.locations.length === 0) return 'CheckingEndpoint';
  const degraded = input.locations.filter((l) => l.degraded).length;
  return degraded * 2 > input.locations.length ? 'Degraded' : 'Online';
}
