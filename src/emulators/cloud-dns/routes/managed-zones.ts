/** `projects.get`, `managedZones.*` and `managedZoneOperations.*`. */
import { createHash } from 'node:crypto';
import { type ApiRequest, type CloudDnsContext, type Route, requireProject, requireZone } from '../context.js';
import { managedZonePatchSchema, managedZoneSchema } from '../entity-schemas.js';
import { GoogleApiError, googleErrors } from '../google-error.js';
import { CLOUD_DNS_LIMITS, CLOUD_DNS_QUOTA } from '../limits.js';
import { createManagedZone, findManagedZone, toManagedZoneJson, zonesOfProject } from '../managed-zone.js';
import { refuseNotEmulated, settingsAfterUpdate, settingsFromCreate } from '../managed-zone-update.js';
import { paginate } from '../pagination.js';
import { parseEntity } from '../parse-entity.js';
import { isAbsoluteDomainName } from '../rrdata.js';

/**
 * A project number as Google shows them: 12 digits, the same for a project id
 * every time (derived from it), never the count of anything.
 */
export function projectNumber(projectId: string): string {
  const h = createHash('sha256').update(`cloud-dns-emulator:${projectId}`).digest();
  return String(100_000_000_000 + (h.readUIntBE(0, 6) % 900_000_000_000));
}

export function managedZoneRoutes(ctx: CloudDnsContext): Route[] {
  const zoneJson = (zone: Parameters<typeof toManagedZoneJson>[0]) => toManagedZoneJson(zone, ctx.settings.get(zone));
  /** `managedZones.patch` and `update`: the zone's settings change, the answer is the Operation that did it. */
  const updateZone =
    (replace: boolean) =>
    ({ params, query, body }: ApiRequest) => {
      const zone = requireZone(ctx, params);
      const clientOperationId = query.clientOperationId;
      if (clientOperationId !== undefined) {
        // Operation.id: "1-63 characters long and match the regular expression [-a-z0-9]?".
        if (!/^[-a-z0-9]{1,63}$/.test(clientOperationId))
          throw googleErrors.invalid('parameters.clientOperationId', clientOperationId, '1-63 lower-case letters, digits or dashes');
        if (ctx.operations.get(zone, clientOperationId))
          throw googleErrors.alreadyExists('parameters.clientOperationId', clientOperationId);
      }
      const input = parseEntity(managedZonePatchSchema, body, 'entity.managedZone');
      const oldValue = zoneJson(zone);
      ctx.settings.set(zone.id, settingsAfterUpdate(zone, ctx.settings.get(zone), input, replace));
      return { status: 200, body: ctx.operations.record(zone, oldValue, zoneJson(zone), clientOperationId) };
    };

  return [
    {
      method: 'get',
      path: '',
      operation: 'projects.get',
      handle: ({ params }) => {
        const project = requireProject(ctx, params.project);
        return {
          status: 200,
          body: { kind: 'dns#project', id: project, number: projectNumber(project), quota: structuredClone(CLOUD_DNS_QUOTA) },
        };
      },
    },
    {
      method: 'post',
      path: '/managedZones',
      operation: 'managedZones.create',
      handle: ({ params, body }) => {
        const project = requireProject(ctx, params.project);
        const input = parseEntity(managedZoneSchema, body, 'entity.managedZone');
        if (!isAbsoluteDomainName(input.dnsName)) {
          throw googleErrors.invalid(
            'entity.managedZone.dnsName',
            input.dnsName,
            "an absolute domain name ending in '.', e.g. example.test.",
          );
        }
        refuseNotEmulated(input);
        if (findManagedZone(ctx.store, project, input.name)) throw googleErrors.alreadyExists('entity.managedZone', input.name);
        if (zonesOfProject(ctx.store, project).length >= CLOUD_DNS_LIMITS.managedZones)
          throw googleErrors.quotaExceeded('managed zones per project');
        const settings = settingsFromCreate(input);
        const zone = createManagedZone(ctx.store, {
          projectId: project,
          name: input.name,
          dnsName: input.dnsName.toLowerCase(),
          description: settings.description,
          ...(settings.labels ? { labels: settings.labels } : {}),
        });
        ctx.settings.set(zone.id, settings);
        ctx.changes.open(zone);
        return { status: 200, body: zoneJson(zone) };
      },
    },
    {
      method: 'get',
      path: '/managedZones',
      operation: 'managedZones.list',
      handle: ({ params, query }) => {
        const project = requireProject(ctx, params.project);
        let zones = zonesOfProject(ctx.store, project);
        if (query.dnsName !== undefined) {
          const dnsName = query.dnsName.toLowerCase();
          zones = zones.filter((z) => z.name === dnsName || z.name === `${dnsName}.`);
        }
        const page = paginate(zones, (z) => `${z.name}\u0000${z.id}`, query, { defaultSize: ctx.pageSize });
        return {
          status: 200,
          body: {
            kind: 'dns#managedZonesListResponse',
            managedZones: page.items.map(zoneJson),
            ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
          },
        };
      },
    },
    {
      method: 'get',
      path: '/managedZones/:managedZone',
      operation: 'managedZones.get',
      handle: ({ params }) => ({ status: 200, body: zoneJson(requireZone(ctx, params)) }),
    },
    { method: 'patch', path: '/managedZones/:managedZone', operation: 'managedZones.patch', handle: updateZone(false) },
    { method: 'put', path: '/managedZones/:managedZone', operation: 'managedZones.update', handle: updateZone(true) },
    {
      method: 'delete',
      path: '/managedZones/:managedZone',
      operation: 'managedZones.delete',
      handle: ({ params }) => {
        const zone = requireZone(ctx, params);
        const content = [...zone.records.values()].filter((r) => !(r.name === zone.name && (r.type === 'SOA' || r.type === 'NS')));
        if (content.length > 0) {
          throw new GoogleApiError(
            400,
            'containerNotEmpty',
            `The resource named '${zone.attributes.managedZone}' cannot be deleted because it is not empty: delete its ${content.length} record set(s) other than the apex SOA and NS first`,
          );
        }
        ctx.store.deleteZone(zone.id);
        ctx.changes.forget(zone.id);
        ctx.settings.forget(zone.id);
        ctx.operations.forget(zone.id);
        return { status: 204 };
      },
    },
    {
      method: 'get',
      path: '/managedZones/:managedZone/operations',
      operation: 'managedZoneOperations.list',
      handle: ({ params, query }) => {
        const zone = requireZone(ctx, params);
        const sortBy = query.sortBy ?? 'startTime';
        if (sortBy !== 'startTime' && sortBy !== 'id') throw googleErrors.invalid('parameters.sortBy', sortBy, "'startTime' or 'id'");
        // Ids count up with time, so both orders are the same; a cursor on the numeric id pages them.
        const page = paginate(ctx.operations.list(zone), (o) => o.id, query, {
          defaultSize: ctx.pageSize,
          compare: (a, b) => Number(a) - Number(b),
        });
        return {
          status: 200,
          body: {
            kind: 'dns#managedZoneOperationsListResponse',
            operations: page.items,
            ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
          },
        };
      },
    },
    {
      method: 'get',
      path: '/managedZones/:managedZone/operations/:operation',
      operation: 'managedZoneOperations.get',
      handle: ({ params }) => {
        const zone = requireZone(ctx, params);
        const id = params.operation ?? '';
        const op = ctx.operations.get(zone, id);
        if (!op) throw googleErrors.notFound('operation', id);
        return { status: 200, body: op };
      },
    },
  ];
}
