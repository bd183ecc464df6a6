/** What every Route 53 operation works on: the zones and the log of submitted changes. */
import type { EmuZone, ZoneStore } from '../core/zone-store.js';
import type { ChangeLog } from './change-log.js';
import type { HealthCheckEngine } from './engine/checkers.js';
import type { HealthCheckRegistry } from './health-check-registry.js';
import type { RoutingSets } from './routing-sets.js';
import { noSuchHostedZone } from './errors.js';

export interface Route53Context {
  readonly store: ZoneStore;
  readonly changes: ChangeLog;
  /** Every CallerReference used by CreateHostedZone on this server, including deleted zones'. */
  readonly callerReferences: Set<string>;
  /** Base URL, for the Location header of CreateHostedZone. */
  readonly endpoint: () => string;
  /** Route 53's own per-zone data (comment, tags), by zone id; see zoneMeta. */
  readonly zoneMeta: Map<string, ZoneMeta>;
  readonly healthChecks: HealthCheckRegistry;
  /** The simulated checkers probing every health check. */
  readonly engine: HealthCheckEngine;
  /** Record sets with a SetIdentifier (failover, weighted, multivalue), which the zone store cannot hold side by side. */
  readonly routing: RoutingSets;
  /** The record set (as text) that references a health check, if any. */
  readonly healthCheckUser: (healthCheckId: string) => string | undefined;
}

/** What Route 53 keeps about a hosted zone beside its records. */
export interface ZoneMeta {
  comment: string | undefined;
  /** Tag key → value, in the order keys were first added. */
  readonly tags: Map<string, string>;
}

/** The zone's comment and tags; a zone seeded straight into the store starts with its creation comment and no tags. */
export function zoneMeta(ctx: Route53Context, zone: EmuZone): ZoneMeta {
  let meta = ctx.zoneMeta.get(zone.id);
  if (!meta) {
    meta = { comment: zone.attributes.comment, tags: new Map() };
    ctx.zoneMeta.set(zone.id, meta);
  }
  return meta;
}

/** The SDK strips `/hostedzone/`; other clients may not. */
export function requireZone(ctx: Route53Context, rawId: string): EmuZone {
  const id = rawId.replace(/^\/?hostedzone\//, '');
  const zone = ctx.store.getZone(id);
  if (!zone) throw noSuchHostedZone(id);
  return zone;
}

/** One API call as the operations see it, free of HTTP details. */
export interface OperationRequest {
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, unknown>>;
  readonly body: string;
}

/** A successful answer: root element, its content, and the HTTP status (200 unless said). */
export interface Reply {
  readonly root: string;
  readonly content: Record<string, unknown>;
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Operation = (ctx: Route53Context, req: OperationRequest) => Reply;

/** One REST path the emulator serves, with its API action name (used for fault counters and logs). */
export interface Route {
  method: 'get' | 'post' | 'delete';
  path: string;
  /** The API action name, used for fault counters and logs. */
  operation: string;
  handler: Operation;
}
