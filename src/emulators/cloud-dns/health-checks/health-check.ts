/**
 * A Compute health check as Cloud DNS routing policies use it: checked, with
 * Compute's defaults filled in, and the DNS rules on top (wire facts: a health
 * check for external endpoints has exactly 3 `sourceRegions` and checks at most
 * every 30 s). Pure: input and the previous resource in, resource or a Google
 * error out.
 */
import { googleErrors } from '../google-error.js';
import type { HealthCheckInput } from './health-check-schema.js';

export type ProbeProtocol = 'HTTP' | 'HTTPS' | 'TCP';

export interface HealthCheckResource {
  kind: 'compute#healthCheck';
  id: string;
  creationTimestamp: string;
  name: string;
  description: string;
  type: ProbeProtocol;
  checkIntervalSec: number;
  timeoutSec: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  httpHealthCheck?: HttpSettings;
  httpsHealthCheck?: HttpSettings;
  tcpHealthCheck?: TcpSettings;
  sourceRegions?: string[];
  logConfig?: { enable: boolean };
  selfLink: string;
}

export interface HttpSettings {
  port: number;
  requestPath: string;
  portSpecification: 'USE_FIXED_PORT';
  proxyHeader: 'NONE' | 'PROXY_V1';
  host?: string;
  response?: string;
}

export interface TcpSettings {
  port: number;
  portSpecification: 'USE_FIXED_PORT';
  proxyHeader: 'NONE' | 'PROXY_V1';
  request?: string;
  response?: string;
}

/** Compute's defaults (REST reference, HealthCheck), and Cloud DNS's floor for health checks with source regions. */
export const HEALTH_CHECK_DEFAULTS = { checkIntervalSec: 5, timeoutSec: 5, healthyThreshold: 2, unhealthyThreshold: 2 } as const;
export const DNS_HEALTH_CHECK_MIN_INTERVAL_SEC = 30;
export const DNS_HEALTH_CHECK_SOURCE_REGIONS = 3;

const NAME = /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
const REGION = /^[a-z]+(?:-[a-z]+)+\d+$/;
const DEFAULT_PORT: Record<ProbeProtocol, number> = { HTTP: 80, HTTPS: 443, TCP: 80 };
const SUB_FIELD = {
  HTTP: 'httpHealthCheck',
  HTTPS: 'httpsHealthCheck',
  TCP: 'tcpHealthCheck',
  SSL: 'sslHealthCheck',
  HTTP2: 'http2HealthCheck',
  GRPC: 'grpcHealthCheck',
  GRPC_WITH_TLS: 'grpcTlsHealthCheck',
} as const;

function range(field: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw googleErrors.invalid(field, value, `must be between ${min} and ${max}`);
  return value;
}

function port(field: string, value: number | undefined, fallback: number): number {
  return range(field, value ?? fallback, 1, 65535);
}

function fixedPortOnly(field: string, spec: string | undefined, portName: string | undefined): void {
  if (spec !== undefined && spec !== 'USE_FIXED_PORT')
    throw googleErrors.invalid(`${field}.portSpecification`, spec, 'an external endpoint is checked on a fixed port (USE_FIXED_PORT)');
  if (portName !== undefined)
    throw googleErrors.invalid(`${field}.portName`, portName, 'named ports belong to instance groups, not to external endpoints');
}

export interface Identity {
  project: string;
  id: string;
  creationTimestamp: string;
}

export function selfLink(project: string, name: string): string {
  return `https://www.googleapis.com/compute/v1/projects/${project}/global/healthChecks/${name}`;
}

/** Build the resource from a full body (insert, update) — `root` names the body in errors, e.g. `resource.healthCheckResource`. */
export function buildHealthCheck(input: HealthCheckInput, who: Identity, root: string): HealthCheckResource {
  const name = input.name;
  if (name === undefined) throw googleErrors.required(`${root}.name`);
  if (!NAME.test(name))
    throw googleErrors.invalid(`${root}.name`, name, 'a name is 1-63 characters of [a-z0-9-], starting with a letter (RFC 1035)');
  const type = input.type;
  if (type === undefined) throw googleErrors.required(`${root}.type`);
  if (type !== 'HTTP' && type !== 'HTTPS' && type !== 'TCP') {
    throw googleErrors.notEmulated(`${type} health checks (Cloud DNS routing policies probe HTTP, HTTPS and TCP)`, `${root}.type`);
  }
  for (const [kind, field] of Object.entries(SUB_FIELD)) {
    if (kind !== type && input[field] !== undefined)
      throw googleErrors.invalid(`${root}.${field}`, '<an object>', `the health check's type is ${type}`);
  }
  const regions = input.sourceRegions;
  const interval = range(
    `${root}.checkIntervalSec`,
    input.checkIntervalSec ?? (regions ? DNS_HEALTH_CHECK_MIN_INTERVAL_SEC : HEALTH_CHECK_DEFAULTS.checkIntervalSec),
    1,
    300,
  );
  const timeout = range(`${root}.timeoutSec`, input.timeoutSec ?? HEALTH_CHECK_DEFAULTS.timeoutSec, 1, 300);
  if (timeout > interval) throw googleErrors.invalid(`${root}.timeoutSec`, timeout, `must not exceed checkIntervalSec (${interval})`);
  if (regions !== undefined) {
    if (regions.length !== DNS_HEALTH_CHECK_SOURCE_REGIONS)
      throw googleErrors.invalid(`${root}.sourceRegions`, regions, `exactly ${DNS_HEALTH_CHECK_SOURCE_REGIONS} source regions`);
    regions.forEach((r, i) => {
      if (!REGION.test(r)) throw googleErrors.invalid(`${root}.sourceRegions[${i}]`, r, 'a Google Cloud region such as us-east1');
      if (regions.indexOf(r) !== i) throw googleErrors.invalid(`${root}.sourceRegions[${i}]`, r, 'the region appears twice');
    });
    if (interval < DNS_HEALTH_CHECK_MIN_INTERVAL_SEC) {
      throw googleErrors.invalid(
        `${root}.checkIntervalSec`,
        interval,
        `a health check with sourceRegions checks at most every ${DNS_HEALTH_CHECK_MIN_INTERVAL_SEC} seconds`,
      );
    }
  }
  const resource: HealthCheckResource = {
    kind: 'compute#healthCheck',
    id: who.id,
    creationTimestamp: who.creationTimestamp,
    name,
    description: input.description ?? '',
    type,
    checkIntervalSec: interval,
    timeoutSec: timeout,
    healthyThreshold: range(`${root}.healthyThreshold`, input.healthyThreshold ?? HEALTH_CHECK_DEFAULTS.healthyThreshold, 1, 10),
    unhealthyThreshold: range(`${root}.unhealthyThreshold`, input.unhealthyThreshold ?? HEALTH_CHECK_DEFAULTS.unhealthyThreshold, 1, 10),
    ...(regions ? { sourceRegions: [...regions] } : {}),
    ...(input.logConfig ? { logConfig: { enable: input.logConfig.enable ?? false } } : {}),
    selfLink: selfLink(who.project, name),
  };
  const field = SUB_FIELD[type];
  if (type === 'TCP') {
    const tcp = input.tcpHealthCheck ?? {};
    fixedPortOnly(`${root}.${field}`, tcp.portSpecification, tcp.portName);
    resource.tcpHealthCheck = {
      port: port(`${root}.${field}.port`, tcp.port, DEFAULT_PORT.TCP),
      portSpecification: 'USE_FIXED_PORT',
      proxyHeader: tcp.proxyHeader ?? 'NONE',
      ...(tcp.request !== undefined ? { request: tcp.request } : {}),
      ...(tcp.response !== undefined ? { response: tcp.response } : {}),
    };
  } else {
    const http = (type === 'HTTP' ? input.httpHealthCheck : input.httpsHealthCheck) ?? {};
    fixedPortOnly(`${root}.${field}`, http.portSpecification, http.portName);
    const requestPath = http.requestPath ?? '/';
    if (!requestPath.startsWith('/'))
      throw googleErrors.invalid(`${root}.${field}.requestPath`, requestPath, "a request path starts with '/'");
    const settings: HttpSettings = {
      port: port(`${root}.${field}.port`, http.port, DEFAULT_PORT[type]),
      requestPath,
      portSpecification: 'USE_FIXED_PORT',
      proxyHeader: http.proxyHeader ?? 'NONE',
      ...(http.host !== undefined ? { host: http.host } : {}),
      ...(http.response !== undefined ? { response: http.response } : {}),
    };
    if (type === 'HTTP') resource.httpHealthCheck = settings;
    else resource.httpsHealthCheck = settings;
  }
  return resource;
}

/** PATCH semantics (JSON merge): what the body leaves out is kept; nested objects merge. */
export function mergePatch(current: HealthCheckResource, patch: HealthCheckInput): HealthCheckInput {
  const merged: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    const was = merged[k];
    merged[k] = typeof v === 'object' && !Array.isArray(v) && typeof was === 'object' && was !== null ? { ...was, ...v } : v;
  }
  // A new type drops the settings of the old one.
  if (patch.type !== undefined && patch.type !== current.type) {
    for (const [kind, field] of Object.entries(SUB_FIELD)) if (kind !== patch.type && patch[field] === undefined) delete merged[field];
  }
  return merged as HealthCheckInput;
}
