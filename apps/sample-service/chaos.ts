/**
 * The chaos switch: which way this instance is currently broken. Local only — the
 * HTTP routes that flip it exist only when chaos is enabled on a loopback address
 * (see chaos-routes.ts); the effects live in chaos-effects.ts, listener.ts and
 * readiness.ts.
 */
import { EventEmitter } from 'node:events';
import { z } from 'zod';

export const CHAOS_MODES = [
  /** Everything normal. */
  'healthy',
  /** The listener is closed: connections are refused (ECONNREFUSED). */
  'down',
  /** Connections are accepted but no request is ever answered (clients time out). */
  'blackhole',
  /** Every response is delayed by delayMs. */
  'slow',
  /** GET / answers 500 and /readyz 503; /healthz stays 200 (the process is alive). */
  'error',
  /** The dependency's DNS name resolves to no addresses: the October 2025 incident. */
  'dependency-dns-empty',
] as const;

export type ChaosMode = (typeof CHAOS_MODES)[number];

export type ChaosState = { mode: Exclude<ChaosMode, 'slow'> } | { mode: 'slow'; delayMs: number };

export const DEFAULT_SLOW_DELAY_MS = 1000;
export const MAX_SLOW_DELAY_MS = 600_000;

/** Body of `PUT /chaos`. */
export const chaosRequestSchema = z.strictObject({
  mode: z.enum(CHAOS_MODES),
  delayMs: z.number().int().min(0).max(MAX_SLOW_DELAY_MS).optional(),
});
export type ChaosRequest = z.output<typeof chaosRequestSchema>;

/** A chaos request that cannot be honoured; `status` is the HTTP status to answer. */
export class ChaosRequestError extends Error {
  override readonly name = 'ChaosRequestError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ChaosSwitchOptions {
  /** dependency-dns-empty only makes sense when readiness checks a dependency. */
  hasDependency: boolean;
}

/** Holds the current mode and tells listeners ('change') when it moves. */
export class ChaosSwitch extends EventEmitter<{ change: [ChaosState, ChaosState] }> {
  private current: ChaosState = { mode: 'healthy' };

  constructor(private readonly options: ChaosSwitchOptions) {
    super();
  }

  get state(): ChaosState {
    return this.current;
  }

  get mode(): ChaosMode {
    return this.current.mode;
  }

  set(mode: ChaosMode, opts: { delayMs?: number } = {}): ChaosState {
    if (opts.delayMs !== undefined && mode !== 'slow') {
      throw new ChaosRequestError(400, `delayMs only applies to mode slow, not ${mode}`);
    }
    if (mode === 'dependency-dns-empty' && !this.options.hasDependency) {
      throw new ChaosRequestError(409, 'dependency-dns-empty needs a dependency: start the service with DEPENDENCY_URL or DEPENDENCY_HOST');
    }
    const next: ChaosState = mode === 'slow' ? { mode, delayMs: opts.delayMs ?? DEFAULT_SLOW_DELAY_MS } : { mode };
    const previous = this.current;
    this.current = next;
    this.emit('change', next, previous);
    return next;
  }
}
