/** `changes.create`, `changes.get`, `changes.list`. */
import { applyChange } from '../change-apply.js';
import { checkChange } from '../change-check.js';
import { policyEnv } from '../context.js';
import { type CloudDnsContext, type Route, requireZone } from '../context.js';
import { changeSchema } from '../entity-schemas.js';
import { googleErrors } from '../google-error.js';
import { paginate } from '../pagination.js';
import { parseEntity } from '../parse-entity.js';
import { toRrsetJson } from '../rrset-json.js';

const byNumber = (a: string, b: string) => Number(a) - Number(b);

export function changeRoutes(ctx: CloudDnsContext): Route[] {
  return [
    {
      method: 'post',
      path: '/managedZones/:managedZone/changes',
      operation: 'changes.create',
      handle: ({ params, body }) => {
        const zone = requireZone(ctx, params);
        const checked = checkChange(
          parseEntity(changeSchema, body, 'entity.change'),
          zone,
          ctx.settings.get(zone).dnssecConfig.state,
          policyEnv(ctx),
        );
        ctx.changes.open(zone);
        applyChange(ctx.store, zone, checked);
        const change = ctx.changes.append(zone, checked.additions.map(toRrsetJson), checked.deletions.map(toRrsetJson));
        return { status: 200, body: change };
      },
    },
    {
      method: 'get',
      path: '/managedZones/:managedZone/changes',
      operation: 'changes.list',
      handle: ({ params, query }) => {
        const zone = requireZone(ctx, params);
        if (query.sortBy !== undefined && query.sortBy !== 'changeSequence') {
          throw googleErrors.invalid('parameters.sortBy', query.sortBy, "the only order is 'changeSequence'");
        }
        const order = query.sortOrder ?? 'ascending';
        if (order !== 'ascending' && order !== 'descending') {
          throw googleErrors.invalid('parameters.sortOrder', order, "'ascending' or 'descending'");
        }
        const compare = order === 'ascending' ? byNumber : (a: string, b: string) => byNumber(b, a);
        const all = ctx.changes.list(zone);
        if (order === 'descending') all.reverse();
        const page = paginate(all, (c) => c.id, query, { defaultSize: ctx.pageSize, compare });
        return {
          status: 200,
          body: {
            kind: 'dns#changesListResponse',
            changes: page.items,
            ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
          },
        };
      },
    },
    {
      method: 'get',
      path: '/managedZones/:managedZone/changes/:changeId',
      operation: 'changes.get',
      handle: ({ params }) => {
        const zone = requireZone(ctx, params);
        const id = params.changeId ?? '';
        const change = ctx.changes.get(zone, id);
        if (!change) throw googleErrors.notFound('changeId', id);
        return { status: 200, body: change };
      },
    },
  ];
}
