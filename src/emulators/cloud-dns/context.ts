/** What the route handlers share, and the lookups every path starts with. */
import type { EmuZone, ZoneStore } from '../core/zone-store.js';
import type { ChangeLog } from './change-log.js';
import type { HealthCheckRegistry } from './health-checks/registry.js';
import type { PolicyEnv } from './routing/policy-check.js';
import { googleErrors } from './google-error.js';
import { findManagedZone } from './managed-zone.js';
import type { ZoneOperationLog } from './zone-operations.js';
import type { ZoneSettingsRegistry } from './zone-settings.js';

export interface CloudDnsContext {
  store: ZoneStore;
  changes: ChangeLog;
  /** Description, labels, DNSSEC and logging settings per zone. */
  settings: ZoneSettingsRegistry;
  operations: ZoneOperationLog;
  /** Projects that exist even without zones; a project holding a zone always exists. */
  projectIds: ReadonlySet<string>;
  /** Page size when a list call sends no `maxResults`. */
  pageSize: number;
  /** Compute health checks that routing policies name. */
  healthChecks: HealthCheckRegistry;
}

/** What a routing policy check asks of the emulator: does the health check exist and suit DNS? */
export function policyEnv(ctx: CloudDnsContext): PolicyEnv {
  return {
    healthCheckProblem: (ref) => {
      const hc = ctx.healthChecks.get(ref);
      if (!hc) return 'no such Compute health check';
      if (!hc.sourceRegions) return 'a health check for external endpoints needs sourceRegions (exactly 3)';
      return undefined;
    },
  };
}

/** A request as handlers see it: path parameters, single-valued query, parsed JSON body. */
export interface ApiRequest {
  params: Readonly<Record<string, string>>;
  query: Readonly<Record<string, string | undefined>>;
  body: unknown;
}

export interface ApiReply {
  status: number;
  /** Omitted for 204. */
  body?: unknown;
}

export interface Route {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  /** Express path below `/dns/v1/projects/:project` (Compute routes: below `/compute/v1/projects/:project`). */
  path: string;
  /** Name the fault counters use, after the API method (`changes.create`). */
  operation: string;
  handle(req: ApiRequest): ApiReply;
}

export function requireProject(ctx: CloudDnsContext, project: string | undefined): string {
  const p = project ?? '';
  const exists = ctx.projectIds.has(p) || ctx.store.listZones().some((z) => z.attributes.projectId === p);
  if (!exists) throw googleErrors.notFound('project', p);
  return p;
}

export function requireZone(ctx: CloudDnsContext, params: ApiRequest['params']): EmuZone {
  const project = requireProject(ctx, params.project);
  const name = params.managedZone ?? '';
  const zone = findManagedZone(ctx.store, project, name);
  if (!zone) throw googleErrors.notFound('managedZone', name);
  return zone;
}
