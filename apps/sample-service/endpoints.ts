/**
 * The service's own routes: who answered (GET /), am I alive (GET /healthz), and can I
 * do my job (GET /readyz). The chaos `error` mode is felt here. GET / uses the
 * dependency as a real service would (the same shared check /readyz runs), so when
 * the dependency's name resolves to nothing clients get 503s until traffic moves.
 */
import { hostname } from 'node:os';
import express, { type Router } from 'express';
import type { ChaosSwitch } from './chaos.js';
import type { ServiceConfig } from './config.js';
import type { DrainState } from './drain.js';
import type { ReadinessResult } from './readiness.js';

export interface EndpointContext {
  config: ServiceConfig;
  chaos: ChaosSwitch;
  drain: DrainState;
  readiness: () => Promise<ReadinessResult>;
}

/** Thrown by GET / in chaos mode `error`; the error handler answers a plain 500. */
export class ChaosInducedError extends Error {
  override readonly name = 'ChaosInducedError';
}

export function createEndpoints({ config, chaos, drain, readiness }: EndpointContext): Router {
  const router = express.Router();
  const identity = {
    service: 'multicloud-failover-sample',
    cloud: config.cloud,
    region: config.region,
    instanceId: config.instanceId,
    version: config.version,
    hostname: hostname(),
  };

  router.get('/', async (req, res) => {
    if (chaos.mode === 'error') throw new ChaosInducedError('chaos mode error');
    if (config.dependency !== undefined) {
      const dependency = await readiness();
      if (!dependency.ready) {
        res
          .status(503)
          .json({ error: 'dependency-unavailable', message: dependency.reason, cloud: config.cloud, instanceId: config.instanceId });
        return;
      }
    }
    res.json({ ...identity, servedName: req.hostname, requestId: String(req.id) });
  });

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', cloud: config.cloud, instanceId: config.instanceId });
  });

  router.get('/readyz', async (_req, res) => {
    const who = { cloud: config.cloud, instanceId: config.instanceId };
    if (drain.draining) {
      res.status(503).json({ status: 'draining', reason: 'shutting down: finishing in-flight requests', ...who });
      return;
    }
    if (chaos.mode === 'error') {
      res.status(503).json({ status: 'not-ready', reason: 'chaos mode error', ...who });
      return;
    }
    const result = await readiness();
    if (result.ready) res.json({ status: 'ready', dependency: result.dependency, ...who });
    else res.status(503).json({ status: 'not-ready', reason: result.reason, ...who });
  });

  return router;
}
