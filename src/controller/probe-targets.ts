/**
 * Which health-monitor target stands for each (service, target) of the config.
 * Target ids are unique per service only; two services naming the same id with
 * the same probe (URL, status, body) share one monitored target, so a cloud is
 * probed once however many services it hosts. Different probes under one id get
 * separate monitor ids `<id>@<service>`.
 */
import type { ServiceConfig } from '../config/schema.js';
import type { ProbeTarget } from '../health/vantage-point.js';

export interface ProbeTargets {
  /** What the monitor probes, each once. */
  readonly targets: readonly ProbeTarget[];
  /** The monitor id for a service's target. */
  monitorId(service: string, targetId: string): string;
  /** Services whose decision depends on a monitor target. */
  servicesOf(monitorId: string): readonly string[];
}

const probeKey = (t: ServiceConfig['targets'][number]) => JSON.stringify([t.healthUrl, t.expectStatus, t.bodyContains ?? null]);

export function probeTargets(services: readonly ServiceConfig[]): ProbeTargets {
  const keysById = new Map<string, Set<string>>();
  for (const s of services) for (const t of s.targets) keysById.set(t.id, (keysById.get(t.id) ?? new Set()).add(probeKey(t)));

  const ids = new Map<string, string>();
  const targets = new Map<string, ProbeTarget>();
  const users = new Map<string, string[]>();
  for (const s of services) {
    for (const t of s.targets) {
      const shared = (keysById.get(t.id) as Set<string>).size === 1;
      const id = shared ? t.id : `${t.id}@${s.name}`;
      ids.set(`${s.name}\u0000${t.id}`, id);
      if (!targets.has(id))
        targets.set(id, {
          id,
          healthUrl: t.healthUrl,
          expectStatus: t.expectStatus,
          ...(t.bodyContains !== undefined ? { bodyContains: t.bodyContains } : {}),
        });
      users.set(id, [...(users.get(id) ?? []), s.name]);
    }
  }
  return {
    targets: [...targets.values()],
    monitorId(service, targetId) {
      const id = ids.get(`${service}\u0000${targetId}`);
      if (id === undefined) throw new RangeError(`service ${service} has no target '${targetId}'`);
      return id;
    },
    servicesOf: (monitorId) => users.get(monitorId) ?? [],
  };
}
