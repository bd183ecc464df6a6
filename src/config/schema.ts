/**
 * The controller's configuration: which providers hold the zone, which services
 * to keep answered, how to judge health, and the safety limits. The same schema
 * validates a hand-written YAML file, the local demo's generated config and the
 * config rendered by infra/envs/example from Terraform outputs.
 *
 * Durations are integers in milliseconds with an `Ms` suffix, so a value is never
 * ambiguous. Unknown keys are errors (a typo must not silently fall back to a default).
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { canonicalIpv6, parseTxtStrings } from '../dns/record.js';

const HOSTNAME_RE = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9_-]{1,63}(?<!-))*\.?$/;
const hostname = z.string().min(1).max(253).regex(HOSTNAME_RE, 'expected a DNS name such as app.example.test');

const ipAddress = z.string().refine((v) => isIP(v) !== 0, 'expected an IPv4 or IPv6 address');
/** A probe URL: only http(s), so a config can never make the controller read files or other schemes. */
const httpUrl = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL such as http://10.0.0.1:8080/readyz' });
const ms = (min: number, max: number) => z.number().int().min(min).max(max);

const dnsEndpoint = z.strictObject({
  host: ipAddress.default('127.0.0.1'),
  port: z.number().int().min(1).max(65535).default(53),
});

/** Route 53: production uses the AWS default credential chain; the emulator gets static keys. */
const route53Provider = z.strictObject({
  hostedZoneId: z.string().min(1),
  region: z.string().min(1).default('us-east-1'),
  endpoint: z.url().optional(),
  credentials: z.strictObject({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) }).optional(),
  /** Where this provider's nameserver answers, for verification over DNS. */
  dns: dnsEndpoint.optional(),
});

/** Azure DNS: production uses DefaultAzureCredential; the emulator gets a static token and its CA. */
const azureProvider = z.strictObject({
  subscriptionId: z.string().min(1),
  resourceGroup: z.string().min(1),
  zoneName: hostname,
  endpoint: z.url().optional(),
  caCertPath: z.string().min(1).optional(),
  token: z.string().min(1).optional(),
  dns: dnsEndpoint.optional(),
});

/** Cloud DNS: production uses Application Default Credentials; the emulator gets a static token. */
const cloudDnsProvider = z.strictObject({
  projectId: z.string().min(1),
  managedZone: z.string().min(1),
  endpoint: z.url().optional(),
  token: z.string().min(1).optional(),
  dns: dnsEndpoint.optional(),
});

export const providersSchema = z
  .strictObject({
    route53: route53Provider.optional(),
    azure: azureProvider.optional(),
    clouddns: cloudDnsProvider.optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), 'expected at least one of route53, azure, clouddns');

export const CLOUDS = ['aws', 'azure', 'gcp'] as const;

const target = z.strictObject({
  /** Unique per service, e.g. `aws`. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a lower-case id like aws or eu-west'),
  cloud: z.enum(CLOUDS),
  /** What DNS answers when this target is chosen. */
  address: ipAddress,
  /** Readiness URL probed by every vantage point. */
  healthUrl: httpUrl,
  /** failover policy: lower is preferred. */
  priority: z.number().int().min(0).default(100),
  expectStatus: z.number().int().min(100).max(599).default(200),
  /** Optional substring the probe body must contain. */
  bodyContains: z.string().optional(),
});

const service = z
  .strictObject({
    name: hostname,
    type: z.enum(['A', 'AAAA']).default('A'),
    ttl: z.number().int().min(1).max(86400).default(30),
    policy: z.enum(['failover', 'multivalue']).default('failover'),
    targets: z.array(target).min(1, 'expected at least one target'),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    const addresses = new Map<string, number>();
    s.targets.forEach((t, i) => {
      if (seen.has(t.id)) ctx.addIssue({ code: 'custom', path: ['targets', i, 'id'], message: `duplicate target id '${t.id}'` });
      seen.add(t.id);
      // Two targets with one address would be one answer with two health states: failover between them moves nothing.
      const address = isIP(t.address) === 6 ? canonicalIpv6(t.address) : t.address;
      const first = addresses.get(address);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['targets', i, 'address'],
          message: `duplicate address ${t.address}: targets[${first}] already answers with it; expected one address per target`,
        });
      } else addresses.set(address, i);
      const family = isIP(t.address);
      if (family !== 0 && ((s.type === 'A' && family !== 4) || (s.type === 'AAAA' && family !== 6))) {
        ctx.addIssue({
          code: 'custom',
          path: ['targets', i, 'address'],
          message: `expected an IPv${s.type === 'A' ? 4 : 6} address for a ${s.type} service`,
        });
      }
    });
  });

/** RFC 1035 §3.3: a TXT record is a sequence of character-strings of at most 255 octets each. */
const TXT_STRING_MAX_BYTES = 255;

const staticRecord = z
  .strictObject({
    name: hostname,
    type: z.enum(['A', 'AAAA', 'CNAME', 'TXT']),
    ttl: z.number().int().min(1).max(86400).default(300),
    values: z.array(z.string().min(1)).min(1, 'expected at least one value (an empty answer is never published)'),
  })
  .superRefine((r, ctx) => {
    const at = (i: number, message: string) => ctx.addIssue({ code: 'custom', path: ['values', i], message });
    switch (r.type) {
      case 'A':
      case 'AAAA': {
        const family = r.type === 'A' ? 4 : 6;
        r.values.forEach((v, i) => {
          if (isIP(v) !== family) at(i, `expected an IPv${family} address for an ${r.type} record, got '${v}'`);
        });
        break;
      }
      case 'CNAME':
        // A CNAME is an alias for exactly one name (RFC 1034 §3.6.2); several values cannot be published.
        if (r.values.length !== 1) {
          ctx.addIssue({
            code: 'custom',
            path: ['values'],
            message: `expected exactly one host name for a CNAME record, got ${r.values.length}`,
          });
        }
        r.values.forEach((v, i) => {
          if (v.length > 253 || !HOSTNAME_RE.test(v)) at(i, `expected a host name such as www.example.test for a CNAME record, got '${v}'`);
        });
        break;
      case 'TXT':
        r.values.forEach((v, i) => {
          for (const text of parseTxtStrings(v)) {
            const bytes = Buffer.byteLength(text, 'utf8');
            if (bytes > TXT_STRING_MAX_BYTES) {
              at(
                i,
                `expected TXT strings of at most ${TXT_STRING_MAX_BYTES} bytes, got one of ${bytes}; split it into several quoted strings`,
              );
            }
          }
        });
        break;
    }
  });

const vantagePoint = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a lower-case id like vp-1'),
});

export const healthSchema = z
  .strictObject({
    intervalMs: ms(100, 600_000).default(1000),
    /** Re-probe interval while a target is suspect (a failure seen, not yet down). */
    fastIntervalMs: ms(50, 600_000).default(500),
    timeoutMs: ms(50, 60_000).default(500),
    rise: z.number().int().min(1).max(20).default(2),
    fall: z.number().int().min(1).max(20).default(3),
    vantagePoints: z
      .array(vantagePoint)
      .min(1)
      .default([{ id: 'vp-1' }, { id: 'vp-2' }, { id: 'vp-3' }]),
    /** Vantage points that must agree a target is down; default: a majority. */
    quorum: z.number().int().min(1).optional(),
    breaker: z
      .strictObject({
        /** 100: open only when every probe in the window failed (never before hysteresis says down). */
        errorThresholdPercentage: z.number().min(1).max(100).default(100),
        resetTimeoutMs: ms(100, 600_000).default(2000),
        volumeThreshold: z.number().int().min(1).default(3),
      })
      .default({ errorThresholdPercentage: 100, resetTimeoutMs: 2000, volumeThreshold: 3 }),
  })
  .superRefine((h, ctx) => {
    const vps = new Set<string>();
    h.vantagePoints.forEach((vp, i) => {
      // Each vantage point votes once in the quorum; a repeated id would count one vote twice.
      if (vps.has(vp.id))
        ctx.addIssue({ code: 'custom', path: ['vantagePoints', i, 'id'], message: `duplicate vantage point id '${vp.id}'` });
      vps.add(vp.id);
    });
    if (h.timeoutMs >= h.intervalMs)
      ctx.addIssue({ code: 'custom', path: ['timeoutMs'], message: `expected less than intervalMs (${h.intervalMs})` });
    if (h.fastIntervalMs > h.intervalMs)
      ctx.addIssue({ code: 'custom', path: ['fastIntervalMs'], message: `expected at most intervalMs (${h.intervalMs})` });
    // Probes of one target from one vantage point never overlap, so a re-probe faster
    // than the timeout would silently stretch to the timeout against a blackholed target.
    if (h.fastIntervalMs < h.timeoutMs)
      ctx.addIssue({
        code: 'custom',
        path: ['fastIntervalMs'],
        message: `expected at least timeoutMs (${h.timeoutMs}): probes never overlap`,
      });
    if (h.breaker.volumeThreshold < h.fall) {
      ctx.addIssue({
        code: 'custom',
        path: ['breaker', 'volumeThreshold'],
        message: `expected at least fall (${h.fall}): the breaker must not open before a target can be declared down`,
      });
    }
    if (h.quorum !== undefined && h.quorum > h.vantagePoints.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['quorum'],
        message: `expected at most the number of vantagePoints (${h.vantagePoints.length})`,
      });
    }
  });

export const configSchema = z
  .strictObject({
    /** Written into every ownership record; records with another owner are never touched. */
    owner: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'expected 1-64 characters of letters, digits, . _ -'),
    zone: hostname,
    providers: providersSchema,
    services: z.array(service).default([]),
    /** Static records for `failover plan/apply` (no health checks). */
    records: z.array(staticRecord).default([]),
    health: healthSchema.default(healthSchema.parse({})),
    routing: z
      .strictObject({
        /** Minimum time between two changes of one service's answer. */
        dwellMs: ms(0, 86_400_000).default(5000),
      })
      .default({ dwellMs: 5000 }),
    safety: z
      .strictObject({
        /** Share of managed names one plan may change without --force (octoDNS: 30%). */
        maxChangeShare: z.number().min(0).max(1).default(0.3),
        /** Below this many managed names the share limit does not apply. */
        minNamesForShareLimit: z.number().int().min(0).default(10),
      })
      .default({ maxChangeShare: 0.3, minNamesForShareLimit: 10 }),
    api: z
      .strictObject({
        host: z.string().default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(4600),
        /** File holding the admin bearer token; FAILOVER_ADMIN_TOKEN overrides. */
        tokenFile: z.string().optional(),
      })
      .default({ host: '127.0.0.1', port: 4600 }),
    auditLog: z.string().default('.failover/audit.jsonl'),
  })
  .superRefine((c, ctx) => {
    if (c.services.length === 0 && c.records.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['services'], message: 'expected at least one service (or static records)' });
    }
    const zone = c.zone.toLowerCase().replace(/\.$/, '');
    const names = new Map<string, string>();
    const check = (name: string, type: string, path: (string | number)[]) => {
      const n = name.toLowerCase().replace(/\.$/, '');
      if (n !== zone && !n.endsWith(`.${zone}`)) ctx.addIssue({ code: 'custom', path, message: `expected a name inside the zone ${zone}` });
      const key = `${n} ${type}`;
      if (names.has(key)) ctx.addIssue({ code: 'custom', path, message: `${n} ${type} is already managed by ${names.get(key)}` });
      names.set(key, path.join('.'));
    };
    c.services.forEach((s, i) => check(s.name, s.type, ['services', i, 'name']));
    c.records.forEach((r, i) => check(r.name, r.type, ['records', i, 'name']));
    // RFC 1034 §3.6.2: a name with a CNAME has no other data, whether a service or a static record holds it.
    const holders = [
      ...c.services.map((s, i) => ({ name: s.name, type: s.type, path: ['services', i, 'name'], label: `services[${i}]` })),
      ...c.records.map((r, i) => ({ name: r.name, type: r.type, path: ['records', i, 'name'], label: `records[${i}]` })),
    ];
    const byName = new Map<string, typeof holders>();
    for (const h of holders) {
      const n = h.name.toLowerCase().replace(/\.$/, '');
      byName.set(n, [...(byName.get(n) ?? []), h]);
    }
    for (const [name, at] of byName) {
      const cname = at.find((h) => h.type === 'CNAME');
      if (cname === undefined) continue;
      if (name === zone) ctx.addIssue({ code: 'custom', path: cname.path, message: `a CNAME cannot be at the zone apex ${zone}` });
      for (const other of at) {
        if (other === cname || other.type === 'CNAME') continue;
        ctx.addIssue({
          code: 'custom',
          path: other.path,
          message: `${name} has a CNAME (${cname.label}); a name with a CNAME cannot hold any other record (here ${other.type})`,
        });
      }
    }
  });

export type FailoverConfig = z.output<typeof configSchema>;
export type ServiceConfig = FailoverConfig['services'][number];
export type TargetConfig = ServiceConfig['targets'][number];
export type HealthConfig = FailoverConfig['health'];
export type ProvidersConfig = FailoverConfig['providers'];
