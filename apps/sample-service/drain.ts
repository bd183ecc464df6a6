/**
 * Graceful shutdown state shared by the app and the server: once draining, /readyz
 * answers 503 so health checkers move traffic away, responses ask clients to close
 * their connection, and each connection is dropped as soon as it goes idle.
 */
import type { RequestHandler } from 'express';

export type Phase = 'serving' | 'draining' | 'stopped';

export class DrainState {
  private current: Phase = 'serving';
  private active = 0;
  /** Called after a response finishes while draining (the server closes idle connections). */
  onIdleWhileDraining: () => void = () => undefined;

  get phase(): Phase {
    return this.current;
  }

  get draining(): boolean {
    return this.current !== 'serving';
  }

  /** Requests received and not yet answered (or abandoned by their client). */
  get inFlight(): number {
    return this.active;
  }

  begin(): void {
    if (this.current === 'serving') this.current = 'draining';
  }

  finish(): void {
    this.current = 'stopped';
  }

  /** Counts requests and, while draining, keeps connections from lingering after their last response. */
  readonly middleware: RequestHandler = (_req, res, next) => {
    this.active += 1;
    let counted = true;
    const done = () => {
      if (!counted) return;
      counted = false;
      this.active -= 1;
      if (this.draining) setImmediate(() => this.onIdleWhileDraining());
    };
    res.once('finish', done);
    res.once('close', done);
    if (this.draining) res.setHeader('connection', 'close');
    next();
  };
}
