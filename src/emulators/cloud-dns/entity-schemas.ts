/**
 * Shapes of the request bodies Cloud DNS accepts, after the v1 discovery
 * document (https://dns.googleapis.com/$discovery/rest?version=v1, schemas
 * `Change`, `ResourceRecordSet`, `ManagedZone`), strict as the real API is: a
 * field that does not exist is an error, not silently dropped; every field that
 * does exist is read, even when its feature is not emulated (the handlers then
 * say so). Semantic checks (names, record data) come after, in change-check.ts.
 */
import { z } from 'zod';
import { routingPolicySchema } from './routing/policy-schema.js';

/** int32 as proto3 JSON allows it: a number or a decimal string. */
const int32 = z
  .union([
    z.int(),
    z
      .string()
      .regex(/^-?\d+$/)
      .transform(Number),
  ])
  .pipe(z.number().min(0).max(2_147_483_647));

const kind = <K extends string>(k: K) => z.literal(k).optional();

export const rrsetSchema = z.strictObject({
  kind: kind('dns#resourceRecordSet'),
  name: z.string(),
  type: z.string(),
  ttl: int32,
  // Optional on the wire: a set with a routingPolicy carries none.
  rrdatas: z.array(z.string()).optional(),
  // Read back from the API and echoed by the client on deletions; signing is not emulated.
  signatureRrdatas: z.array(z.string()).max(0).optional(),
  routingPolicy: routingPolicySchema.optional(),
});
export type RrsetInput = z.infer<typeof rrsetSchema>;

export const changeSchema = z.strictObject({
  kind: kind('dns#change'),
  additions: z.array(rrsetSchema).optional(),
  deletions: z.array(rrsetSchema).optional(),
  // Output only; accepted and ignored as Google does.
  id: z.string().optional(),
  startTime: z.string().optional(),
  status: z.enum(['pending', 'done']).optional(),
  isServing: z.boolean().optional(),
});
export type ChangeInput = z.infer<typeof changeSchema>;

/** PATCH of one record set: what is absent is kept. */
export const rrsetPatchSchema = rrsetSchema.partial();
export type RrsetPatchInput = z.infer<typeof rrsetPatchSchema>;

const uint32 = z.int().min(0).max(4_294_967_295);

export const dnsKeySpecSchema = z.strictObject({
  kind: kind('dns#dnsKeySpec'),
  algorithm: z.enum(['rsasha1', 'rsasha256', 'rsasha512', 'ecdsap256sha256', 'ecdsap384sha384']).optional(),
  keyLength: uint32.optional(),
  keyType: z.enum(['keySigning', 'zoneSigning']).optional(),
});
export type DnsKeySpecInput = z.infer<typeof dnsKeySpecSchema>;

export const dnssecConfigSchema = z.strictObject({
  kind: kind('dns#managedZoneDnsSecConfig'),
  state: z.enum(['off', 'on', 'transfer']).optional(),
  nonExistence: z.enum(['nsec', 'nsec3']).optional(),
  defaultKeySpecs: z.array(dnsKeySpecSchema).optional(),
});
export type DnssecConfigInput = z.infer<typeof dnssecConfigSchema>;

const networkUrl = z.string();

const managedZoneFields = {
  kind: kind('dns#managedZone'),
  name: z
    .string()
    .regex(
      /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/,
      'a name is 1-63 characters: lower-case letters, digits and dashes, starting with a letter',
    ),
  dnsName: z.string(),
  description: z.string().max(1024, 'at most 1024 characters').optional(),
  visibility: z.enum(['public', 'private']).optional(),
  labels: z.record(z.string().regex(/^[a-z][-_a-z0-9]{0,62}$/), z.string().max(63)).optional(),
  dnssecConfig: dnssecConfigSchema.optional(),
  cloudLoggingConfig: z.strictObject({ kind: kind('dns#managedZoneCloudLoggingConfig'), enableLogging: z.boolean().optional() }).optional(),
  nameServerSet: z.string().optional(),
  privateVisibilityConfig: z
    .strictObject({
      kind: kind('dns#managedZonePrivateVisibilityConfig'),
      networks: z
        .array(z.strictObject({ kind: kind('dns#managedZonePrivateVisibilityConfigNetwork'), networkUrl: networkUrl.optional() }))
        .optional(),
      gkeClusters: z
        .array(z.strictObject({ kind: kind('dns#managedZonePrivateVisibilityConfigGKECluster'), gkeClusterName: z.string().optional() }))
        .optional(),
    })
    .optional(),
  forwardingConfig: z
    .strictObject({
      kind: kind('dns#managedZoneForwardingConfig'),
      targetNameServers: z
        .array(
          z.strictObject({
            kind: kind('dns#managedZoneForwardingConfigNameServerTarget'),
            forwardingPath: z.enum(['default', 'private']).optional(),
            ipv4Address: z.string().optional(),
            ipv6Address: z.string().optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  peeringConfig: z
    .strictObject({
      kind: kind('dns#managedZonePeeringConfig'),
      targetNetwork: z
        .strictObject({
          kind: kind('dns#managedZonePeeringConfigTargetNetwork'),
          networkUrl: networkUrl.optional(),
          deactivateTime: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  reverseLookupConfig: z.strictObject({ kind: kind('dns#managedZoneReverseLookupConfig') }).optional(),
  serviceDirectoryConfig: z
    .strictObject({
      kind: kind('dns#managedZoneServiceDirectoryConfig'),
      namespace: z
        .strictObject({
          kind: kind('dns#managedZoneServiceDirectoryConfigNamespace'),
          namespaceUrl: z.string().optional(),
          deletionTime: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
  // Output only: accepted (a client may send back what it read) and ignored.
  id: z.union([z.string(), z.int()]).optional(),
  creationTime: z.string().optional(),
  nameServers: z.array(z.string()).optional(),
};

export const managedZoneSchema = z.strictObject(managedZoneFields);
export type ManagedZoneInput = z.infer<typeof managedZoneSchema>;

/** `managedZones.patch` and `update`: the same resource, every field optional (name and dnsName cannot change). */
export const managedZonePatchSchema = managedZoneSchema.partial();
export type ManagedZonePatchInput = z.infer<typeof managedZonePatchSchema>;
