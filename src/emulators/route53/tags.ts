/**
 * Cost-allocation tags of hosted zones and health checks (ChangeTagsForResource,
 * ListTagsForResource, ListTagsForResources). The model's resource types are
 * `hostedzone` and `healthcheck`; an unknown health-check id answers
 * NoSuchHealthCheck, as Route 53 does.
 */
import { requireZone, zoneMeta, type Operation, type Route53Context, type ZoneMeta } from './context.js';
import { invalidInput } from './errors.js';
import { requireHealthCheck } from './health-checks.js';
import { changeTagsForResourceRequest, listTagsForResourcesRequest, readRequest } from './request-shapes.js';
import { parseRequestXml } from './xml.js';

const RESOURCE_TYPES = ['healthcheck', 'hostedzone'] as const;
type ResourceType = (typeof RESOURCE_TYPES)[number];

/** AWS's limit of tags per resource (Tagging AWS resources, "Tag quotas"). */
export const MAX_TAGS_PER_RESOURCE = 50;

/** Route 53's tag alphabet, in its own error's words (reported in octodns/octodns-route53#136). */
const TAG_TEXT = /^[\p{L}\p{N}\p{Zs}_.:/=+\-@]*$/u;
const TAG_TEXT_MESSAGE =
  'Invalid parameter : Tags can only contain letters, numbers, spaces, and the following special characters: _ . : / = + - @';

function resourceType(raw: string | undefined): ResourceType {
  if (raw === 'hostedzone' || raw === 'healthcheck') return raw;
  throw invalidInput(
    `1 validation error detected: Value '${raw ?? ''}' at 'resourceType' failed to satisfy constraint: Member must satisfy enum value set: [${RESOURCE_TYPES.join(', ')}]`,
  );
}

/** The tags of one resource; the SDK sends bare ids, other clients may send `/hostedzone/Z..`. */
function resourceTags(ctx: Route53Context, type: ResourceType, rawId: string): { id: string; meta: Pick<ZoneMeta, 'tags'> } {
  if (type === 'healthcheck') {
    const hc = requireHealthCheck(ctx, rawId);
    return { id: hc.id, meta: hc };
  }
  const zone = requireZone(ctx, rawId);
  return { id: zone.id, meta: zoneMeta(ctx, zone) };
}

function tagSetXml(type: ResourceType, id: string, tags: ReadonlyMap<string, string>): Record<string, unknown> {
  return {
    ResourceType: type,
    ResourceId: id,
    Tags: { Tag: [...tags].map(([Key, Value]) => ({ Key, Value })) },
  };
}

export const listTagsForResource: Operation = (ctx, req) => {
  const type = resourceType(req.params.type);
  const { id, meta } = resourceTags(ctx, type, req.params.id ?? '');
  return { root: 'ListTagsForResourceResponse', content: { ResourceTagSet: tagSetXml(type, id, meta.tags) } };
};

/**
 * Adds (or overwrites) AddTags and removes RemoveTagKeys, all or nothing:
 * every key and value is checked, and the resulting set must stay within the
 * per-resource limit, before anything changes.
 */
export const changeTagsForResource: Operation = (ctx, req) => {
  const type = resourceType(req.params.type);
  const root = 'ChangeTagsForResourceRequest';
  const input = readRequest(changeTagsForResourceRequest, root, parseRequestXml(req.body, root));
  const { meta } = resourceTags(ctx, type, req.params.id ?? '');
  const adds = input.AddTags?.Tag ?? [];
  const removes = input.RemoveTagKeys?.Key ?? [];
  for (const tag of adds) {
    if (tag.Key === undefined || tag.Key === '')
      throw invalidInput('Invalid parameter : a Tag in AddTags must have a Key of 1 to 128 characters');
    if (!TAG_TEXT.test(tag.Key) || !TAG_TEXT.test(tag.Value ?? '')) throw invalidInput(TAG_TEXT_MESSAGE);
  }
  const next = new Map(meta.tags);
  for (const key of removes) next.delete(key);
  for (const tag of adds) next.set(tag.Key as string, tag.Value ?? '');
  if (next.size > MAX_TAGS_PER_RESOURCE)
    throw invalidInput(
      `Invalid parameter : a resource can have at most ${MAX_TAGS_PER_RESOURCE} tags; this change would leave ${next.size}`,
    );
  meta.tags.clear();
  for (const [k, v] of next) meta.tags.set(k, v);
  return { root: 'ChangeTagsForResourceResponse', content: {} };
};

/** ListTagsForResources: the tag sets of up to 10 resources of one type. */
export const listTagsForResources: Operation = (ctx, req) => {
  const type = resourceType(req.params.type);
  const root = 'ListTagsForResourcesRequest';
  const input = readRequest(listTagsForResourcesRequest, root, parseRequestXml(req.body, root));
  const sets = input.ResourceIds.ResourceId.map((rawId) => {
    const { id, meta } = resourceTags(ctx, type, rawId);
    return tagSetXml(type, id, meta.tags);
  });
  return { root: 'ListTagsForResourcesResponse', content: { ResourceTagSets: { ResourceTagSet: sets } } };
};
