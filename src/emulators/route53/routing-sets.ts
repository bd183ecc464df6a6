/**
 * Record sets with a SetIdentifier: several per name and type (failover
 * PRIMARY/SECONDARY, weighted, multivalue answer), which the shared zone store
 * (one set per name and type) cannot hold. Kept here per zone; the DNS data
 * plane answers their name and type from the engine's live decision.
 */
import type { RoutingRecord } from './engine/answer.js';

export interface RoutingSet extends RoutingRecord {
  /** Absolute, lower-case, trailing dot, like the zone store's names. */
  readonly name: string;
  readonly type: string;
  readonly ttl: number;
}

export const routingKey = (name: string, type: string): string => `${name}|${type}`;

export class RoutingSets {
  /** Zone id → name|type → sets in the order they were created. */
  private readonly zones = new Map<string, Map<string, RoutingSet[]>>();

  of(zoneId: string, name: string, type: string): readonly RoutingSet[] {
    return this.zones.get(zoneId)?.get(routingKey(name, type)) ?? [];
  }

  all(zoneId: string): RoutingSet[] {
    return [...(this.zones.get(zoneId)?.values() ?? [])].flat();
  }

  /** Replace a zone's routing sets at once (the committed result of a change batch). */
  replace(zoneId: string, sets: readonly RoutingSet[]): void {
    const byKey = new Map<string, RoutingSet[]>();
    for (const s of sets) {
      const key = routingKey(s.name, s.type);
      byKey.set(key, [...(byKey.get(key) ?? []), s]);
    }
    this.zones.set(zoneId, byKey);
  }

  dropZone(zoneId: string): void {
    this.zones.delete(zoneId);
  }

  /** The first set (as text) whose HealthCheckId is `healthCheckId`. */
  userOf(healthCheckId: string): string | undefined {
    for (const byKey of this.zones.values())
      for (const sets of byKey.values())
        for (const s of sets)
          if (s.healthCheckId === healthCheckId) return `[name='${s.name}', type='${s.type}', set-identifier='${s.setIdentifier}']`;
    return undefined;
  }
}
