/**
 * The request documents Route 53 accepts, as zod schemas over the normalised
 * XML (leaves are strings; `<X/>` is ''). Unknown elements are refused like
 * Route 53's schema validation does; a failure becomes one InvalidInput that
 * names every offending element path.
 */
import { z } from 'zod';
import { invalidInput } from './errors.js';
import type { XmlValue } from './xml.js';

/** Route 53 features the store cannot represent; accepted by the schema so they can be refused by name. */
export const UNSUPPORTED_RRSET_FIELDS = [
  'SetIdentifier',
  'Weight',
  'Region',
  'GeoLocation',
  'Failover',
  'MultiValueAnswer',
  'AliasTarget',
  'HealthCheckId',
  'TrafficPolicyInstanceId',
  'CidrRoutingConfig',
  'GeoProximityLocation',
] as const;

const unsupported = Object.fromEntries(UNSUPPORTED_RRSET_FIELDS.map((f) => [f, z.unknown().optional()])) as Record<
  (typeof UNSUPPORTED_RRSET_FIELDS)[number],
  z.ZodOptional<z.ZodUnknown>
>;

const resourceRecords = z.strictObject(
  { ResourceRecord: z.array(z.strictObject({ Value: z.string() })).min(1) },
  { error: 'ResourceRecords must hold at least one ResourceRecord with a Value' },
);

const resourceRecordSet = z.strictObject({
  Name: z.string(),
  Type: z.string(),
  TTL: z.string().optional(),
  ResourceRecords: resourceRecords.optional(),
  ...unsupported,
});

const change = z.strictObject({
  Action: z.enum(['CREATE', 'DELETE', 'UPSERT'], { error: 'Action must be CREATE, DELETE or UPSERT' }),
  ResourceRecordSet: resourceRecordSet,
});

export const changeResourceRecordSetsRequest = z.strictObject({
  ChangeBatch: z.strictObject({
    Comment: z.string().optional(),
    Changes: z.strictObject({ Change: z.array(change).min(1) }, { error: 'Changes must hold at least one Change' }),
  }),
});
export type ChangeResourceRecordSetsRequest = z.infer<typeof changeResourceRecordSetsRequest>;
export type ChangeElement = z.infer<typeof change>;

export const createHostedZoneRequest = z.strictObject({
  Name: z.string(),
  CallerReference: z
    .string()
    .min(1, { error: 'CallerReference must not be empty' })
    .max(128, { error: 'CallerReference must be at most 128 characters' }),
  VPC: z.unknown().optional(),
  HostedZoneConfig: z
    .union([
      z.literal(''),
      z.strictObject({
        Comment: z.string().max(256, { error: 'Comment must be at most 256 characters' }).optional(),
        PrivateZone: z.enum(['true', 'false']).optional(),
      }),
    ])
    .optional(),
  DelegationSetId: z.string().optional(),
});
export type CreateHostedZoneRequest = z.infer<typeof createHostedZoneRequest>;

function pathText(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p + 1}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
}

/** Validate a normalised document, or throw InvalidInput listing each problem with its element path. */
export function readRequest<T>(schema: z.ZodType<T>, root: string, doc: XmlValue): T {
  const result = schema.safeParse(doc);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => {
    const where = [root, pathText(i.path)].filter(Boolean).join('.');
    return `${where}: ${i.message}`;
  });
  throw invalidInput(`${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: ${problems.join('; ')}`);
}
