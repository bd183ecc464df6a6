/**
 * The local topology's fixed facts and its generated controller configuration:
 * which loopback address stands for which cloud, the service name and its
 * dependency, and the documented demo ports. The config is an ordinary
 * `configSchema` value, the same a person would write for the real clouds;
 * only the providers' endpoints and the addresses differ.
 */
import { providersFromEndpoints } from './emulator-endpoints.js';
import { ConfigError, formatPath } from '../config/load.js';
import { configSchema, type FailoverConfig, type HealthConfig } from '../config/schema.js';
import type { EndpointsFile } from '../emulators/endpoints.js';
import type { ProviderId } from '../providers/provider.js';
import type { Cloud } from '../routing/answer.js';

export const TOPOLOGY_CLOUDS: readonly Cloud[] = ['aws', 'azure', 'gcp'];
export const TOPOLOGY_PROVIDERS: readonly ProviderId[] = ['route53', 'azure', 'clouddns'];
export const PROVIDER_LABELS: Readonly<Record<ProviderId, string>> = { route53: 'Route 53', azure: 'Azure DNS', clouddns: 'Cloud DNS' };

/** Linux routes all of 127.0.0.0/8 to loopback: one address per "cloud", one shared port. */
export const CLOUD_ADDRESSES: Readonly<Record<Cloud, string>> = { aws: '127.0.0.11', azure: '127.0.0.12', gcp: '127.0.0.13' };
export const CLOUD_REGIONS: Readonly<Record<Cloud, string>> = { aws: 'us-east-1', azure: 'eastus', gcp: 'us-central1' };

export const TOPOLOGY_ZONE = 'example.test';
export const SERVICE_NAME = 'app.example.test.';
/**
 * What the services' readiness depends on: a name in the same zone (served by
 * all three providers) pointing at a small in-process server. Losing its
 * addresses is the 20 October 2025 failure mode.
 */
export const DEPENDENCY_NAME = 'db.example.test.';
export const DEPENDENCY_ADDRESS = '127.0.0.1';
export const DEPENDENCY_TTL = 30;

/** The demo's documented ports (emulator ports: src/emulators/defaults.ts). */
export const DEMO_PORTS = { service: 8080, api: 4600 } as const;

/** Service record TTL locally: short, so clients move within seconds of a change. */
export const DEFAULT_TOPOLOGY_TTL = 5;
export const TOPOLOGY_OWNER = 'failover-local';

export interface TopologyConfigInput {
  readonly endpoints: EndpointsFile;
  /** Base URL of each cloud's sample service, e.g. http://127.0.0.11:8080. */
  readonly serviceUrls: Readonly<Record<Cloud, string>>;
  readonly apiPort: number;
  readonly ttl?: number;
  readonly dwellMs?: number;
  readonly health?: Partial<HealthConfig>;
}

/**
 * The controller config of the local topology: one failover service with AWS
 * preferred, then Azure, then Google Cloud, each probed on /readyz. Options
 * the schema refuses (e.g. health timings that contradict each other) throw a
 * ConfigError naming the field.
 */
export function topologyConfig(input: TopologyConfigInput): FailoverConfig {
  const result = configSchema.safeParse({
    owner: TOPOLOGY_OWNER,
    zone: input.endpoints.zone,
    providers: providersFromEndpoints(input.endpoints),
    services: [
      {
        name: SERVICE_NAME,
        type: 'A',
        ttl: input.ttl ?? DEFAULT_TOPOLOGY_TTL,
        policy: 'failover',
        targets: TOPOLOGY_CLOUDS.map((cloud, i) => ({
          id: cloud,
          cloud,
          address: CLOUD_ADDRESSES[cloud],
          healthUrl: `${input.serviceUrls[cloud]}/readyz`,
          priority: (i + 1) * 10,
        })),
      },
    ],
    ...(input.health ? { health: input.health } : {}),
    ...(input.dwellMs !== undefined ? { routing: { dwellMs: input.dwellMs } } : {}),
    api: { host: '127.0.0.1', port: input.apiPort },
  });
  if (!result.success)
    throw new ConfigError(
      'the local topology options',
      result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
    );
  return result.data;
}
