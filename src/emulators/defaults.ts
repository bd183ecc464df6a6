/** Documented defaults of `failover emulators` (docs/emulators.md). Every port is overridable. */
export const EMULATOR_DEFAULTS = {
  host: '127.0.0.1',
  zone: 'example.test',
  adminPort: 4500,
  route53: { apiPort: 4510, dnsPort: 5310, region: 'us-east-1', accessKeyId: 'AKIDEMULATOR', secretAccessKey: 'emulator-secret' },
  azure: {
    apiPort: 4520,
    dnsPort: 5320,
    subscriptionId: '00000000-0000-0000-0000-000000000000',
    resourceGroup: 'failover-local',
    token: 'emulator-token',
  },
  clouddns: { apiPort: 4530, dnsPort: 5330, projectId: 'failover-local', managedZone: 'example-test', token: 'emulator-token' },
  /** Published throttling numbers used by the token-bucket fault mode. */
  buckets: {
    route53: { capacity: 50, refillPerSecond: 10 },
    azure: { capacity: 200, refillPerSecond: 10 },
    clouddns: { capacity: 50, refillPerSecond: 10 },
  },
} as const;

export type EmulatorKind = 'route53' | 'azure' | 'clouddns';
export const EMULATOR_KINDS: readonly EmulatorKind[] = ['route53', 'azure', 'clouddns'];
