/**
 * `resourceRecordSets.*`: list (what the client's `getRecords` calls), and the
 * one-set create/get/patch/delete methods, each applied as a one-entry change
 * with the same exact-match rules.
 */
import type { EmuRecordSet, EmuZone } from '../../core/zone-store.js';
import { applyChange } from '../change-apply.js';
import { checkRrset, type CheckedChange } from '../change-check.js';
import { type ApiRequest, type CloudDnsContext, policyEnv, type Route, requireZone } from '../context.js';
import { POLICY_METADATA_KEY } from '../routing/policy-model.js';
import type { RoutingPolicyInput } from '../routing/policy-schema.js';
import { rrsetPatchSchema, rrsetSchema } from '../entity-schemas.js';
import { googleErrors } from '../google-error.js';
import { paginate } from '../pagination.js';
import { parseEntity } from '../parse-entity.js';
import { rrsetKey, toRrsetJson } from '../rrset-json.js';

/** The live set's data as a patch body would carry it. */
function livePolicy(live: EmuRecordSet): { rrdatas: string[]; routingPolicy?: RoutingPolicyInput } {
  const policy = live.metadata?.[POLICY_METADATA_KEY];
  if (policy === undefined) return { rrdatas: [...live.values] };
  return { rrdatas: [], routingPolicy: JSON.parse(policy) as RoutingPolicyInput };
}

const ONE_SET = '/managedZones/:managedZone/rrsets/:name/:type';

function liveSet(zone: EmuZone, params: ApiRequest['params']): EmuRecordSet {
  const name = (params.name ?? '').toLowerCase();
  const type = params.type ?? '';
  const live = [...zone.records.values()].find((r) => r.name === name && r.type === type);
  if (!live) throw googleErrors.notFound('name', `${name} (${type})`);
  return live;
}

export function rrsetRoutes(ctx: CloudDnsContext): Route[] {
  const commit = (zone: EmuZone, change: CheckedChange) => {
    ctx.changes.open(zone);
    applyChange(ctx.store, zone, change);
    ctx.changes.append(zone, change.additions.map(toRrsetJson), change.deletions.map(toRrsetJson));
  };
  const asDeletion = (live: EmuRecordSet) => ({
    field: 'parameters.name',
    name: live.name,
    type: live.type,
    ttl: live.ttl,
    values: [...live.values],
    ...(live.metadata ? { metadata: live.metadata } : {}),
  });

  return [
    {
      method: 'get',
      path: '/managedZones/:managedZone/rrsets',
      operation: 'resourceRecordSets.list',
      handle: ({ params, query }) => {
        const zone = requireZone(ctx, params);
        if (query.type !== undefined && query.name === undefined) {
          throw googleErrors.invalid('parameters.type', query.type, "filtering by type needs the 'name' parameter too");
        }
        const name = query.name?.toLowerCase();
        const sets = [...zone.records.values()]
          .filter((r) => (name === undefined || r.name === name) && (query.type === undefined || r.type === query.type))
          .sort((a, b) => (rrsetKey(a) < rrsetKey(b) ? -1 : 1));
        const page = paginate(sets, rrsetKey, query, { defaultSize: ctx.pageSize });
        return {
          status: 200,
          body: {
            kind: 'dns#resourceRecordSetsListResponse',
            rrsets: page.items.map(toRrsetJson),
            ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
          },
        };
      },
    },
    {
      method: 'post',
      path: '/managedZones/:managedZone/rrsets',
      operation: 'resourceRecordSets.create',
      handle: ({ params, body }) => {
        const zone = requireZone(ctx, params);
        const input = parseEntity(rrsetSchema, body, 'entity.resourceRecordSet');
        const rs = checkRrset(input, 'entity.resourceRecordSet', zone, ctx.settings.get(zone).dnssecConfig.state, policyEnv(ctx));
        commit(zone, { additions: [rs], deletions: [] });
        return { status: 200, body: toRrsetJson(rs) };
      },
    },
    {
      method: 'get',
      path: ONE_SET,
      operation: 'resourceRecordSets.get',
      handle: ({ params }) => ({ status: 200, body: toRrsetJson(liveSet(requireZone(ctx, params), params)) }),
    },
    {
      method: 'patch',
      path: ONE_SET,
      operation: 'resourceRecordSets.patch',
      handle: ({ params, body }) => {
        const zone = requireZone(ctx, params);
        const live = liveSet(zone, params);
        const patch = parseEntity(rrsetPatchSchema, body, 'entity.resourceRecordSet');
        if (patch.name !== undefined && patch.name.toLowerCase() !== live.name) {
          throw googleErrors.invalid(
            'entity.resourceRecordSet.name',
            patch.name,
            'renaming a record set is not supported; delete and create it',
          );
        }
        if (patch.type !== undefined && patch.type !== live.type) {
          throw googleErrors.invalid('entity.resourceRecordSet.type', patch.type, 'the type of a record set cannot change');
        }
        const next = checkRrset(
          {
            name: live.name,
            type: live.type,
            ttl: patch.ttl ?? live.ttl,
            // A patch that names neither keeps what the set has: its rrdatas, or its routing policy.
            ...(patch.rrdatas !== undefined || patch.routingPolicy !== undefined
              ? { rrdatas: patch.rrdatas ?? [], ...(patch.routingPolicy ? { routingPolicy: patch.routingPolicy } : {}) }
              : livePolicy(live)),
          },
          'entity.resourceRecordSet',
          zone,
          ctx.settings.get(zone).dnssecConfig.state,
          policyEnv(ctx),
        );
        commit(zone, { additions: [next], deletions: [asDeletion(live)] });
        return { status: 200, body: toRrsetJson(next) };
      },
    },
    {
      method: 'delete',
      path: ONE_SET,
      operation: 'resourceRecordSets.delete',
      handle: ({ params }) => {
        const zone = requireZone(ctx, params);
        commit(zone, { additions: [], deletions: [asDeletion(liveSet(zone, params))] });
        return { status: 200, body: {} };
      },
    },
  ];
}
