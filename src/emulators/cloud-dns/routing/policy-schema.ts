/**
 * `RRSetRoutingPolicy` as the Cloud DNS v1 discovery document defines it
 * (https://dns.googleapis.com/$discovery/rest?version=v1, schemas
 * RRSetRoutingPolicy, RRSetRoutingPolicyPrimaryBackupPolicy, RRSetRoutingPolicyWrrPolicy(WrrPolicyItem),
 * RRSetRoutingPolicyGeoPolicy(GeoPolicyItem), RRSetRoutingPolicyHealthCheckTargets,
 * RRSetRoutingPolicyLoadBalancerTarget). Strict: unknown fields are refused like
 * Google's JSON parser does; the meaning is checked in policy-check.ts.
 */
import { z } from 'zod';

const kind = <K extends string>(k: K) => z.literal(k).optional();

const loadBalancerTarget = z.strictObject({
  kind: kind('dns#rRSetRoutingPolicyLoadBalancerTarget'),
  loadBalancerType: z.string().optional(),
  ipAddress: z.string().optional(),
  port: z.string().optional(),
  ipProtocol: z.string().optional(),
  networkUrl: z.string().optional(),
  project: z.string().optional(),
  region: z.string().optional(),
});

export const healthCheckTargetsSchema = z.strictObject({
  internalLoadBalancers: z.array(loadBalancerTarget).optional(),
  externalEndpoints: z.array(z.string()).optional(),
});

const geoItem = z.strictObject({
  kind: kind('dns#rRSetRoutingPolicyGeoPolicyGeoPolicyItem'),
  location: z.string().optional(),
  rrdatas: z.array(z.string()).optional(),
  signatureRrdatas: z.array(z.string()).max(0).optional(),
  healthCheckedTargets: healthCheckTargetsSchema.optional(),
});

export const geoPolicySchema = z.strictObject({
  kind: kind('dns#rRSetRoutingPolicyGeoPolicy'),
  items: z.array(geoItem).optional(),
  enableFencing: z.boolean().optional(),
});

const wrrItem = z.strictObject({
  kind: kind('dns#rRSetRoutingPolicyWrrPolicyWrrPolicyItem'),
  // proto3 JSON: a double is a number or a numeric string.
  weight: z
    .union([
      z.number(),
      z
        .string()
        .regex(/^[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/)
        .transform(Number),
    ])
    .optional(),
  rrdatas: z.array(z.string()).optional(),
  signatureRrdatas: z.array(z.string()).max(0).optional(),
  healthCheckedTargets: healthCheckTargetsSchema.optional(),
});

export const wrrPolicySchema = z.strictObject({
  kind: kind('dns#rRSetRoutingPolicyWrrPolicy'),
  items: z.array(wrrItem).optional(),
});

export const primaryBackupSchema = z.strictObject({
  kind: kind('dns#rRSetRoutingPolicyPrimaryBackupPolicy'),
  primaryTargets: healthCheckTargetsSchema.optional(),
  backupGeoTargets: geoPolicySchema.optional(),
  trickleTraffic: z
    .union([
      z.number(),
      z
        .string()
        .regex(/^\d+(?:\.\d+)?$/)
        .transform(Number),
    ])
    .optional(),
});

export const routingPolicySchema = z.strictObject({
  kind: kind('dns#rRSetRoutingPolicy'),
  geo: geoPolicySchema.optional(),
  geoPolicy: geoPolicySchema.optional(),
  wrr: wrrPolicySchema.optional(),
  wrrPolicy: wrrPolicySchema.optional(),
  primaryBackup: primaryBackupSchema.optional(),
  healthCheck: z.string().optional(),
});

export type RoutingPolicyInput = z.infer<typeof routingPolicySchema>;
export type HealthCheckTargetsInput = z.infer<typeof healthCheckTargetsSchema>;
export type GeoPolicyInput = z.infer<typeof geoPolicySchema>;
export type WrrPolicyInput = z.infer<typeof wrrPolicySchema>;
