/**
 * Traffic Manager profiles as the emulator keeps them, and the store that holds
 * them. The store is the emulator's own (like ZoneStore): the ARM handlers write
 * it, the probing engine watches it, and the DNS server reads decisions from it.
 */
import { EventEmitter } from 'node:events';
import type { EmulatedRoutingMethod } from './decision.js';

export type MonitorProtocol = 'HTTP' | 'HTTPS' | 'TCP';

export interface MonitorConfig {
  readonly protocol: MonitorProtocol;
  readonly port: number;
  /** HTTP and HTTPS only; starts with '/'. */
  readonly path?: string;
  readonly intervalInSeconds: 10 | 30;
  readonly timeoutInSeconds: number;
  readonly toleratedNumberOfFailures: number;
  readonly customHeaders?: readonly { name: string; value: string }[];
  /** Inclusive ranges; Traffic Manager's default is 200 only. */
  readonly expectedStatusCodeRanges?: readonly { min: number; max: number }[];
}

export interface ExternalEndpoint {
  readonly name: string;
  readonly target: string;
  readonly endpointStatus: 'Enabled' | 'Disabled';
  readonly priority: number;
  readonly weight: number;
  readonly endpointLocation?: string;
}

export interface TrafficManagerProfile {
  /** ARM resource id as Azure spells it (`.../Microsoft.Network/trafficManagerProfiles/{name}`). */
  readonly id: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly profileStatus: 'Enabled' | 'Disabled';
  readonly trafficRoutingMethod: EmulatedRoutingMethod;
  readonly relativeName: string;
  readonly ttl: number;
  readonly monitorConfig: MonitorConfig;
  readonly endpoints: readonly ExternalEndpoint[];
  /** MultiValue only. */
  readonly maxReturn?: number;
}

/** The DNS suffix real profiles live under; the emulator serves none of it, it only names the profile. */
export const TRAFFIC_MANAGER_DOMAIN = 'trafficmanager.net';

export function profileResourceId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Network/trafficManagerProfiles/${name}`;
}

/** ARM resource ids compare case-insensitively. */
export function idKey(id: string): string {
  return id.replace(/\/+$/, '').toLowerCase();
}

export interface TrafficManagerStoreEvents {
  change: [profileId: string];
}

export class TrafficManagerStore extends EventEmitter<TrafficManagerStoreEvents> {
  private readonly profiles = new Map<string, TrafficManagerProfile>();

  get(id: string): TrafficManagerProfile | undefined {
    return this.profiles.get(idKey(id));
  }

  list(): TrafficManagerProfile[] {
    return [...this.profiles.values()].sort((a, b) => idKey(a.id).localeCompare(idKey(b.id)));
  }

  /** Another profile that already holds `relativeName` (names are global in Traffic Manager). */
  holderOf(relativeName: string): TrafficManagerProfile | undefined {
    const n = relativeName.toLowerCase();
    return [...this.profiles.values()].find((p) => p.relativeName.toLowerCase() === n);
  }

  put(profile: TrafficManagerProfile): void {
    this.profiles.set(idKey(profile.id), profile);
    this.emit('change', profile.id);
  }

  delete(id: string): boolean {
    const ok = this.profiles.delete(idKey(id));
    if (ok) this.emit('change', id);
    return ok;
  }
}
