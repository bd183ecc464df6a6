/**
 * The request documents Route 53 accepts, as zod schemas over the normalised
 * XML (leaves are strings; `<X/>` is ''). Unknown elements are refused like
 * Route 53's schema validation does; a failure becomes one InvalidInput that
 * names every offending element path.
 */
import { z } from 'zod';
import { invalidInput } from './errors.js';
import type { XmlValue } from './xml.js';

/** Route 53 features not emulated; accepted by the schema so they can be refused by name. */
export const UNSUPPORTED_RRSET_FIELDS = [
  'Region',
  'GeoLocation',
  'AliasTarget',
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
  SetIdentifier: z.string().optional(),
  Weight: z.string().optional(),
  Failover: z.string().optional(),
  MultiValueAnswer: z.string().optional(),
  HealthCheckId: z.string().optional(),
  ...unsupported,
});

/** Schema-facet messages are sent alone, as Route 53 sends its first schema error. */
const SCHEMA_PREFIX = 'Invalid XML ; ';

/**
 * Route 53 validates request documents against its XML schema and reports the
 * first violation in Xerces' words ("Invalid XML ; cvc-..."); these two facets
 * are the ones clients hit, so they carry that wording.
 */
const enumeration = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, {
    error: (iss) =>
      iss.input === undefined
        ? undefined
        : `${SCHEMA_PREFIX}cvc-enumeration-valid: Value '${String(iss.input)}' is not facet-valid with respect to enumeration '[${values.join(', ')}]'. It must be a value from the enumeration.`,
  });

/** A string of at most `max` characters (schema type `typeName`), e.g. ResourceDescription. */
export const boundedString = (max: number, typeName: string) =>
  z.string().max(max, {
    error: (iss) =>
      `${SCHEMA_PREFIX}cvc-maxLength-valid: Value '${String(iss.input)}' with length = '${String(iss.input).length}' is not facet-valid with respect to maxLength '${max}' for type '${typeName}'.`,
  });

const change = z.strictObject({
  Action: enumeration(['CREATE', 'DELETE', 'UPSERT']),
  ResourceRecordSet: resourceRecordSet,
});

export const changeResourceRecordSetsRequest = z.strictObject({
  ChangeBatch: z.strictObject({
    Comment: boundedString(256, 'ResourceDescription').optional(),
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
        Comment: boundedString(256, 'ResourceDescription').optional(),
        PrivateZone: z.enum(['true', 'false']).optional(),
      }),
    ])
    .optional(),
  DelegationSetId: z.string().optional(),
});
export type CreateHostedZoneRequest = z.infer<typeof createHostedZoneRequest>;

/** UpdateHostedZoneCommentRequest: an absent Comment removes the comment. */
export const updateHostedZoneCommentRequest = z.strictObject({ Comment: boundedString(256, 'ResourceDescription').optional() });

const MAX_TAGS_PER_REQUEST = 10;
const tag = z.strictObject({ Key: boundedString(128, 'TagKey').optional(), Value: boundedString(256, 'TagValue').optional() });

/** ChangeTagsForResourceRequest: AddTags (1..10 Tag) and RemoveTagKeys (1..10 Key), both optional. */
export const changeTagsForResourceRequest = z.strictObject({
  AddTags: z
    .strictObject({ Tag: z.array(tag).min(1).max(MAX_TAGS_PER_REQUEST, { error: 'AddTags holds at most 10 Tag elements' }) })
    .optional(),
  RemoveTagKeys: z
    .strictObject({
      Key: z.array(boundedString(128, 'TagKey')).min(1).max(MAX_TAGS_PER_REQUEST, { error: 'RemoveTagKeys holds at most 10 Key elements' }),
    })
    .optional(),
});
export type ChangeTagsForResourceRequest = z.infer<typeof changeTagsForResourceRequest>;

/** ListTagsForResourcesRequest: ResourceIds holds 1..10 ResourceId. */
export const listTagsForResourcesRequest = z.strictObject({
  ResourceIds: z.strictObject({
    ResourceId: z.array(z.string()).min(1).max(MAX_TAGS_PER_REQUEST, { error: 'ResourceIds holds at most 10 ResourceId elements' }),
  }),
});

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
  const facet = result.error.issues.find((i) => i.message.startsWith(SCHEMA_PREFIX));
  if (facet) throw invalidInput(facet.message);
  const problems = result.error.issues.map((i) => {
    const where = [root, pathText(i.path)].filter(Boolean).join('.');
    return `${where}: ${i.message}`;
  });
  throw invalidInput(`${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: ${problems.join('; ')}`);
}
