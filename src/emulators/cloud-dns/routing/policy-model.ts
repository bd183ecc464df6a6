/**
 * A routing policy as the engine and the DNS answer use it: plain data, already
 * checked. Kept beside the record set in the store (as JSON in its metadata), so
 * a change that writes the set writes its policy in the same transaction.
 */

/** One answer candidate: static rrdatas plus health-checked external endpoints. */
export interface PolicyBucket {
  readonly rrdatas: readonly string[];
  readonly endpoints: readonly string[];
}

export interface WrrItem extends PolicyBucket {
  readonly weight: number;
}

export interface GeoItem extends PolicyBucket {
  readonly location: string;
}

/** `projects/{project}/global/healthChecks/{name}`. */
export interface HealthCheckRef {
  readonly project: string;
  readonly name: string;
}

export type RoutingPolicy =
  | {
      readonly kind: 'primaryBackup';
      readonly healthCheck: HealthCheckRef | undefined;
      readonly primary: readonly string[];
      readonly backup: readonly GeoItem[];
      /** Share of answers sent to the backup while the primary is healthy, 0..1. */
      readonly trickleTraffic: number;
    }
  | {
      readonly kind: 'wrr';
      readonly healthCheck: HealthCheckRef | undefined;
      readonly items: readonly WrrItem[];
    };

/** Metadata key of the stored policy (the set's JSON as the API returns it, plus the model). */
export const POLICY_METADATA_KEY = 'clouddns.routingPolicy';
export const POLICY_MODEL_METADATA_KEY = 'clouddns.routingPolicyModel';

/** `liveSource` of a routed set in the store: its DNS answer comes from the health engine. */
export const ROUTING_LIVE_SOURCE = 'clouddns.routingPolicy';

/** Every health-checked endpoint the policy names. */
export function policyEndpoints(policy: RoutingPolicy): string[] {
  const buckets: PolicyBucket[] =
    policy.kind === 'wrr' ? [...policy.items] : [{ rrdatas: [], endpoints: policy.primary }, ...policy.backup];
  return [...new Set(buckets.flatMap((b) => b.endpoints))];
}

/** Every address the policy can answer: what a resolver gets when the engine is not asked (fail open). */
export function policyAddresses(policy: RoutingPolicy): string[] {
  const buckets: PolicyBucket[] =
    policy.kind === 'wrr' ? [...policy.items] : [{ rrdatas: [], endpoints: policy.primary }, ...policy.backup];
  return [...new Set(buckets.flatMap((b) => [...b.rrdatas, ...b.endpoints]))];
}

export function healthCheckUrl(ref: HealthCheckRef): string {
  return `https://www.googleapis.com/compute/v1/projects/${ref.project}/global/healthChecks/${ref.name}`;
}
