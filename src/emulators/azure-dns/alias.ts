/**
 * Alias record sets (`properties.targetResource`, Azure DNS 2018-05-01): an A,
 * AAAA or CNAME set whose answer comes from another Azure resource. The one
 * target emulated is a Traffic Manager profile: A and AAAA answer the profile's
 * live decision (the addresses of that family), CNAME answers the profile's DNS
 * name (`{relativeName}.trafficmanager.net.`). Other targets (public IP
 * addresses, Front Door, CDN endpoints, ...) are refused, naming the type.
 */
import { badRequest } from './arm-error.js';
import type { JsonObject } from './json-fields.js';
import { asObject, asString, given } from './json-fields.js';
import type { LiveValues } from '../core/zone-store.js';
import type { TrafficManagerEngine } from './traffic-manager/engine.js';
import { targetsFor } from './traffic-manager/profile-codec.js';
import { TRAFFIC_MANAGER_DOMAIN, type TrafficManagerStore } from './traffic-manager/profile-model.js';

export const ALIAS_TYPES = ['A', 'AAAA', 'CNAME'] as const;
const PROFILE_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/trafficManagerProfiles\/[^/]+$/i;

/** The resource type an ARM id names (`Microsoft.Network/publicIPAddresses`), for the refusal. */
function typeOfId(id: string): string {
  const m = /\/providers\/([^/]+)\/(.+)$/i.exec(id);
  if (!m) return 'an id that names no resource type';
  const parts = m[2]!.split('/').filter((_, i) => i % 2 === 0);
  return `${m[1]}/${parts.join('/')}`;
}

/**
 * The alias target a write asks for: undefined when `targetResource` is absent
 * or has no id (an ordinary record set), the profile id as written otherwise.
 */
export function aliasTargetOf(
  props: JsonObject,
  recordType: string,
  recordsGiven: boolean,
  profiles: TrafficManagerStore,
): string | undefined {
  const raw = props['targetResource'];
  if (!given(raw)) return undefined;
  const ref = asObject(raw, 'properties.targetResource');
  if (!given(ref['id'])) return undefined;
  const id = asString(ref['id'], 'properties.targetResource.id').trim();
  if (!(ALIAS_TYPES as readonly string[]).includes(recordType)) {
    throw badRequest(
      `Alias record sets (properties.targetResource) are supported for record types A, AAAA and CNAME only, not ${recordType}.`,
      'properties.targetResource',
    );
  }
  if (recordsGiven) {
    throw badRequest(
      'A record set cannot hold records and an alias target (properties.targetResource) at once.',
      'properties.targetResource',
    );
  }
  if (!PROFILE_ID.test(id)) {
    throw badRequest(
      `Alias record sets pointing at ${typeOfId(id)} are not emulated: the Azure DNS emulator's alias targets are Traffic Manager profiles (Microsoft.Network/trafficManagerProfiles) only.`,
      'properties.targetResource.id',
    );
  }
  if (!profiles.get(id)) {
    throw badRequest(`The alias target '${id}' does not exist: create the Traffic Manager profile first.`, 'properties.targetResource.id');
  }
  return id;
}

/** What the DNS server answers for an alias set at this moment (no answer when the profile is gone). */
export function aliasValues(profiles: TrafficManagerStore, engine: TrafficManagerEngine): LiveValues {
  return (rs) => {
    const profile = rs.liveSource === undefined ? undefined : profiles.get(rs.liveSource);
    if (!profile) return [];
    if (rs.type === 'CNAME') return [`${profile.relativeName}.${TRAFFIC_MANAGER_DOMAIN}.`];
    if (rs.type !== 'A' && rs.type !== 'AAAA') return [];
    const decision = engine.decision(profile.id);
    return decision?.kind === 'answer' ? targetsFor(rs.type, decision.targets) : [];
  };
}
