/**
 * The Compute Engine `HealthCheck` resource, the subset Cloud DNS routing
 * policies use (Compute v1 discovery document,
 * https://compute.googleapis.com/$discovery/rest?version=v1, schemas HealthCheck,
 * HTTPHealthCheck, HTTPSHealthCheck, TCPHealthCheck; REST reference
 * https://cloud.google.com/compute/docs/reference/rest/v1/healthChecks).
 * Every field of the resource is read; kinds the emulator does not probe (SSL,
 * HTTP2, GRPC) are refused by name in health-check-check.ts.
 */
import { z } from 'zod';

/** int32 as proto3 JSON allows it: a number or a decimal string. */
const int32 = z.union([
  z.int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);

const portSpecification = z.enum(['USE_FIXED_PORT', 'USE_NAMED_PORT', 'USE_SERVING_PORT']);
const proxyHeader = z.enum(['NONE', 'PROXY_V1']);

const httpLike = z.strictObject({
  port: int32.optional(),
  portName: z.string().optional(),
  portSpecification: portSpecification.optional(),
  host: z.string().optional(),
  requestPath: z.string().optional(),
  proxyHeader: proxyHeader.optional(),
  response: z.string().optional(),
});

const tcpLike = z.strictObject({
  port: int32.optional(),
  portName: z.string().optional(),
  portSpecification: portSpecification.optional(),
  request: z.string().optional(),
  response: z.string().optional(),
  proxyHeader: proxyHeader.optional(),
});

const grpcLike = z.strictObject({
  port: int32.optional(),
  portName: z.string().optional(),
  portSpecification: portSpecification.optional(),
  grpcServiceName: z.string().optional(),
});

export const HEALTH_CHECK_TYPES = ['TCP', 'SSL', 'HTTP', 'HTTPS', 'HTTP2', 'GRPC', 'GRPC_WITH_TLS'] as const;

export const healthCheckSchema = z.strictObject({
  kind: z.literal('compute#healthCheck').optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  type: z.enum(HEALTH_CHECK_TYPES).optional(),
  checkIntervalSec: int32.optional(),
  timeoutSec: int32.optional(),
  healthyThreshold: int32.optional(),
  unhealthyThreshold: int32.optional(),
  httpHealthCheck: httpLike.optional(),
  httpsHealthCheck: httpLike.optional(),
  http2HealthCheck: httpLike.optional(),
  tcpHealthCheck: tcpLike.optional(),
  sslHealthCheck: tcpLike.optional(),
  grpcHealthCheck: grpcLike.optional(),
  grpcTlsHealthCheck: grpcLike.optional(),
  sourceRegions: z.array(z.string()).optional(),
  logConfig: z.strictObject({ enable: z.boolean().optional() }).optional(),
  // Output only: accepted (a client may send back what it read) and ignored.
  id: z.union([z.string(), z.int()]).optional(),
  creationTimestamp: z.string().optional(),
  selfLink: z.string().optional(),
  region: z.string().optional(),
});

export type HealthCheckInput = z.infer<typeof healthCheckSchema>;
