/**
 * The operator's overrides, in memory: drained clouds (for every service), a
 * pin per service, paused services. Requests are checked up front so the API
 * can refuse a pin naming no target; every accepted change is returned as the
 * event to record (who, what, why). decide() applies them (src/routing).
 */
import { CLOUDS } from '../config/schema.js';
import type { ServiceConfig } from '../config/schema.js';
import type { Cloud } from '../routing/answer.js';
import type { ServiceOverrides } from '../routing/overrides.js';
import type { NewEvent, OverrideAction } from '../observability/events.js';

/** An override request that cannot be stored; `status` is the HTTP status to answer with. */
export class OverrideError extends Error {
  override readonly name = 'OverrideError';
  constructor(
    readonly status: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

/** Who asked and why; both end up in the event and the audit log. */
export interface OverrideRequest {
  readonly operator: string;
  readonly reason: string;
}

export interface OverridesView {
  readonly drainedClouds: readonly Cloud[];
  readonly pins: Readonly<Record<string, string>>;
  readonly paused: readonly string[];
}

type OverrideEventInput = Extract<NewEvent, { type: 'override' }>;

export class OverrideStore {
  readonly #services: ReadonlyMap<string, ServiceConfig>;
  readonly #drained = new Set<Cloud>();
  readonly #pins = new Map<string, string>();
  readonly #paused = new Set<string>();

  constructor(services: readonly ServiceConfig[]) {
    this.#services = new Map(services.map((s) => [s.name, s]));
  }

  /** The overrides decide() gets for one service. */
  forService(name: string): ServiceOverrides {
    const pin = this.#pins.get(name);
    return { drainedClouds: [...this.#drained], paused: this.#paused.has(name), ...(pin !== undefined ? { pinnedTargetId: pin } : {}) };
  }

  view(): OverridesView {
    return { drainedClouds: [...this.#drained].sort(), pins: Object.fromEntries([...this.#pins].sort()), paused: [...this.#paused].sort() };
  }

  isPaused(name: string): boolean {
    return this.#paused.has(name);
  }

  drain(cloud: string, req: OverrideRequest): OverrideEventInput {
    const c = this.#cloud(cloud);
    this.#drained.add(c);
    return this.#event('drain', req, { cloud: c }, `drain ${c}`);
  }

  undrain(cloud: string, req: OverrideRequest): OverrideEventInput {
    const c = this.#cloud(cloud);
    this.#drained.delete(c);
    return this.#event('undrain', req, { cloud: c }, `undrain ${c}`);
  }

  pin(service: string, targetId: string, req: OverrideRequest): OverrideEventInput {
    const s = this.#service(service);
    if (!s.targets.some((t) => t.id === targetId)) {
      throw new OverrideError(
        400,
        `target '${targetId}' is not a target of ${s.name}; expected one of ${s.targets.map((t) => t.id).join(', ')}`,
      );
    }
    this.#pins.set(s.name, targetId);
    return this.#event('pin', req, { service: s.name, targetId }, `pin ${s.name} to ${targetId}`);
  }

  unpin(service: string, req: OverrideRequest): OverrideEventInput {
    const s = this.#service(service);
    this.#pins.delete(s.name);
    return this.#event('unpin', req, { service: s.name }, `unpin ${s.name}`);
  }

  pause(service: string, req: OverrideRequest): OverrideEventInput {
    const s = this.#service(service);
    this.#paused.add(s.name);
    return this.#event('pause', req, { service: s.name }, `pause ${s.name}`);
  }

  resume(service: string, req: OverrideRequest): OverrideEventInput {
    const s = this.#service(service);
    this.#paused.delete(s.name);
    return this.#event('resume', req, { service: s.name }, `resume ${s.name}`);
  }

  /** Services an override of this event touches (a drain touches all). */
  affected(event: OverrideEventInput): string[] {
    return event.service !== undefined ? [event.service] : [...this.#services.keys()];
  }

  #cloud(cloud: string): Cloud {
    if (!(CLOUDS as readonly string[]).includes(cloud))
      throw new OverrideError(400, `cloud '${cloud}' is unknown; expected one of ${CLOUDS.join(', ')}`);
    return cloud as Cloud;
  }

  #service(name: string): ServiceConfig {
    const canonical = name.toLowerCase();
    const s =
      this.#services.get(name) ??
      [...this.#services.values()].find((x) => x.name.toLowerCase().replace(/\.$/, '') === canonical.replace(/\.$/, ''));
    if (s === undefined)
      throw new OverrideError(404, `service '${name}' is not configured; expected one of ${[...this.#services.keys()].join(', ')}`);
    return s;
  }

  #event(
    action: OverrideAction,
    req: OverrideRequest,
    what: { service?: string; cloud?: Cloud; targetId?: string },
    summary: string,
  ): OverrideEventInput {
    return { type: 'override', actor: 'operator', action, operator: req.operator, reason: `${summary}: ${req.reason}`, ...what };
  }
}
