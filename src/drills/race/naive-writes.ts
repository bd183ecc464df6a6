/**
 * HARNESS ONLY — DELIBERATELY UNSAFE. Never import this from product code
 * (test/unit/race-naive-isolation.test.ts fails if anything under src/ outside
 * src/drills/ does).
 *
 * Unconditional writes through the three official SDKs, the way a
 * last-writer-wins writer does them: nothing is compared with what was read,
 * so whoever writes last wins, however old its plan.
 * - Route 53: UPSERT; delete = DELETE of whatever is there now.
 * - Azure DNS: PUT and DELETE without If-Match.
 * - Cloud DNS: has no unconditional write in its change API, so the writer
 *   lists the set right before writing and sends "delete whatever is there +
 *   add mine" in one change: the same last-writer-wins, with a window of one
 *   request.
 * The product's adapters (src/providers/) never do any of this.
 */
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { DnsManagementClient } from '@azure/arm-dns';
import type { DNS, Record as SdkRecord, Zone } from '@google-cloud/dns';
import { canonicalName } from '../../dns/record.js';
import type { EndpointsFile } from '../../emulators/endpoints.js';
import { cloudDnsClient } from '../../providers/cloud-dns-client.js';
import type { ProviderId } from '../../providers/provider.js';

/** An A record set as the naive writer sees it. */
export interface NaiveRecord {
  readonly ttl: number;
  readonly values: readonly string[];
}

export interface UnconditionalDns {
  readonly provider: ProviderId;
  /** The A set at `name`, or undefined. */
  get(name: string): Promise<NaiveRecord | undefined>;
  /** Overwrite (or create) the A set at `name`, whatever is there. */
  put(name: string, record: NaiveRecord): Promise<void>;
  /** Delete the A set at `name`, whatever it holds. */
  remove(name: string): Promise<void>;
  close(): void;
}

const sorted = (values: Iterable<string>): string[] => [...values].sort();

function route53(e: EndpointsFile['route53']): UnconditionalDns {
  const client = new Route53Client({
    region: e.region,
    endpoint: e.endpoint,
    credentials: { accessKeyId: e.accessKeyId, secretAccessKey: e.secretAccessKey },
    maxAttempts: 1,
  });
  const get = async (name: string): Promise<NaiveRecord | undefined> => {
    const out = await client.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: e.hostedZoneId, StartRecordName: name, StartRecordType: 'A', MaxItems: 1 }),
    );
    const set = out.ResourceRecordSets?.[0];
    if (set === undefined || set.Type !== 'A' || canonicalName(set.Name ?? '') !== canonicalName(name)) return undefined;
    return { ttl: set.TTL ?? 0, values: sorted((set.ResourceRecords ?? []).map((r) => r.Value ?? '')) };
  };
  const change = (action: 'UPSERT' | 'DELETE', name: string, record: NaiveRecord) =>
    client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: e.hostedZoneId,
        ChangeBatch: {
          Changes: [
            {
              Action: action,
              ResourceRecordSet: {
                Name: canonicalName(name),
                Type: 'A',
                TTL: record.ttl,
                ResourceRecords: record.values.map((Value) => ({ Value })),
              },
            },
          ],
        },
      }),
    );
  return {
    provider: 'route53',
    get,
    put: async (name, record) => {
      await change('UPSERT', name, record);
    },
    remove: async (name) => {
      const current = await get(name);
      if (current !== undefined) await change('DELETE', name, current);
    },
    close: () => client.destroy(),
  };
}

function azure(e: EndpointsFile['azure'], caCertPem: string): UnconditionalDns {
  const token = e.token;
  const client = new DnsManagementClient(
    { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) },
    e.subscriptionId,
    {
      endpoint: e.endpoint,
      tlsOptions: { ca: caCertPem },
      retryOptions: { maxRetries: 0 },
    },
  );
  const zone = canonicalName(e.zoneName).slice(0, -1);
  const relative = (name: string) => canonicalName(name).slice(0, -(zone.length + 2));
  return {
    provider: 'azure',
    get: async (name) => {
      try {
        const set = await client.recordSets.get(e.resourceGroup, zone, relative(name), 'A');
        return { ttl: set.ttl ?? 0, values: sorted((set.aRecords ?? []).map((a) => a.ipv4Address ?? '')) };
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return undefined;
        throw err;
      }
    },
    put: async (name, record) => {
      await client.recordSets.createOrUpdate(e.resourceGroup, zone, relative(name), 'A', {
        ttl: record.ttl,
        aRecords: record.values.map((ipv4Address) => ({ ipv4Address })),
      });
    },
    remove: async (name) => {
      await client.recordSets.delete(e.resourceGroup, zone, relative(name), 'A');
    },
    close: () => undefined,
  };
}

function clouddns(e: EndpointsFile['clouddns']): UnconditionalDns {
  const dns: DNS = cloudDnsClient({ projectId: e.projectId, endpoint: e.endpoint, token: e.token });
  const zone: Zone = dns.zone(e.managedZone);
  const current = async (name: string): Promise<SdkRecord | undefined> => {
    const [records] = await zone.getRecords({ name: canonicalName(name), type: 'A' });
    return records.find(
      (r) => r.type.toUpperCase() === 'A' && canonicalName(String((r.metadata as { name?: unknown }).name ?? '')) === canonicalName(name),
    );
  };
  return {
    provider: 'clouddns',
    get: async (name) => {
      const r = await current(name);
      if (r === undefined) return undefined;
      return { ttl: Number((r.metadata as { ttl?: unknown }).ttl ?? 0), values: sorted(((r.data ?? []) as unknown[]).map(String)) };
    },
    put: async (name, record) => {
      const existing = await current(name);
      const add = zone.record('a', { name: canonicalName(name), ttl: record.ttl, data: [...record.values] });
      await zone.createChange(existing === undefined ? { add } : { add, delete: existing });
    },
    remove: async (name) => {
      const existing = await current(name);
      if (existing !== undefined) await zone.createChange({ delete: existing });
    },
    close: () => undefined,
  };
}

/** The three unconditional writers over the emulators' (or any) endpoints; Azure needs its CA. */
export function unconditionalDns(endpoints: EndpointsFile, azureCaCertPem: string): UnconditionalDns[] {
  return [route53(endpoints.route53), azure(endpoints.azure, azureCaCertPem), clouddns(endpoints.clouddns)];
}
