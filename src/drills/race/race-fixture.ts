/**
 * What every race runs against, opened once and reused by every run: the three
 * emulators (in process, so their zone stores can be watched commit by commit),
 * the product's three adapters over the official SDKs, and the naive writer's
 * unconditional clients. A run seeds its own names and removes them at the end,
 * so a thousand runs cost a thousand small zones' worth of work, not a thousand
 * start-ups.
 */
import { providersFromEndpoints } from '../emulator-endpoints.js';
import { ownershipName, ownershipRecord } from '../../dns/ownership.js';
import { canonicalName } from '../../dns/record.js';
import type { EmulatorKind, RunningEmulators } from '../../emulators/index.js';
import { createAzureDnsProvider } from '../../providers/azure-dns.js';
import { createCloudDnsProvider } from '../../providers/cloud-dns.js';
import type { CallPolicy, DnsProvider, ProviderId } from '../../providers/provider.js';
import { createRoute53Provider } from '../../providers/route53.js';
import type { PolledServer } from '../dns-poller.js';
import { RACE_TTL, type RacePlan } from './incident.js';
import { unconditionalDns, type UnconditionalDns } from './naive-writes.js';
import { RACE_OWNER } from './product-writer.js';

export const RACE_PROVIDERS: readonly ProviderId[] = ['route53', 'azure', 'clouddns'];

/**
 * Small policy: an API that is down is given up on in a few milliseconds
 * (connection refused, three attempts, 1-5 ms apart), so outages cost little
 * real time; a second per attempt is far above any answer on loopback.
 */
export const RACE_CALL_POLICY: CallPolicy = { timeoutMs: 1_000, maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

/** The drills' names for the clouds behind each provider's name server. */
export const POLLED_AS: Readonly<Record<ProviderId, string>> = { route53: 'aws', azure: 'azure', clouddns: 'gcp' };

export interface RaceFixture {
  readonly emulators: RunningEmulators;
  /** The product's adapters, Route 53, Azure DNS, Cloud DNS. */
  readonly providers: readonly DnsProvider[];
  /** The naive writer's clients, same order. */
  readonly naive: readonly UnconditionalDns[];
  /** Each provider's name server, for DnsPoller. */
  readonly nameServers: readonly PolledServer[];
  /** Publish `plan` on all three zones directly (what a previous controller left), with ownership records. */
  seed(plan: RacePlan, options?: { withOwnership?: boolean }): void;
  /** Remove every record set at `names` and their ownership names. */
  reset(names: readonly string[]): void;
  close(): Promise<void>;
}

function zoneIdOf(emulators: RunningEmulators, kind: EmulatorKind): string {
  const zone = emulators[kind].store.zonesByName(emulators.zone)[0];
  if (zone === undefined) throw new Error(`the ${kind} emulator has no zone ${emulators.zone}`);
  return zone.id;
}

/** Adapters and clients over running emulators; close() closes them, never the emulators. */
export function openRaceFixture(emulators: RunningEmulators, options: { policy?: CallPolicy } = {}): RaceFixture {
  const e = emulators.endpoints();
  const zone = emulators.zone;
  const policy = options.policy ?? RACE_CALL_POLICY;
  const config = providersFromEndpoints(e);
  const providers: DnsProvider[] = [
    // Client-side pacing off: a thousand races would otherwise wait for Route 53's 10 requests a second.
    createRoute53Provider(config.route53!, { zone, policy, rateLimit: 'off' }),
    createAzureDnsProvider(config.azure!, { zone, policy }),
    createCloudDnsProvider(config.clouddns!, { zone, policy }),
  ];
  const naive = unconditionalDns(e, emulators.azure.caCertPem);
  const zoneIds = new Map(RACE_PROVIDERS.map((p) => [p, zoneIdOf(emulators, p)]));
  const store = (p: ProviderId) => emulators[p].store;

  return {
    emulators,
    providers,
    naive,
    nameServers: RACE_PROVIDERS.map((p) => ({ provider: POLLED_AS[p], host: emulators[p].dns.host, port: emulators[p].dns.port })),
    seed(plan, { withOwnership = true } = {}) {
      for (const p of RACE_PROVIDERS) {
        store(p).transact(zoneIds.get(p) as string, (draft) => {
          for (const [name, values] of plan.answers) {
            draft.put({ name, type: 'A', ttl: RACE_TTL, values: [...values] });
            if (withOwnership) {
              const o = ownershipRecord(name, { owner: RACE_OWNER, generation: plan.generation, types: ['A'] });
              draft.put({ name: o.name, type: 'TXT', ttl: o.ttl, values: [...o.values] });
            }
          }
        });
      }
    },
    reset(names) {
      for (const p of RACE_PROVIDERS) {
        store(p).transact(zoneIds.get(p) as string, (draft) => {
          for (const n of names) {
            const name = canonicalName(n);
            for (const rs of draft.list()) if (rs.name === name || rs.name === ownershipName(name)) draft.delete(rs.name, rs.type);
          }
        });
      }
    },
    async close() {
      for (const n of naive) n.close();
      await Promise.all(providers.map((p) => p.close()));
    },
  };
}
