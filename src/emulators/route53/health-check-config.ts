/**
 * HealthCheckConfig as botocore's route53 2013-04-01 model and the API
 * reference (CreateHealthCheck, UpdateHealthCheck, HealthCheckConfig) define
 * it: request schemas, validation, defaults, and the XML it is answered as.
 * HTTP, HTTPS and TCP are emulated; the other types answer NotImplemented
 * naming the type.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { CHECKER_REGIONS, type CheckerRegion, type CheckSpec } from './engine/checkers.js';
import { invalidInput, notEmulated } from './errors.js';
import { boundedString } from './request-shapes.js';

export const EMULATED_TYPES = ['HTTP', 'HTTPS', 'TCP'] as const;
const NOT_EMULATED_TYPES = ['HTTP_STR_MATCH', 'HTTPS_STR_MATCH', 'CALCULATED', 'CLOUDWATCH_METRIC', 'RECOVERY_CONTROL'] as const;
/** Fields that only serve the types above; refused by name. */
const NOT_EMULATED_FIELDS = [
  'SearchString',
  'HealthThreshold',
  'ChildHealthChecks',
  'AlarmIdentifier',
  'InsufficientDataHealthStatus',
  'RoutingControlArn',
] as const;

const bool = z.enum(['true', 'false']);
const regions = z.strictObject({ Region: z.array(z.string()).min(1) });
const notEmulatedFields = Object.fromEntries(NOT_EMULATED_FIELDS.map((f) => [f, z.unknown().optional()])) as Record<
  (typeof NOT_EMULATED_FIELDS)[number],
  z.ZodOptional<z.ZodUnknown>
>;

const common = {
  IPAddress: boundedString(45, 'IPAddress').optional(),
  Port: z.string().optional(),
  ResourcePath: boundedString(255, 'ResourcePath').optional(),
  FullyQualifiedDomainName: boundedString(255, 'FullyQualifiedDomainName').optional(),
  FailureThreshold: z.string().optional(),
  Inverted: bool.optional(),
  Disabled: bool.optional(),
  EnableSNI: bool.optional(),
  Regions: regions.optional(),
  ...notEmulatedFields,
};

export const createHealthCheckRequest = z.strictObject({
  CallerReference: z
    .string()
    .min(1, { error: 'CallerReference must be 1 to 64 characters' })
    .max(64, { error: 'CallerReference must be 1 to 64 characters' }),
  HealthCheckConfig: z.strictObject({
    ...common,
    Type: z.string(),
    RequestInterval: z.string().optional(),
    MeasureLatency: bool.optional(),
  }),
});

export const updateHealthCheckRequest = z.strictObject({
  HealthCheckVersion: z.string().optional(),
  ...common,
  ResetElements: z.strictObject({ ResettableElementName: z.array(z.string()).min(1) }).optional(),
});

type CreateConfig = z.infer<typeof createHealthCheckRequest>['HealthCheckConfig'];
export type UpdateInput = z.infer<typeof updateHealthCheckRequest>;

/** A health check's settings, defaults filled in, as Route 53 answers them. */
export interface HealthCheckSettings {
  type: (typeof EMULATED_TYPES)[number];
  ipAddress?: string;
  fqdn?: string;
  port: number;
  resourcePath?: string;
  requestInterval: 10 | 30;
  failureThreshold: number;
  measureLatency: boolean;
  inverted: boolean;
  disabled: boolean;
  enableSni?: boolean;
  /** Undefined: all eight checker regions (Route 53's default). */
  regions?: CheckerRegion[];
}

function integer(field: string, raw: string, min: number, max: number): number {
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw invalidInput(`Invalid parameter : ${field} must be an integer from ${min} to ${max}, got '${raw}'`);
  return Number(raw);
}

function readRegions(list: readonly string[]): CheckerRegion[] {
  for (const r of list)
    if (!(CHECKER_REGIONS as readonly string[]).includes(r))
      throw invalidInput(`Invalid parameter : Region '${r}' is not one of ${CHECKER_REGIONS.join(', ')}`);
  const unique = [...new Set(list)] as CheckerRegion[];
  // API reference, HealthCheckConfig.Regions: "you must specify at least three regions".
  if (unique.length < 3) throw invalidInput('Invalid parameter : Regions must name at least three checker regions');
  return unique;
}

function refuseNotEmulated(input: Partial<Record<(typeof NOT_EMULATED_FIELDS)[number], unknown>>, operation: string): void {
  const used = NOT_EMULATED_FIELDS.filter((f) => input[f] !== undefined);
  if (used.length > 0) throw notEmulated(`health-check fields ${used.join(', ')}`, operation);
}

/** The endpoint checks the reference states: an address or a name, a port, a path for HTTP(S). */
function checkEndpoint(s: HealthCheckSettings): void {
  if (s.ipAddress === undefined && s.fqdn === undefined)
    throw invalidInput(`Invalid parameter : a ${s.type} health check needs IPAddress or FullyQualifiedDomainName`);
  if (s.ipAddress !== undefined && isIP(s.ipAddress) === 0)
    throw invalidInput(`Invalid parameter : IPAddress '${s.ipAddress}' is not an IPv4 or IPv6 address`);
  if (s.resourcePath !== undefined && s.type === 'TCP')
    throw invalidInput('Invalid parameter : ResourcePath applies to HTTP and HTTPS health checks, not TCP');
}

export function readCreateConfig(c: CreateConfig): HealthCheckSettings {
  if ((NOT_EMULATED_TYPES as readonly string[]).includes(c.Type))
    throw notEmulated(`${c.Type} health checks (only HTTP, HTTPS and TCP are emulated)`, 'CreateHealthCheck');
  if (!(EMULATED_TYPES as readonly string[]).includes(c.Type))
    throw invalidInput(
      `Invalid XML ; cvc-enumeration-valid: Value '${c.Type}' is not facet-valid with respect to enumeration '[${[...EMULATED_TYPES, ...NOT_EMULATED_TYPES].join(', ')}]'. It must be a value from the enumeration.`,
    );
  refuseNotEmulated(c, 'CreateHealthCheck');
  const type = c.Type as HealthCheckSettings['type'];
  if (type === 'TCP' && c.Port === undefined) throw invalidInput('Invalid parameter : a TCP health check needs a Port');
  const interval = c.RequestInterval === undefined ? 30 : integer('RequestInterval', c.RequestInterval, 10, 30);
  // The model's range is 10-30; the reference allows exactly 10 (fast) or 30 (standard).
  if (interval !== 10 && interval !== 30) throw invalidInput(`Invalid parameter : RequestInterval must be 10 or 30, got ${interval}`);
  const settings: HealthCheckSettings = {
    type,
    ...(c.IPAddress !== undefined ? { ipAddress: c.IPAddress } : {}),
    ...(c.FullyQualifiedDomainName !== undefined ? { fqdn: c.FullyQualifiedDomainName } : {}),
    port: c.Port === undefined ? (type === 'HTTPS' ? 443 : 80) : integer('Port', c.Port, 1, 65535),
    ...(c.ResourcePath !== undefined ? { resourcePath: c.ResourcePath } : {}),
    requestInterval: interval,
    failureThreshold: c.FailureThreshold === undefined ? 3 : integer('FailureThreshold', c.FailureThreshold, 1, 10),
    measureLatency: c.MeasureLatency === 'true',
    inverted: c.Inverted === 'true',
    disabled: c.Disabled === 'true',
    ...(c.EnableSNI !== undefined ? { enableSni: c.EnableSNI === 'true' } : type === 'HTTPS' ? { enableSni: true } : {}),
    ...(c.Regions ? { regions: readRegions(c.Regions.Region) } : {}),
  };
  checkEndpoint(settings);
  return settings;
}

const RESETTABLE = ['FullyQualifiedDomainName', 'Regions', 'ResourcePath', 'ChildHealthChecks'] as const;

/** UpdateHealthCheck: only the given fields change; Type and RequestInterval cannot. */
export function applyUpdate(current: HealthCheckSettings, u: UpdateInput): HealthCheckSettings {
  refuseNotEmulated(u, 'UpdateHealthCheck');
  const next: HealthCheckSettings = { ...current };
  for (const name of u.ResetElements?.ResettableElementName ?? []) {
    if (!(RESETTABLE as readonly string[]).includes(name))
      throw invalidInput(
        `Invalid XML ; cvc-enumeration-valid: Value '${name}' is not facet-valid with respect to enumeration '[${RESETTABLE.join(', ')}]'. It must be a value from the enumeration.`,
      );
    if (name === 'FullyQualifiedDomainName') delete next.fqdn;
    if (name === 'Regions') delete next.regions;
    if (name === 'ResourcePath') delete next.resourcePath;
  }
  if (u.IPAddress !== undefined) next.ipAddress = u.IPAddress;
  if (u.FullyQualifiedDomainName !== undefined) next.fqdn = u.FullyQualifiedDomainName;
  if (u.Port !== undefined) next.port = integer('Port', u.Port, 1, 65535);
  if (u.ResourcePath !== undefined) next.resourcePath = u.ResourcePath;
  if (u.FailureThreshold !== undefined) next.failureThreshold = integer('FailureThreshold', u.FailureThreshold, 1, 10);
  if (u.Inverted !== undefined) next.inverted = u.Inverted === 'true';
  if (u.Disabled !== undefined) next.disabled = u.Disabled === 'true';
  if (u.EnableSNI !== undefined) next.enableSni = u.EnableSNI === 'true';
  if (u.Regions !== undefined) next.regions = readRegions(u.Regions.Region);
  checkEndpoint(next);
  return next;
}

export function settingsXml(s: HealthCheckSettings): Record<string, unknown> {
  return {
    ...(s.ipAddress !== undefined ? { IPAddress: s.ipAddress } : {}),
    Port: s.port,
    Type: s.type,
    ...(s.resourcePath !== undefined ? { ResourcePath: s.resourcePath } : {}),
    ...(s.fqdn !== undefined ? { FullyQualifiedDomainName: s.fqdn } : {}),
    RequestInterval: s.requestInterval,
    FailureThreshold: s.failureThreshold,
    MeasureLatency: s.measureLatency,
    Inverted: s.inverted,
    Disabled: s.disabled,
    ...(s.enableSni !== undefined ? { EnableSNI: s.enableSni } : {}),
    ...(s.regions ? { Regions: { Region: s.regions } } : {}),
  };
}

/** What the checkers probe. With only a name, they resolve it; with an address, the name is the Host header / SNI. */
export function checkSpec(s: HealthCheckSettings): CheckSpec {
  const path = s.resourcePath === undefined ? '/' : s.resourcePath.startsWith('/') ? s.resourcePath : `/${s.resourcePath}`;
  return {
    target: {
      type: s.type,
      host: s.ipAddress ?? (s.fqdn as string),
      port: s.port,
      path,
      ...(s.fqdn !== undefined ? { hostHeader: s.fqdn } : {}),
    },
    requestIntervalSeconds: s.requestInterval,
    failureThreshold: s.failureThreshold,
    inverted: s.inverted,
    disabled: s.disabled,
    regions: s.regions ?? [...CHECKER_REGIONS],
  };
}

/** Two creates with one CallerReference are the same request when their settings are equal. */
export const sameSettings = (a: HealthCheckSettings, b: HealthCheckSettings): boolean =>
  JSON.stringify(settingsXml(a)) === JSON.stringify(settingsXml(b));
