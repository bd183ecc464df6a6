/**
 * Compute Engine `healthChecks` (v1), the subset Cloud DNS routing policies
 * name: insert, get, list, patch, update, delete under
 * `/compute/v1/projects/{project}/global/healthChecks`, answered the way the
 * official `@google-cloud/compute` client reads them (writes answer a
 * `compute#operation`, already DONE). REST reference:
 * https://cloud.google.com/compute/docs/reference/rest/v1/healthChecks.
 */
import type { ZoneStore } from '../../core/zone-store.js';
import { type ApiReply, type CloudDnsContext, type Route, requireProject } from '../context.js';
import { GoogleApiError, googleErrors } from '../google-error.js';
import { buildHealthCheck, mergePatch, type HealthCheckResource } from '../health-checks/health-check.js';
import { healthCheckSchema } from '../health-checks/health-check-schema.js';
import { paginate } from '../pagination.js';
import { parseEntity } from '../parse-entity.js';
import { POLICY_MODEL_METADATA_KEY, type HealthCheckRef, type RoutingPolicy } from '../routing/policy-model.js';

/** Compute's default page size for list calls. */
const COMPUTE_PAGE_SIZE = 500;
const ROOT = 'resource.healthCheckResource';

function notFound(ref: HealthCheckRef): GoogleApiError {
  return new GoogleApiError(404, 'notFound', `The resource 'projects/${ref.project}/global/healthChecks/${ref.name}' was not found`);
}

/** Record sets whose routing policy names the health check (Compute refuses to delete it while they exist). */
function usersOf(store: ZoneStore, ref: HealthCheckRef): string[] {
  const users: string[] = [];
  for (const zone of store.listZones()) {
    for (const rs of zone.records.values()) {
      const model = rs.metadata?.[POLICY_MODEL_METADATA_KEY];
      if (model === undefined) continue;
      const hc = (JSON.parse(model) as RoutingPolicy).healthCheck;
      if (hc?.project === ref.project && hc.name === ref.name) users.push(`${rs.name} ${rs.type}`);
    }
  }
  return users;
}

export function healthCheckRoutes(ctx: CloudDnsContext): Route[] {
  let operations = 0;
  const operation = (project: string, kind: 'insert' | 'patch' | 'update' | 'delete', target: HealthCheckResource): ApiReply => {
    operations += 1;
    const now = new Date().toISOString();
    const name = `operation-${Date.now()}-${operations}`;
    return {
      status: 200,
      body: {
        kind: 'compute#operation',
        id: String(7_000_000_000_000_000_000n + BigInt(operations)),
        name,
        operationType: kind,
        targetLink: target.selfLink,
        targetId: target.id,
        status: 'DONE',
        user: 'emulator@failover.local',
        progress: 100,
        insertTime: now,
        startTime: now,
        endTime: now,
        selfLink: `https://www.googleapis.com/compute/v1/projects/${project}/global/operations/${name}`,
      },
    };
  };
  const existing = (params: Readonly<Record<string, string>>): { ref: HealthCheckRef; current: HealthCheckResource } => {
    const ref = { project: requireProject(ctx, params.project), name: params.healthCheck ?? '' };
    const current = ctx.healthChecks.get(ref);
    if (!current) throw notFound(ref);
    return { ref, current };
  };
  const replace = (ref: HealthCheckRef, current: HealthCheckResource, next: HealthCheckResource): HealthCheckResource => {
    if (next.name !== current.name) throw googleErrors.invalid(`${ROOT}.name`, next.name, 'a health check cannot be renamed');
    ctx.healthChecks.put(ref.project, next);
    return next;
  };
  const ONE = '/global/healthChecks/:healthCheck';
  return [
    {
      method: 'post',
      path: '/global/healthChecks',
      operation: 'healthChecks.insert',
      handle: ({ params, body }) => {
        const project = requireProject(ctx, params.project);
        const input = parseEntity(healthCheckSchema, body, ROOT);
        const resource = buildHealthCheck(
          input,
          { project, id: ctx.healthChecks.newId(), creationTimestamp: new Date().toISOString() },
          ROOT,
        );
        if (ctx.healthChecks.get({ project, name: resource.name })) {
          throw new GoogleApiError(
            409,
            'alreadyExists',
            `The resource 'projects/${project}/global/healthChecks/${resource.name}' already exists`,
          );
        }
        ctx.healthChecks.put(project, resource);
        return operation(project, 'insert', resource);
      },
    },
    {
      method: 'get',
      path: '/global/healthChecks',
      operation: 'healthChecks.list',
      handle: ({ params, query }) => {
        const project = requireProject(ctx, params.project);
        if (query.filter !== undefined || query.orderBy !== undefined) {
          throw googleErrors.notEmulated('list filters and ordering (filter, orderBy)', 'healthChecks.list');
        }
        const page = paginate(ctx.healthChecks.list(project), (h) => h.name, query, { defaultSize: COMPUTE_PAGE_SIZE });
        return {
          status: 200,
          body: {
            kind: 'compute#healthCheckList',
            id: `projects/${project}/global/healthChecks`,
            items: page.items,
            selfLink: `https://www.googleapis.com/compute/v1/projects/${project}/global/healthChecks`,
            ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
          },
        };
      },
    },
    {
      method: 'get',
      path: ONE,
      operation: 'healthChecks.get',
      handle: ({ params }) => ({ status: 200, body: existing(params).current }),
    },
    {
      method: 'patch',
      path: ONE,
      operation: 'healthChecks.patch',
      handle: ({ params, body }) => {
        const { ref, current } = existing(params);
        const patch = parseEntity(healthCheckSchema, body, ROOT);
        const next = buildHealthCheck(
          mergePatch(current, patch),
          { project: ref.project, id: current.id, creationTimestamp: current.creationTimestamp },
          ROOT,
        );
        return operation(ref.project, 'patch', replace(ref, current, next));
      },
    },
    {
      method: 'put',
      path: ONE,
      operation: 'healthChecks.update',
      handle: ({ params, body }) => {
        const { ref, current } = existing(params);
        const input = parseEntity(healthCheckSchema, body, ROOT);
        const next = buildHealthCheck(
          { ...input, name: input.name ?? current.name },
          { project: ref.project, id: current.id, creationTimestamp: current.creationTimestamp },
          ROOT,
        );
        return operation(ref.project, 'update', replace(ref, current, next));
      },
    },
    {
      method: 'delete',
      path: ONE,
      operation: 'healthChecks.delete',
      handle: ({ params }) => {
        const { ref, current } = existing(params);
        const users = usersOf(ctx.store, ref);
        if (users.length > 0) {
          throw new GoogleApiError(
            400,
            'resourceInUseByAnotherResource',
            `The health_check resource 'projects/${ref.project}/global/healthChecks/${ref.name}' is already being used by record sets: ${users.join(', ')}`,
          );
        }
        ctx.healthChecks.delete(ref);
        return operation(ref.project, 'delete', current);
      },
    },
  ];
}
