/**
 * What `blackhole` and `slow` do to ordinary requests (the chaos routes themselves are
 * mounted before this, so the switch can always be flipped back). `down` is the
 * listener's business, `error` and `dependency-dns-empty` the endpoints'.
 */
import type { RequestHandler } from 'express';
import type { ChaosSwitch } from './chaos.js';

export function chaosEffects(chaos: ChaosSwitch): RequestHandler {
  // Requests swallowed by the blackhole. Like packets retransmitted once a network
  // path heals, they are served when the mode changes, if their client still waits.
  const held = new Set<() => void>();
  chaos.on('change', (state) => {
    if (state.mode === 'blackhole') return;
    const release = [...held];
    held.clear();
    for (const resume of release) resume();
  });

  return (_req, res, next) => {
    const state = chaos.state;
    if (state.mode === 'blackhole') {
      const resume = () => {
        res.off('close', forget);
        if (!res.destroyed) next();
      };
      const forget = () => held.delete(resume);
      res.once('close', forget);
      held.add(resume);
      return;
    }
    if (state.mode === 'slow') {
      res.setHeader('x-chaos-delay-ms', String(state.delayMs));
      setTimeout(() => next(), state.delayMs);
      return;
    }
    next();
  };
}
