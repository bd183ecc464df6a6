/**
 * The HTTP faces of the metrics registry and the audit log. The data lives in
 * src/observability; the Express handlers live here, with the controller's API.
 */
import type { RequestHandler } from 'express';
import { Registry } from 'prom-client';
import { AuditLogError, readAuditLog } from '../../src/observability/audit-log.js';
import type { ControllerMetrics } from '../../src/observability/metrics.js';

/** GET /metrics: the registry in the Prometheus text format. */
export function metricsHandler(metrics: ControllerMetrics | Registry): RequestHandler {
  const registry = metrics instanceof Registry ? metrics : metrics.registry;
  return async (_req, res, next) => {
    try {
      const body = await registry.metrics();
      res.setHeader('content-type', registry.contentType);
      res.setHeader('cache-control', 'no-store');
      res.send(body);
    } catch (err) {
      next(err);
    }
  };
}

/**
 * GET /audit?since=<seq or ISO time>&limit=<n>: the durable history, read from
 * the file (the in-memory /events list starts over with each process; this does not).
 */
export function auditHandler(path: string): RequestHandler {
  return async (req, res, next) => {
    const rawSince = typeof req.query.since === 'string' ? req.query.since : undefined;
    const rawLimit = typeof req.query.limit === 'string' ? req.query.limit : '500';
    const since = rawSince === undefined ? undefined : /^\d+$/.test(rawSince) ? Number(rawSince) : rawSince;
    const limit = Number(rawLimit);
    if (!Number.isSafeInteger(limit) || limit < 1 || limit > 10_000) {
      res.status(400).json({ error: 'bad-request', message: `limit: expected an integer from 1 to 10000, got '${rawLimit}'` });
      return;
    }
    try {
      res.set('cache-control', 'no-store').json(await readAuditLog(path, { limit, ...(since !== undefined ? { since } : {}) }));
    } catch (err) {
      if (err instanceof AuditLogError) {
        res.status(400).json({ error: 'bad-request', message: err.message });
        return;
      }
      next(err);
    }
  };
}
