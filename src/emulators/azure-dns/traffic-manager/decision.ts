/**
 * Traffic Manager's routing decision, pure: endpoint states in, the targets a
 * DNS query is answered with out. No I/O and no clock, so every rule is a
 * table test (test/unit/traffic-manager-decision.test.ts).
 *
 * Rules (Azure docs, "Traffic Manager routing methods" and "Traffic Manager
 * endpoint monitoring"):
 * - an endpoint takes part only when its `endpointStatus` is Enabled;
 * - Priority: the Enabled endpoint with the lowest priority number that is
 *   Online (or still CheckingEndpoint, which Traffic Manager treats as Online);
 * - MultiValue: every such endpoint, at most `maxReturn` of them;
 * - when every Enabled endpoint is Degraded, Traffic Manager fails open and
 *   answers as if all were Online.
 */

export type EndpointMonitorStatus = 'CheckingEndpoint' | 'Online' | 'Degraded' | 'Disabled' | 'Inactive' | 'Stopped' | 'Unmonitored';

/** The routing methods this emulator decides; the others are refused when a profile is written. */
export type EmulatedRoutingMethod = 'Priority' | 'MultiValue';

export interface EndpointState {
  readonly name: string;
  readonly target: string;
  readonly enabled: boolean;
  /** 1–1000, lower first; ties broken by name so the answer is deterministic. */
  readonly priority: number;
  readonly monitorStatus: EndpointMonitorStatus;
}

export interface DecisionInput {
  readonly routingMethod: EmulatedRoutingMethod;
  /** Profile disabled: Traffic Manager answers NXDOMAIN, here an empty answer. */
  readonly profileEnabled: boolean;
  readonly endpoints: readonly EndpointState[];
  /** MultiValue only: the most targets one answer holds (1–8). */
  readonly maxReturn?: number;
}

export type Decision =
  | { readonly kind: 'answer'; readonly targets: readonly string[]; readonly failOpen: boolean }
  | { readonly kind: 'none'; readonly reason: 'profile-disabled' | 'no-enabled-endpoint' };

/** CheckingEndpoint is the state before the first probes finish; Traffic Manager routes to it as if Online. */
function serving(e: EndpointState): boolean {
  return e.monitorStatus === 'Online' || e.monitorStatus === 'CheckingEndpoint';
}

function byPriority(a: EndpointState, b: EndpointState): number {
  return a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

export function decide(input: DecisionInput): Decision {
  if (!input.profileEnabled) return { kind: 'none', reason: 'profile-disabled' };
  const enabled = input.endpoints.filter((e) => e.enabled).sort(byPriority);
  if (enabled.length === 0) return { kind: 'none', reason: 'no-enabled-endpoint' };
  const healthy = enabled.filter(serving);
  const failOpen = healthy.length === 0;
  const pool = failOpen ? enabled : healthy;
  if (input.routingMethod === 'Priority') return { kind: 'answer', targets: [pool[0]!.target], failOpen };
  const max = input.maxReturn ?? pool.length;
  return { kind: 'answer', targets: pool.slice(0, max).map((e) => e.target), failOpen };
}
