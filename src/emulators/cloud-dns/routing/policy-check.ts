/**
 * A routing policy's meaning, checked as Cloud DNS documents it
 * (https://cloud.google.com/dns/docs/routing-policies-overview, /zones/manage-routing-policies,
 * /health-checks): exactly one policy kind; health-checked targets only on A and AAAA
 * sets and only with a `healthCheck`; external endpoints are addresses of the set's
 * type; internal load balancers belong to private zones (which the emulator does not
 * have); wrr weights non-negative; trickle traffic 0..1. Refusals are Google 400s
 * that name the field; the geo kinds are real but not emulated (501 naming them).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { googleErrors } from '../google-error.js';
import { canonicalRrdatas, RrdataError } from '../rrdata.js';
import type { GeoPolicyInput, HealthCheckTargetsInput, RoutingPolicyInput } from './policy-schema.js';
import type { GeoItem, HealthCheckRef, PolicyBucket, RoutingPolicy, WrrItem } from './policy-model.js';

/** What the check needs to know outside the record set. */
export interface PolicyEnv {
  /** Why the Compute health check cannot serve this policy, or undefined if it can. */
  healthCheckProblem(ref: HealthCheckRef): string | undefined;
}

export interface CheckedPolicy {
  model: RoutingPolicy;
  /** The policy as the API returns it: what was sent, values in canonical form. */
  json: Record<string, unknown>;
}

const HEALTH_CHECK_URL = /^(?:https:\/\/(?:www|compute)\.googleapis\.com\/compute\/v1\/)?projects\/([^/]+)\/global\/healthChecks\/([^/]+)$/;
const REGION = /^[a-z]+(?:-[a-z]+)+\d+$/;

function checkRrdatas(type: string, values: readonly string[] | undefined, field: string): string[] {
  try {
    return canonicalRrdatas(type, values ?? []);
  } catch (e) {
    if (!(e instanceof RrdataError)) throw e;
    throw googleErrors.invalid(`${field}[${e.index}]`, values?.[e.index], e.message);
  }
}

function checkTargets(type: string, targets: HealthCheckTargetsInput | undefined, field: string): string[] {
  if (targets === undefined) return [];
  if ((targets.internalLoadBalancers ?? []).length > 0) {
    throw googleErrors.invalid(
      `${field}.internalLoadBalancers`,
      targets.internalLoadBalancers,
      'internal load balancer targets are for private zones; a public zone health-checks externalEndpoints',
    );
  }
  const endpoints = targets.externalEndpoints ?? [];
  const wanted = type === 'A' ? isIPv4 : type === 'AAAA' ? isIPv6 : undefined;
  if (endpoints.length > 0 && wanted === undefined) {
    throw googleErrors.invalid(`${field}.externalEndpoints`, type, 'health-checked targets are only allowed on A and AAAA record sets');
  }
  endpoints.forEach((ip, i) => {
    if (!wanted?.(ip))
      throw googleErrors.invalid(
        `${field}.externalEndpoints[${i}]`,
        ip,
        `an external endpoint of an ${type} set is an ${type === 'A' ? 'IPv4' : 'IPv6'} address`,
      );
  });
  const canonical = checkRrdatas(type, endpoints, `${field}.externalEndpoints`);
  const dup = canonical.findIndex((v, i) => canonical.indexOf(v) !== i);
  if (dup >= 0) throw googleErrors.invalid(`${field}.externalEndpoints[${dup}]`, endpoints[dup], 'the endpoint appears twice');
  return canonical;
}

function bucket(
  type: string,
  rrdatas: readonly string[] | undefined,
  targets: HealthCheckTargetsInput | undefined,
  field: string,
): PolicyBucket {
  const out = {
    rrdatas: checkRrdatas(type, rrdatas, `${field}.rrdatas`),
    endpoints: checkTargets(type, targets, `${field}.healthCheckedTargets`),
  };
  if (out.rrdatas.length === 0 && out.endpoints.length === 0) {
    throw googleErrors.invalid(field, '<an object>', 'an item needs rrdatas or healthCheckedTargets.externalEndpoints');
  }
  return out;
}

function geoItems(type: string, geo: GeoPolicyInput, field: string): GeoItem[] {
  const items = geo.items ?? [];
  if (items.length === 0) throw googleErrors.required(`${field}.items`);
  const seen = new Set<string>();
  return items.map((item, i) => {
    const at = `${field}.items[${i}]`;
    const location = item.location ?? '';
    if (!REGION.test(location))
      throw googleErrors.invalid(`${at}.location`, location, 'a location is a Google Cloud region such as us-east1');
    if (seen.has(location)) throw googleErrors.invalid(`${at}.location`, location, 'two items name the same location');
    seen.add(location);
    const b = bucket(type, item.rrdatas, item.healthCheckedTargets, at);
    return { location, ...b };
  });
}

function healthCheckRef(url: string | undefined, env: PolicyEnv, field: string): HealthCheckRef | undefined {
  if (url === undefined) return undefined;
  const m = HEALTH_CHECK_URL.exec(url);
  if (!m) {
    throw googleErrors.invalid(
      `${field}.healthCheck`,
      url,
      'expected https://www.googleapis.com/compute/v1/projects/{project}/global/healthChecks/{healthCheck}',
    );
  }
  const ref = { project: m[1] ?? '', name: m[2] ?? '' };
  const problem = env.healthCheckProblem(ref);
  if (problem !== undefined) throw googleErrors.invalid(`${field}.healthCheck`, url, problem);
  return ref;
}

/** Check a policy for a set of `type`; `field` is e.g. `entity.change.additions[0].routingPolicy`. */
export function checkRoutingPolicy(input: RoutingPolicyInput, type: string, env: PolicyEnv, field: string): CheckedPolicy {
  const kinds = (['geo', 'geoPolicy', 'wrr', 'wrrPolicy', 'primaryBackup'] as const).filter((k) => input[k] !== undefined);
  if (kinds.length !== 1) throw googleErrors.invalid(field, kinds, 'a routing policy is exactly one of geo, wrr or primaryBackup');
  const chosen = kinds[0] ?? 'wrr';
  if (chosen === 'geo' || chosen === 'geoPolicy')
    throw googleErrors.notEmulated('geolocation routing policies (geo)', `${field}.${chosen}`);
  if (type === 'SOA' || type === 'NS') throw googleErrors.invalid(`${field}`, type, 'routing policies are not allowed on SOA and NS sets');
  const healthCheck = healthCheckRef(input.healthCheck, env, field);
  let model: RoutingPolicy;
  if (chosen === 'primaryBackup') {
    const pb = input.primaryBackup ?? {};
    const at = `${field}.primaryBackup`;
    if (type !== 'A' && type !== 'AAAA') throw googleErrors.invalid(at, type, 'a failover (primaryBackup) policy is for A and AAAA sets');
    if (pb.primaryTargets === undefined) throw googleErrors.required(`${at}.primaryTargets`);
    const primary = checkTargets(type, pb.primaryTargets, `${at}.primaryTargets`);
    if (primary.length === 0) throw googleErrors.required(`${at}.primaryTargets.externalEndpoints`);
    if (pb.backupGeoTargets === undefined) throw googleErrors.required(`${at}.backupGeoTargets`);
    const backup = geoItems(type, pb.backupGeoTargets, `${at}.backupGeoTargets`);
    const trickle = pb.trickleTraffic ?? 0;
    if (!(trickle >= 0 && trickle <= 1))
      throw googleErrors.invalid(`${at}.trickleTraffic`, pb.trickleTraffic, 'a share of traffic between 0 and 1');
    model = { kind: 'primaryBackup', healthCheck, primary, backup, trickleTraffic: trickle };
  } else {
    const wrr = (chosen === 'wrr' ? input.wrr : input.wrrPolicy) ?? {};
    const at = `${field}.${chosen}`;
    const items = wrr.items ?? [];
    if (items.length === 0) throw googleErrors.required(`${at}.items`);
    const checked: WrrItem[] = items.map((item, i) => {
      const weight = item.weight;
      if (weight === undefined) throw googleErrors.required(`${at}.items[${i}].weight`);
      if (!Number.isFinite(weight) || weight < 0)
        throw googleErrors.invalid(`${at}.items[${i}].weight`, weight, 'a weight is non-negative');
      return { weight, ...bucket(type, item.rrdatas, item.healthCheckedTargets, `${at}.items[${i}]`) };
    });
    if (!checked.some((i) => i.weight > 0))
      throw googleErrors.invalid(`${at}.items`, '<a list>', 'at least one item needs a weight above 0');
    model = { kind: 'wrr', healthCheck, items: checked };
  }
  const endpoints = model.kind === 'wrr' ? model.items.some((i) => i.endpoints.length > 0) : true;
  if (endpoints && healthCheck === undefined) {
    throw googleErrors.required(`${field}.healthCheck`);
  }
  if (!endpoints && healthCheck !== undefined) {
    throw googleErrors.invalid(
      `${field}.healthCheck`,
      input.healthCheck,
      'a health check needs healthCheckedTargets.externalEndpoints to check',
    );
  }
  return { model, json: policyJson(model, input) };
}

function targetsJson(endpoints: readonly string[]): Record<string, unknown> {
  return { externalEndpoints: [...endpoints] };
}

function bucketJson(b: PolicyBucket): Record<string, unknown> {
  return {
    ...(b.rrdatas.length > 0 ? { rrdatas: [...b.rrdatas] } : {}),
    ...(b.endpoints.length > 0 ? { healthCheckedTargets: targetsJson(b.endpoints) } : {}),
  };
}

/** The policy as the API answers it, after the discovery document's field names, with canonical values. */
function policyJson(model: RoutingPolicy, input: RoutingPolicyInput): Record<string, unknown> {
  const head = { ...(input.healthCheck !== undefined ? { healthCheck: input.healthCheck } : {}), kind: 'dns#rRSetRoutingPolicy' };
  if (model.kind === 'primaryBackup') {
    const geo: Record<string, unknown> = {
      items: model.backup.map((i) => ({ location: i.location, ...bucketJson(i), kind: 'dns#rRSetRoutingPolicyGeoPolicyGeoPolicyItem' })),
      kind: 'dns#rRSetRoutingPolicyGeoPolicy',
    };
    if (input.primaryBackup?.backupGeoTargets?.enableFencing !== undefined)
      geo.enableFencing = input.primaryBackup.backupGeoTargets.enableFencing;
    return {
      ...head,
      primaryBackup: {
        primaryTargets: targetsJson(model.primary),
        backupGeoTargets: geo,
        ...(model.trickleTraffic > 0 ? { trickleTraffic: model.trickleTraffic } : {}),
        kind: 'dns#rRSetRoutingPolicyPrimaryBackupPolicy',
      },
    };
  }
  return {
    ...head,
    wrr: {
      items: model.items.map((i) => ({ weight: i.weight, ...bucketJson(i), kind: 'dns#rRSetRoutingPolicyWrrPolicyWrrPolicyItem' })),
      kind: 'dns#rRSetRoutingPolicyWrrPolicy',
    },
  };
}
