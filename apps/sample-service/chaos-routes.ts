/**
 * `GET /chaos` (current mode) and `PUT /chaos` (`{ mode, delayMs? }`), behind the chaos
 * token. Only mounted when chaos is enabled; otherwise /chaos is a plain 404.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler, type Router } from 'express';
import { formatPath } from '../../src/config/load.js';
import { chaosRequestSchema, ChaosRequestError, type ChaosMode, type ChaosState } from './chaos.js';

export interface ChaosControl {
  state(): ChaosState;
  /** Change the mode (throws ChaosRequestError when it cannot). */
  update(mode: ChaosMode, opts: { delayMs?: number }): ChaosState;
  /** Bring the listener in line with the mode (close it for `down`, reopen it after). */
  settle(): Promise<void>;
}

/** Compare digests, not strings: equal length always, and no early exit to time. */
function sameToken(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function presentedToken(header: (name: string) => string | undefined): string | undefined {
  const explicit = header('x-chaos-token');
  if (explicit !== undefined && explicit !== '') return explicit;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header('authorization') ?? '');
  return bearer?.[1];
}

export function requireChaosToken(token: string): RequestHandler {
  return (req, res, next) => {
    const given = presentedToken((name) => req.get(name));
    if (given === undefined) {
      res
        .status(401)
        .set('www-authenticate', 'Bearer realm="chaos"')
        .json({ error: 'unauthorized', message: 'send the chaos token in the x-chaos-token header or as Authorization: Bearer <token>' });
      return;
    }
    if (!sameToken(given, token)) {
      res.status(403).json({ error: 'forbidden', message: 'the chaos token does not match' });
      return;
    }
    next();
  };
}

/**
 * `replyFirst`: answer before changing the listener. Needed on the service's own
 * listener, where `down` would otherwise cut the very connection asking for it.
 */
export function createChaosRouter(control: ChaosControl, token: string, options: { replyFirst: boolean }): Router {
  const router = express.Router();
  router.use(requireChaosToken(token));

  router.get('/', (_req, res) => {
    res.json(control.state());
  });

  router.put('/', async (req, res) => {
    const parsed = chaosRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      res.status(400).json({
        error: 'bad-request',
        message: 'expected a JSON body { "mode": "<mode>", "delayMs"?: <ms, slow only> }',
        problems: parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
      });
      return;
    }
    const { mode, delayMs } = parsed.data;
    let state: ChaosState;
    try {
      state = control.update(mode, { delayMs });
    } catch (err) {
      if (err instanceof ChaosRequestError) {
        res.status(err.status).json({ error: err.status === 409 ? 'conflict' : 'bad-request', message: err.message });
        return;
      }
      throw err;
    }
    if (options.replyFirst) {
      res.once('finish', () => setImmediate(() => void control.settle().catch(() => undefined)));
      res.json(state);
    } else {
      await control.settle();
      res.json(state);
    }
  });

  return router;
}
