/**
 * The official `@google-cloud/dns` client as the Cloud DNS adapter uses it.
 *
 * Construction: production is `new DNS({ projectId })` with Application Default
 * Credentials; the emulator (or any test endpoint) gets a static access token in
 * an `OAuth2Client` and its base URL (the client always builds
 * `https://{apiEndpoint}/dns/v1`, so the public `baseUrl` is replaced; zones
 * inherit it).
 *
 * Transport: everything the client does above HTTP is kept (auth, project id,
 * URLs, query and body shapes, Record and Change objects, paging), but the
 * request itself is sent with `fetch`, because the client's own transport
 * (retry-request over teeny-request over node-fetch 3) can be neither aborted
 * nor kept from retrying:
 * - no AbortSignal reaches node-fetch, and the `timeout` request option is
 *   dropped by node-fetch 3, so a hung request holds until the server hangs up;
 * - connection errors are retried 3 times after 2, 4 and 8 s
 *   (`noResponseRetries`, taken from the service config, which `new DNS()` does
 *   not pass on; `reqOpts.maxRetries` only limits retries of HTTP answers).
 * The seam is the client's public `makeAuthenticatedRequest`: called with
 * `onAuthenticated`, it authorises and decorates the request without sending it.
 * The adapter's attempt deadline reaches `fetch` through AsyncLocalStorage,
 * because the SDK methods (getRecords, createChange) take no per-call options.
 * So callWithRetry's policy is the only one, and an API that is down fails in
 * milliseconds.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DNS } from '@google-cloud/dns';
import { OAuth2Client } from 'google-auth-library';

export interface CloudDnsClientSettings {
  readonly projectId: string;
  /** e.g. `http://127.0.0.1:4530` for the emulator; production when absent. */
  readonly endpoint?: string;
  /** Static OAuth access token; Application Default Credentials when absent. */
  readonly token?: string;
}

/** An HTTP error answer of the Cloud DNS API (Google's JSON error shape). */
export class CloudDnsHttpError extends Error {
  override readonly name = 'CloudDnsHttpError';
  constructor(
    /** HTTP status. */
    readonly code: number,
    message: string,
    /** `error.errors[].reason`, e.g. `conditionNotMet`, `alreadyExists`, `rateLimitExceeded`. */
    readonly reasons: readonly string[],
    /** From a Retry-After header. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

type AuthenticatedRequest = DNS['makeAuthenticatedRequest'];
type RequestOptions = Parameters<AuthenticatedRequest>[0];
type BodyCallback = (err: Error | null, body?: unknown, response?: unknown) => void;

const attemptSignal = new AsyncLocalStorage<AbortSignal>();

/**
 * Run one SDK call under an attempt's AbortSignal: the request it sends is
 * aborted at the deadline, and the returned promise rejects at once even if the
 * SDK is still authorising.
 */
export function underSignal<T>(signal: AbortSignal, call: () => Promise<T>): Promise<T> {
  return attemptSignal.run(signal, () => {
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason as Error);
      signal.addEventListener('abort', onAbort, { once: true });
      call()
        .then(resolve, reject)
        .finally(() => signal.removeEventListener('abort', onAbort));
    });
  });
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function httpError(status: number, statusText: string, body: unknown, retryAfter: string | null): CloudDnsHttpError {
  const error = (body as { error?: { message?: unknown; errors?: { reason?: unknown }[] } } | undefined)?.error;
  const message = typeof error?.message === 'string' ? error.message : `HTTP ${status} ${statusText}`;
  const reasons = (error?.errors ?? []).map((e) => e.reason).filter((r): r is string => typeof r === 'string');
  return new CloudDnsHttpError(status, message, reasons, retryAfterMs(retryAfter));
}

/** Send an authorised, decorated request and answer the SDK the way its own transport does. */
function send(reqOpts: RequestOptions, callback: BodyCallback): void {
  const url = new URL(reqOpts.uri);
  for (const [key, value] of Object.entries((reqOpts.qs ?? {}) as Record<string, unknown>)) {
    if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
  }
  const headers = new Headers(reqOpts.headers as ConstructorParameters<typeof Headers>[0]);
  let body: string | undefined;
  if (reqOpts.json !== undefined && typeof reqOpts.json === 'object') {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(reqOpts.json);
  }
  fetch(url, { method: reqOpts.method ?? 'GET', headers, body, signal: attemptSignal.getStore() })
    .then(async (res) => {
      const text = await res.text();
      let parsed: unknown;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        parsed = text;
      }
      const response = { statusCode: res.status, headers: Object.fromEntries(res.headers), body: parsed };
      if (!res.ok) return callback(httpError(res.status, res.statusText, parsed, res.headers.get('retry-after')), parsed, response);
      if (parsed !== undefined && typeof parsed !== 'object') {
        return callback(new CloudDnsHttpError(502, `Cloud DNS answered ${res.status} with a body that is not JSON`, []), parsed, response);
      }
      callback(null, parsed, response);
    })
    .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
}

function sendWithFetch(dns: DNS): void {
  const authenticate = dns.makeAuthenticatedRequest;
  const viaFetch = (reqOpts: RequestOptions, callback?: unknown): void => {
    if (typeof callback !== 'function') throw new TypeError('the Cloud DNS adapter sends no streaming requests');
    const done = callback as BodyCallback;
    authenticate(reqOpts, {
      onAuthenticated: (err, authorised) =>
        err || !authorised ? done(err ?? new Error('Cloud DNS request was not authorised')) : send(authorised, done),
    });
  };
  dns.makeAuthenticatedRequest = Object.assign(viaFetch, {
    getCredentials: authenticate.getCredentials,
    authClient: authenticate.authClient,
  }) as unknown as AuthenticatedRequest;
}

export function cloudDnsClient(settings: CloudDnsClientSettings): DNS {
  let dns: DNS;
  if (settings.token !== undefined) {
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: settings.token });
    dns = new DNS({ projectId: settings.projectId, authClient });
  } else {
    dns = new DNS({ projectId: settings.projectId });
  }
  if (settings.endpoint !== undefined) dns.baseUrl = `${settings.endpoint.replace(/\/+$/, '')}/dns/v1`;
  sendWithFetch(dns);
  return dns;
}
