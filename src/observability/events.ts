/**
 * The controller's event stream: everything it saw, decided and wrote, as plain
 * JSON-safe objects with monotonically increasing ids. The status API lists the
 * last N; issue 6 adds SSE, metrics and the audit log on top of the same stream,
 * so every event says when (`at`, `time`), who (`actor`), why (`reason`), and where
 * it applies (`service`, `generation`, `before`/`after`, per-provider outcome).
 */
import { EventEmitter } from 'node:events';
import type { Clock } from '../time/clock.js';
import type { TargetState } from '../health/target-state.js';
import type { VerdictKind } from '../health/quorum.js';
import type { ProviderId } from '../providers/provider.js';
import type { Cloud } from '../routing/answer.js';
import type { Decision } from '../routing/decision.js';

/** Who caused an event: the loop itself, or a person through the API. */
export type Actor = 'controller' | 'operator';

interface Base {
  /** Strictly increasing within one controller process. */
  readonly id: number;
  /** Milliseconds on the controller's clock (epoch ms with the real clock). */
  readonly at: number;
  /** `at` as an ISO 8601 string, for people and log pipelines. */
  readonly time: string;
  readonly actor: Actor;
  readonly reason: string;
}

/** One vantage point's view of one target changed kind (e.g. up → suspect). */
export interface ProbeStateEvent extends Base {
  readonly type: 'probe-state';
  readonly targetId: string;
  readonly vantageId: string;
  readonly before: TargetState['kind'];
  readonly after: TargetState['kind'];
}

/** A target's quorum verdict changed. */
export interface VerdictChangeEvent extends Base {
  readonly type: 'verdict';
  readonly targetId: string;
  readonly before: VerdictKind;
  readonly after: VerdictKind;
}

/** A routing decision for a service that differs from the previous one (kind, answer or flags). */
export interface DecisionEvent extends Base {
  readonly type: 'decision';
  readonly service: string;
  readonly kind: Decision['kind'];
  /** Published addresses when deciding; after: the addresses this decision wants served. */
  readonly before: readonly string[];
  readonly after: readonly string[];
  readonly basedOnGeneration: number | undefined;
  readonly held: boolean;
  readonly heldUntil?: number;
  readonly wanted?: readonly string[];
  readonly failOpen: boolean;
  readonly paused: boolean;
  readonly urgent: boolean;
}

/** How one provider took a write. */
export type ProviderWriteResult = 'ok' | 'conflict' | 'throttled' | 'out-of-sync' | 'held';

export interface ProviderWriteOutcome {
  readonly provider: ProviderId;
  readonly result: ProviderWriteResult;
  /** Decision → write acknowledged; absent when nothing had to be written there. */
  readonly latencyMs?: number;
  readonly apiCalls: number;
  readonly changes: number;
  readonly detail?: string;
}

/** One publish of a service's answer to every provider. */
export interface WriteEvent extends Base {
  readonly type: 'write';
  readonly service: string;
  readonly generation: number;
  readonly status: 'in-sync' | 'partial' | 'failed' | 'refused' | 'superseded';
  readonly before: readonly string[];
  readonly after: readonly string[];
  readonly providers: readonly ProviderWriteOutcome[];
}

/** One change a provider acknowledged, as plain data: what the name serves there now. */
export interface AppliedChange {
  readonly kind: 'create' | 'update' | 'delete';
  /** The managed name (canonical, trailing dot). */
  readonly name: string;
  /** Record sets written at the name (ownership record excluded); empty for a delete. */
  readonly records: readonly { readonly type: string; readonly ttl: number; readonly values: readonly string[] }[];
}

/**
 * One provider acknowledged changes, recorded the moment its answer arrived,
 * before the slower providers answer (the `write` event of the same publish
 * follows once all have). So the audit log holds every acknowledged write even
 * when the controller dies mid-publish. Also recorded for writes that are not
 * a service's publish: catching up a lagging provider, retries, drift repairs.
 */
export interface ProviderWriteEvent extends Base {
  readonly type: 'provider-write';
  readonly provider: ProviderId;
  readonly generation: number;
  /** The configured services whose names the changes touched (static records are not services). */
  readonly services: readonly string[];
  readonly changes: readonly AppliedChange[];
  /** API requests of this apply, retries included. */
  readonly apiCalls: number;
  /** Decision → this provider's acknowledgement. */
  readonly latencyMs: number;
}

/** A write lost a compare-and-swap, was superseded by a newer generation, or was refused by a safety check. */
export interface ConflictEvent extends Base {
  readonly type: 'conflict';
  readonly service: string;
  readonly generation: number;
  readonly provider?: ProviderId;
  readonly kind: 'cas' | 'superseded' | 'refused';
  readonly names: readonly string[];
}

/** Alert: no target of a service is usable; the last answer is kept. */
export interface FailOpenEvent extends Base {
  readonly type: 'fail-open';
  readonly service: string;
  readonly addresses: readonly string[];
  /** true when the fail-open state began, false when it ended. */
  readonly active: boolean;
}

/** A provider serves something else than what was published (changed by hand, or lost). */
export interface DriftEvent extends Base {
  readonly type: 'drift';
  readonly provider: ProviderId;
  readonly service?: string;
  readonly name?: string;
  readonly expected?: readonly string[];
  readonly found?: readonly string[];
  readonly repaired: boolean;
}

export interface ProviderVerification {
  readonly provider: ProviderId;
  /** The provider's nameserver answered exactly the expected addresses. */
  readonly ok: boolean;
  /** What it answered last (empty on no answer). */
  readonly addresses: readonly string[];
  /** When it first answered the expected addresses (clock ms). */
  readonly matchedAt?: number;
  /** matchedAt − decision time. */
  readonly afterDecisionMs?: number;
  readonly attempts: number;
  readonly error?: string;
}

/** What each provider's nameserver answered after a publish. */
export interface VerifyEvent extends Base {
  readonly type: 'verify';
  readonly service: string;
  readonly generation: number;
  readonly expected: readonly string[];
  readonly allOk: boolean;
  readonly providers: readonly ProviderVerification[];
}

export type OverrideAction = 'drain' | 'undrain' | 'pin' | 'unpin' | 'pause' | 'resume';

/** An operator changed an override. */
export interface OverrideEvent extends Base {
  readonly type: 'override';
  readonly action: OverrideAction;
  /** Who asked, as given to the API (free text, e.g. a user name). */
  readonly operator: string;
  readonly service?: string;
  readonly cloud?: Cloud;
  readonly targetId?: string;
}

/** A provider went in or out of sync with the published answers. */
export interface ProviderSyncEvent extends Base {
  readonly type: 'provider-sync';
  readonly provider: ProviderId;
  readonly service?: string;
  readonly before: 'in-sync' | 'out-of-sync' | 'unknown';
  readonly after: 'in-sync' | 'out-of-sync';
  readonly generation?: number;
}

export type ControllerEvent =
  | ProbeStateEvent
  | VerdictChangeEvent
  | DecisionEvent
  | WriteEvent
  | ProviderWriteEvent
  | ConflictEvent
  | FailOpenEvent
  | DriftEvent
  | VerifyEvent
  | OverrideEvent
  | ProviderSyncEvent;

export type ControllerEventType = ControllerEvent['type'];

/** An event as recorded, before the log stamps id and time. */
export type NewEvent = ControllerEvent extends infer E
  ? E extends ControllerEvent
    ? Omit<E, 'id' | 'at' | 'time' | 'actor'> & { readonly actor?: Actor }
    : never
  : never;

export const DEFAULT_EVENT_HISTORY = 1000;

/**
 * The stream: `record` stamps and keeps the event, then emits it as `event`.
 * The newest `capacity` events stay in memory for `since()`.
 */
export class EventLog extends EventEmitter<{ event: [ControllerEvent] }> {
  readonly #clock: Pick<Clock, 'now'>;
  readonly #capacity: number;
  readonly #kept: ControllerEvent[] = [];
  #lastId = 0;

  constructor(options: { clock: Pick<Clock, 'now'>; capacity?: number }) {
    super();
    this.#clock = options.clock;
    this.#capacity = options.capacity ?? DEFAULT_EVENT_HISTORY;
  }

  get lastId(): number {
    return this.#lastId;
  }

  record<E extends NewEvent>(event: E): ControllerEvent {
    const at = this.#clock.now();
    const stamped = { actor: 'controller', ...event, id: ++this.#lastId, at, time: new Date(at).toISOString() } as ControllerEvent;
    this.#kept.push(stamped);
    if (this.#kept.length > this.#capacity) this.#kept.splice(0, this.#kept.length - this.#capacity);
    // A throwing listener must not break the loop that recorded the event.
    try {
      this.emit('event', stamped);
    } catch {
      /* listeners own their errors */
    }
    return stamped;
  }

  /** Kept events with id > `sinceId`, oldest first, at most `limit` (the newest ones). */
  since(sinceId = 0, limit = this.#capacity): ControllerEvent[] {
    const newer = this.#kept.filter((e) => e.id > sinceId);
    return newer.slice(Math.max(0, newer.length - limit));
  }

  /** Kept events of some types, newest last. */
  ofType<T extends ControllerEventType>(type: T): Extract<ControllerEvent, { type: T }>[] {
    return this.#kept.filter((e): e is Extract<ControllerEvent, { type: T }> => e.type === type);
  }
}
