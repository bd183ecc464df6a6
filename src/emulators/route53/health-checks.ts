/**
 * The health-check API: CreateHealthCheck (CallerReference idempotency),
 * GetHealthCheck, ListHealthChecks, UpdateHealthCheck (HealthCheckVersion as a
 * compare-and-swap), DeleteHealthCheck (refused while a record set uses it),
 * GetHealthCheckStatus, GetHealthCheckLastFailureReason, GetHealthCheckCount.
 * Each check is probed by the simulated checkers of engine/checkers.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Operation, Route53Context } from './context.js';
import { Route53Error, invalidInput, noSuchHealthCheck } from './errors.js';
import {
  applyUpdate,
  checkSpec,
  createHealthCheckRequest,
  readCreateConfig,
  sameSettings,
  settingsXml,
  updateHealthCheckRequest,
} from './health-check-config.js';
import { maxItems, param } from './query.js';
import { type HealthCheck } from './health-check-registry.js';

export { newHealthCheckRegistry, type HealthCheck, type HealthCheckRegistry } from './health-check-registry.js';
import { readRequest } from './request-shapes.js';
import { parseRequestXml } from './xml.js';

const LIST_DEFAULT = 100;
const LIST_MAX = 1000;

const alreadyExists = (ref: string) =>
  new Route53Error(
    'HealthCheckAlreadyExists',
    `A health check with caller reference ${ref} already exists, or existed and was deleted, with other settings.`,
    409,
  );
const versionMismatch = (given: number, current: number) =>
  new Route53Error(
    'HealthCheckVersionMismatch',
    `The value of HealthCheckVersion in the request (${given}) does not match the current version of the health check (${current}).`,
    409,
  );
const inUse = (id: string, by: string) =>
  new Route53Error('HealthCheckInUse', `The health check with id ${id} is still referenced from resource record set ${by}.`, 400);

export function requireHealthCheck(ctx: Route53Context, rawId: string): HealthCheck {
  const id = rawId.replace(/^\/?healthcheck\//, '');
  const hc = ctx.healthChecks.byId.get(id);
  if (!hc) throw noSuchHealthCheck(id);
  return hc;
}

function healthCheckXml(hc: HealthCheck): Record<string, unknown> {
  return {
    Id: hc.id,
    CallerReference: hc.callerReference,
    HealthCheckConfig: settingsXml(hc.settings),
    HealthCheckVersion: hc.version,
  };
}

export const createHealthCheck: Operation = (ctx, req) => {
  const root = 'CreateHealthCheckRequest';
  const input = readRequest(createHealthCheckRequest, root, parseRequestXml(req.body, root));
  const settings = readCreateConfig(input.HealthCheckConfig);
  const ref = input.CallerReference;
  let hc: HealthCheck | undefined;
  if (ctx.healthChecks.callerReferences.has(ref)) {
    // API reference, CreateHealthCheck: same reference and settings → the existing check; otherwise (or deleted) HealthCheckAlreadyExists.
    const existing = ctx.healthChecks.byId.get(ctx.healthChecks.callerReferences.get(ref) ?? '');
    if (!existing || !sameSettings(existing.settings, settings)) throw alreadyExists(ref);
    hc = existing;
  } else {
    hc = { id: randomUUID(), callerReference: ref, settings, version: 1, tags: new Map() };
    ctx.healthChecks.byId.set(hc.id, hc);
    ctx.healthChecks.callerReferences.set(ref, hc.id);
    ctx.engine.upsert(hc.id, checkSpec(settings));
  }
  return {
    root: 'CreateHealthCheckResponse',
    content: { HealthCheck: healthCheckXml(hc) },
    status: 201,
    headers: { Location: `${ctx.endpoint()}/2013-04-01/healthcheck/${hc.id}` },
  };
};

export const getHealthCheck: Operation = (ctx, req) => ({
  root: 'GetHealthCheckResponse',
  content: { HealthCheck: healthCheckXml(requireHealthCheck(ctx, req.params.id ?? '')) },
});

/** Creation order; `marker` is the id of the first check of the page. */
export const listHealthChecks: Operation = (ctx, req) => {
  const all = [...ctx.healthChecks.byId.values()];
  const marker = param(req.query, 'marker');
  const limit = maxItems(req.query, LIST_DEFAULT, LIST_MAX);
  const from = marker === undefined ? 0 : all.findIndex((hc) => hc.id === marker);
  if (from < 0) throw invalidInput(`marker '${marker ?? ''}' is not the id of a health check (use NextMarker of the previous page)`);
  const page = all.slice(from, from + limit);
  const next = all[from + limit];
  return {
    root: 'ListHealthChecksResponse',
    content: {
      HealthChecks: { HealthCheck: page.map(healthCheckXml) },
      ...(marker !== undefined ? { Marker: marker } : {}),
      IsTruncated: next !== undefined,
      ...(next ? { NextMarker: next.id } : {}),
      MaxItems: limit,
    },
  };
};

export const updateHealthCheck: Operation = (ctx, req) => {
  const root = 'UpdateHealthCheckRequest';
  const input = readRequest(updateHealthCheckRequest, root, parseRequestXml(req.body, root));
  const hc = requireHealthCheck(ctx, req.params.id ?? '');
  if (input.HealthCheckVersion !== undefined) {
    if (!/^\d{1,15}$/.test(input.HealthCheckVersion) || Number(input.HealthCheckVersion) < 1)
      throw invalidInput(`Invalid parameter : HealthCheckVersion must be a positive integer, got '${input.HealthCheckVersion}'`);
    const given = Number(input.HealthCheckVersion);
    if (given !== hc.version) throw versionMismatch(given, hc.version);
  }
  hc.settings = applyUpdate(hc.settings, input);
  hc.version += 1;
  ctx.engine.upsert(hc.id, checkSpec(hc.settings));
  return { root: 'UpdateHealthCheckResponse', content: { HealthCheck: healthCheckXml(hc) } };
};

export const deleteHealthCheck: Operation = (ctx, req) => {
  const hc = requireHealthCheck(ctx, req.params.id ?? '');
  const user = ctx.healthCheckUser(hc.id);
  if (user !== undefined) throw inUse(hc.id, user);
  ctx.healthChecks.byId.delete(hc.id);
  ctx.engine.remove(hc.id);
  return { root: 'DeleteHealthCheckResponse', content: {} };
};

export const getHealthCheckStatus: Operation = (ctx, req) => {
  const hc = requireHealthCheck(ctx, req.params.id ?? '');
  const observations = ctx.engine.observations(hc.id).map((o) => ({
    Region: o.region,
    IPAddress: o.ipAddress,
    StatusReport: { Status: o.report, CheckedTime: o.checkedAt.toISOString() },
  }));
  return { root: 'GetHealthCheckStatusResponse', content: { HealthCheckObservations: { HealthCheckObservation: observations } } };
};

export const getHealthCheckLastFailureReason: Operation = (ctx, req) => {
  const hc = requireHealthCheck(ctx, req.params.id ?? '');
  const observations = ctx.engine.observations(hc.id).flatMap((o) =>
    o.lastFailure
      ? [
          {
            Region: o.region,
            IPAddress: o.ipAddress,
            StatusReport: { Status: o.lastFailure.report, CheckedTime: o.lastFailure.checkedAt.toISOString() },
          },
        ]
      : [],
  );
  return {
    root: 'GetHealthCheckLastFailureReasonResponse',
    content: { HealthCheckObservations: { HealthCheckObservation: observations } },
  };
};

export const getHealthCheckCount: Operation = (ctx) => ({
  root: 'GetHealthCheckCountResponse',
  content: { HealthCheckCount: ctx.healthChecks.byId.size },
});
