/**
 * Shapes of the request bodies Cloud DNS accepts, strict as the real API is:
 * an unknown field is an error, not silently dropped. Semantic checks (names,
 * record data) come after, in change-check.ts.
 */
import { z } from 'zod';

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

export const rrsetSchema = z.strictObject({
  kind: z.literal('dns#resourceRecordSet').optional(),
  name: z.string(),
  type: z.string(),
  ttl: int32,
  rrdatas: z.array(z.string()),
  // Read back from the API and echoed by the client on deletions; DNSSEC is not emulated.
  signatureRrdatas: z.array(z.string()).max(0).optional(),
});
export type RrsetInput = z.infer<typeof rrsetSchema>;

export const changeSchema = z.strictObject({
  kind: z.literal('dns#change').optional(),
  additions: z.array(rrsetSchema).optional(),
  deletions: z.array(rrsetSchema).optional(),
});
export type ChangeInput = z.infer<typeof changeSchema>;

/** PATCH of one record set: what is absent is kept. */
export const rrsetPatchSchema = rrsetSchema.partial();
export type RrsetPatchInput = z.infer<typeof rrsetPatchSchema>;

export const managedZoneSchema = z.strictObject({
  kind: z.literal('dns#managedZone').optional(),
  name: z
    .string()
    .regex(
      /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/,
      'a name is 1-63 characters: lower-case letters, digits and dashes, starting with a letter',
    ),
  dnsName: z.string(),
  description: z.string().max(1024),
  visibility: z.literal('public').optional(),
  labels: z.record(z.string().regex(/^[a-z][-_a-z0-9]{0,62}$/), z.string().max(63)).optional(),
  dnssecConfig: z
    .strictObject({ kind: z.literal('dns#managedZoneDnsSecConfig').optional(), state: z.literal('off').optional() })
    .optional(),
});
export type ManagedZoneInput = z.infer<typeof managedZoneSchema>;
