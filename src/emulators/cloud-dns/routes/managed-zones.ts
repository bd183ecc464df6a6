/** `managedZones.*` and `projects.get`. */
import { type CloudDnsContext, type Route, requireProject, requireZone } from '../context.js';
import { managedZoneSchema } from '../entity-schemas.js';
import { GoogleApiError, googleErrors } from '../google-error.js';
import { CLOUD_DNS_LIMITS } from '../limits.js';
import { createManagedZone, findManagedZone, toManagedZoneJson, zonesOfProject } from '../managed-zone.js';
import { paginate } from '../pagination.js';
import { parseEntity } from '../parse-entity.js';
import { isAbsoluteDomainName } from '../rrdata.js';

export function managedZoneRoutes(ctx: CloudDnsContext): Route[] {
  return [
    {
      method: 'get',
      path: '',
      operation: 'projects.get',
      handle: ({ params }) => {
        const project = requireProject(ctx, params.project);
        return {
          status: 200,
          body: {
            kind: 'dns#project',
            id: project,
            number: String(zonesOfProject(ctx.store, project).length),
            quota: { kind: 'dns#quota', ...CLOUD_DNS_LIMITS },
          },
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
        if (findManagedZone(ctx.store, project, input.name)) throw googleErrors.alreadyExists('entity.managedZone', input.name);
        if (zonesOfProject(ctx.store, project).length >= CLOUD_DNS_LIMITS.managedZones)
          throw googleErrors.quotaExceeded('managed zones per project');
        const zone = createManagedZone(ctx.store, {
          projectId: project,
          name: input.name,
          dnsName: input.dnsName.toLowerCase(),
          description: input.description,
          ...(input.labels ? { labels: input.labels } : {}),
        });
        ctx.changes.open(zone);
        return { status: 200, body: toManagedZoneJson(zone) };
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
            managedZones: page.items.map(toManagedZoneJson),
            ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
          },
        };
      },
    },
    {
      method: 'get',
      path: '/managedZones/:managedZone',
      operation: 'managedZones.get',
      handle: ({ params }) => ({ status: 200, body: toManagedZoneJson(requireZone(ctx, params)) }),
    },
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
        return { status: 204 };
      },
    },
  ];
}
