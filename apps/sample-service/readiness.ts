/**
 * Deep readiness: "can I do my job right now?" The service resolves its dependency's
 * host name and makes one cheap HTTP call to it, within one time budget. This is how
 * an instance notices the incident's failure mode — its dependency's name resolving
 * to nothing — and asks to be taken out of DNS, while liveness (/healthz) stays green.
 */
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { DependencyConfig } from './config.js';
import { NO_ADDRESS_CODES, ResolveError, type AddressResolver } from './resolver.js';

export type ReadinessResult = { ready: true; dependency: DependencyReport | null } | { ready: false; reason: string };

export interface DependencyReport {
  host: string;
  addresses: string[];
  url?: string;
  httpStatus?: number;
}

/** Answer for `hostname` the addresses already resolved, so the HTTP call uses them. */
function pinnedLookup(addresses: string[]): LookupFunction {
  return (_hostname, options, callback) => {
    const entries = addresses.map((address) => ({ address, family: isIP(address) }));
    if (options.all) callback(null, entries);
    else callback(null, entries[0]?.address ?? '', entries[0]?.family ?? 4);
  };
}

function httpGet(url: URL, lookup: LookupFunction, signal: AbortSignal): Promise<number> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    // agent: false — a fresh connection each time, so a dead dependency is never hidden by keep-alive.
    const request = client.request(
      url,
      { method: 'GET', lookup, signal, agent: false, headers: { 'user-agent': 'multicloud-failover-sample/readiness' } },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('error', reject);
    request.end();
  });
}

function errorCode(err: unknown): string {
  return (err as { code?: unknown } | null)?.code?.toString() ?? (err instanceof Error ? err.message : String(err));
}

async function checkDependency(dependency: DependencyConfig, resolve: AddressResolver): Promise<ReadinessResult> {
  const url = dependency.url !== undefined ? new URL(dependency.url) : undefined;
  const host = dependency.host ?? url?.hostname.replace(/^\[|\]$/g, '') ?? '';
  const budget = dependency.timeoutMs;
  const signal = AbortSignal.timeout(budget);

  let addresses: string[];
  if (isIP(host) !== 0) {
    addresses = [host];
  } else {
    try {
      addresses = await resolve(host, signal);
    } catch (err) {
      if (signal.aborted) return { ready: false, reason: `dependency dns: ${host} did not resolve within ${budget}ms` };
      const code = err instanceof ResolveError ? err.code : errorCode(err);
      if (NO_ADDRESS_CODES.has(code)) return { ready: false, reason: `dependency dns: ${host} resolved to no addresses (${code})` };
      return { ready: false, reason: `dependency dns: ${host} lookup failed (${code})` };
    }
    if (addresses.length === 0) return { ready: false, reason: `dependency dns: ${host} resolved to no addresses (ENODATA)` };
  }
  if (url === undefined) return { ready: true, dependency: { host, addresses } };

  try {
    const status = await httpGet(url, pinnedLookup(addresses), signal);
    if (status >= 400) return { ready: false, reason: `dependency http: GET ${url.href} answered ${status}` };
    return { ready: true, dependency: { host, addresses, url: url.href, httpStatus: status } };
  } catch (err) {
    if (signal.aborted) return { ready: false, reason: `dependency http: GET ${url.href} did not answer within ${budget}ms` };
    return { ready: false, reason: `dependency http: GET ${url.href} failed (${errorCode(err)})` };
  }
}

/**
 * A readiness check that concurrent probes share: several vantage points probing at
 * once cost the dependency one check, not one each.
 */
export function createReadinessCheck(
  dependency: DependencyConfig | undefined,
  resolver: () => AddressResolver,
): () => Promise<ReadinessResult> {
  let running: Promise<ReadinessResult> | undefined;
  return () => {
    if (dependency === undefined) return Promise.resolve({ ready: true, dependency: null });
    running ??= checkDependency(dependency, resolver()).finally(() => {
      running = undefined;
    });
    return running;
  };
}
