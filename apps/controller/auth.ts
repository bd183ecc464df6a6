/**
 * Security of the controller's admin API (docs/operations.md, "Admin API security").
 *
 * - Bearer token from FAILOVER_ADMIN_TOKEN or a token file. Compared as SHA-256
 *   digests with crypto.timingSafeEqual: both sides are always 32 bytes, so
 *   neither the length nor the content of a guess changes the work done. A
 *   missing, malformed, wrong or wrong-length token all take the same path and
 *   get the same 401 body; no token configured means the admin API is off (503).
 * - CSRF: bearer tokens in a header are not sent by browsers on their own, so a
 *   cross-site page cannot forge an authenticated request; on top of that, every
 *   unsafe request that comes from a browser (it carries Origin, Sec-Fetch-Site
 *   or a Cookie) must be same-origin AND carry X-CSRF-Token, a random per-process
 *   value only handed out by GET /api/csrf, which itself needs the bearer.
 *   Non-browser clients (curl, the CLI) cannot be driven cross-site and need
 *   only the bearer.
 * - express-rate-limit with two counters per client address: failed
 *   authentications (a wrong or missing token) and authenticated requests. A
 *   flood of wrong guesses is answered 429 without ever locking out the holder
 *   of the right token from the same address (a shared NAT, a proxy, a script
 *   with a stale token next to the operator's); the authenticated counter still
 *   bounds what a token holder can do per minute. A token of 16+ random
 *   characters is not guessable at any request rate; the limiter keeps the noise
 *   (and the log) small.
 * - warnIfExposed: the controller binds loopback by default; anywhere else
 *   without TLS the token would cross the network in clear text.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import express, { type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Logger } from '../../src/observability/logger.js';

export const ADMIN_TOKEN_ENV = 'FAILOVER_ADMIN_TOKEN';
export const CSRF_HEADER = 'x-csrf-token';
/** Shorter secrets are guessable; `openssl rand -hex 32` gives 64 characters. */
export const MIN_TOKEN_LENGTH = 16;
/** Admin requests are small JSON objects. */
export const ADMIN_BODY_LIMIT = '16kb';
export const DEFAULT_ADMIN_RATE_LIMIT = { windowMs: 60_000, limit: 60 } as const;

/** RFC 6750 b64token: what fits in `Authorization: Bearer <token>`. */
const BEARER_CHARS = /^[A-Za-z0-9._~+/=-]+$/;

export class AdminTokenError extends Error {
  override readonly name = 'AdminTokenError';
}

export interface TokenSources {
  readonly env?: NodeJS.ProcessEnv;
  /** api.tokenFile from the config. */
  readonly tokenFile?: string;
  readonly logger?: Pick<Logger, 'warn'>;
}

function checkToken(token: string, from: string): string {
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new AdminTokenError(
      `the admin token from ${from} is ${token.length} characters; use at least ${MIN_TOKEN_LENGTH} (e.g. openssl rand -hex 32)`,
    );
  }
  if (!BEARER_CHARS.test(token))
    throw new AdminTokenError(
      `the admin token from ${from} has characters a bearer token cannot carry; use letters, digits and . _ ~ + / = - (e.g. openssl rand -hex 32)`,
    );
  return token;
}

/**
 * The admin token: FAILOVER_ADMIN_TOKEN wins over the token file. Undefined when
 * neither is set (the admin API then refuses every mutating request with 503).
 */
export function loadAdminToken(sources: TokenSources = {}): string | undefined {
  const env = sources.env ?? process.env;
  const fromEnv = env[ADMIN_TOKEN_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return checkToken(fromEnv, `the ${ADMIN_TOKEN_ENV} environment variable`);
  if (sources.tokenFile === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(sources.tokenFile, 'utf8');
  } catch (err) {
    throw new AdminTokenError(
      `cannot read the admin token file ${sources.tokenFile} (api.tokenFile): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  if (process.platform !== 'win32' && (statSync(sources.tokenFile).mode & 0o077) !== 0) {
    sources.logger?.warn({ tokenFile: sources.tokenFile }, 'the admin token file is readable by other users; chmod 600 it');
  }
  return checkToken(text.trim(), `the file ${sources.tokenFile}`);
}

/** A fresh random token, for the local demo and tests. */
export function generateToken(): string {
  return randomBytes(32).toString('hex');
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/**
 * Constant-time by construction: both sides are hashed to 32 bytes first, so
 * timingSafeEqual always compares equal lengths and the time does not depend on
 * where (or whether) the strings differ, nor on the guess's length.
 */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The bearer credential of a request; '' when absent or malformed (so every failure takes one path). */
export function bearerOf(req: Pick<Request, 'get'>): string {
  const match = /^Bearer (\S+)$/.exec(req.get('authorization') ?? '');
  const token = match?.[1] ?? '';
  return BEARER_CHARS.test(token) ? token : '';
}

export const UNAUTHORIZED_BODY = Object.freeze({
  error: 'unauthorized',
  message:
    'this endpoint needs the admin token: send Authorization: Bearer <token> (set FAILOVER_ADMIN_TOKEN or api.tokenFile on the controller)',
});

export const ADMIN_DISABLED_BODY = Object.freeze({
  error: 'admin-disabled',
  message: `the admin API is off because no admin token is configured; set ${ADMIN_TOKEN_ENV} or api.tokenFile and restart the controller`,
});

/** Checks the bearer token; every failure gets the same 401 and the same body. */
export function requireBearer(token: string | undefined): RequestHandler {
  // With no token configured, compare against a random one anyway: the work per request stays the same.
  const expected = token ?? generateToken();
  return (req, res, next) => {
    const ok = sameSecret(bearerOf(req), expected);
    if (token === undefined) {
      res.status(503).json(ADMIN_DISABLED_BODY);
      return;
    }
    if (!ok) {
      res.status(401).set('www-authenticate', 'Bearer realm="failover-admin"').json(UNAUTHORIZED_BODY);
      return;
    }
    next();
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A request a browser made: browsers add these on their own; curl and SDKs do not. */
export function fromBrowser(req: Pick<Request, 'get'>): boolean {
  return req.get('origin') !== undefined || req.get('sec-fetch-site') !== undefined || req.get('cookie') !== undefined;
}

/** The origin this request was addressed to, as a browser would write it. */
function ownOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? ''}`;
}

function forbidden(res: express.Response, message: string): void {
  res.status(403).json({ error: 'forbidden', message });
}

/**
 * For unsafe methods from a browser: same origin, and the per-process CSRF
 * token in X-CSRF-Token. Runs after requireBearer.
 */
export function requireCsrf(csrfToken: string): RequestHandler {
  return (req, res, next) => {
    if (SAFE_METHODS.has(req.method) || !fromBrowser(req)) {
      next();
      return;
    }
    const origin = req.get('origin');
    const site = req.get('sec-fetch-site');
    if ((origin !== undefined && origin !== ownOrigin(req)) || (site !== undefined && site !== 'same-origin' && site !== 'none')) {
      forbidden(res, "cross-site request refused: admin actions are only accepted from the dashboard's own origin");
      return;
    }
    if (!sameSecret(req.get(CSRF_HEADER) ?? '', csrfToken)) {
      forbidden(
        res,
        `missing or wrong ${CSRF_HEADER} header: fetch it from GET /api/csrf (with the bearer token) and send it with every change`,
      );
      return;
    }
    next();
  };
}

export interface RateLimitSettings {
  readonly windowMs: number;
  readonly limit: number;
}

type Limited = 'authenticated' | 'failed';

/** express-rate-limit with a JSON 429 that says when to come back; counts only requests of one kind (see `kindOf`). */
function limiter(settings: RateLimitSettings, counts: Limited, kindOf: (req: Request) => Limited): RequestHandler {
  const what = counts === 'failed' ? 'failed admin authentications' : 'admin requests';
  return rateLimit({
    windowMs: settings.windowMs,
    limit: settings.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Each counter has its own store: failures never use up the authenticated budget, nor the other way round.
    skip: (req) => kindOf(req) !== counts,
    handler: (req, res) => {
      const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfterSeconds = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : Math.ceil(settings.windowMs / 1000);
      res
        .status(429)
        .set('retry-after', String(retryAfterSeconds))
        .json({
          error: 'rate-limited',
          message: `too many ${what}: at most ${settings.limit} per ${settings.windowMs / 1000} s from one client; retry in ${retryAfterSeconds} s`,
          retryAfterSeconds,
        });
    },
  });
}

/**
 * Rate limits for the admin routes, in front of the bearer check: failed
 * authentications and authenticated requests are counted apart per client, so
 * wrong guesses from an address never lock out the right token from it.
 * `token` undefined (admin API off): every request counts as failed.
 */
export function adminRateLimit(token: string | undefined, settings: RateLimitSettings = DEFAULT_ADMIN_RATE_LIMIT): RequestHandler[] {
  const kinds = new WeakMap<Request, Limited>();
  const kindOf = (req: Request): Limited => {
    let kind = kinds.get(req);
    if (kind === undefined) {
      kind = token !== undefined && sameSecret(bearerOf(req), token) ? 'authenticated' : 'failed';
      kinds.set(req, kind);
    }
    return kind;
  };
  return [limiter(settings, 'failed', kindOf), limiter(settings, 'authenticated', kindOf)];
}

export interface AdminAuthOptions {
  /** The admin token (loadAdminToken); undefined turns the admin API off. */
  readonly token: string | undefined;
  readonly rateLimit?: RateLimitSettings;
  /** A fixed CSRF token (tests); random per process by default. */
  readonly csrfToken?: string;
}

export interface AdminAuth {
  readonly csrfToken: string;
  /** rate limits (failed / authenticated) → bearer → CSRF/origin, then a JSON body limited to ADMIN_BODY_LIMIT. Spread before a mutating route. */
  readonly guard: RequestHandler[];
  /** GET /api/csrf: the CSRF token for the dashboard; mount it behind `guard`. */
  readonly csrfHandler: RequestHandler;
}

export function createAdminAuth(options: AdminAuthOptions): AdminAuth {
  const csrfToken = options.csrfToken ?? generateToken();
  return {
    csrfToken,
    guard: [
      ...adminRateLimit(options.token, options.rateLimit),
      requireBearer(options.token),
      requireCsrf(csrfToken),
      express.json({ limit: ADMIN_BODY_LIMIT }),
    ],
    csrfHandler: (_req, res) => {
      res.set('cache-control', 'no-store').json({ csrfToken, header: CSRF_HEADER });
    },
  };
}

/** Body too large or not JSON: say so as JSON (Express would answer with an HTML page). */
export const adminBodyErrors: ErrorRequestHandler = (err: { status?: number; type?: string; message?: string }, _req, res, next) => {
  if (err.type === 'entity.too.large') {
    res.status(413).json({ error: 'payload-too-large', message: `request body larger than ${ADMIN_BODY_LIMIT}` });
    return;
  }
  if (err.type === 'entity.parse.failed') {
    res.status(400).json({ error: 'bad-json', message: `the request body is not valid JSON: ${err.message ?? ''}` });
    return;
  }
  next(err);
};

/** True for 127.0.0.0/8, ::1, ::ffff:127.x and `localhost`. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h.startsWith('::ffff:127.');
  return false;
}

/**
 * DNS rebinding guard for a loopback-bound controller: a page on evil.example
 * whose name re-resolves to 127.0.0.1 becomes "same origin" with us, but its
 * requests still say `Host: evil.example`. Only loopback host names are served.
 */
export function requireLoopbackHost(): RequestHandler {
  return (req, res, next) => {
    const host = (req.get('host') ?? '').replace(/:\d+$/, '');
    if (isLoopback(host)) {
      next();
      return;
    }
    res.status(421).json({
      error: 'misdirected',
      message: `this controller listens on loopback and does not serve the host name '${host}'; use http://127.0.0.1:<port>/`,
    });
  };
}

/**
 * A loud warning when the controller listens beyond loopback without TLS: the
 * admin token and every override would travel in clear text. Returns whether it warned.
 */
export function warnIfExposed(host: string, tls: boolean, logger: Pick<Logger, 'warn'>): boolean {
  if (isLoopback(host) || tls) return false;
  logger.warn(
    { host, tls },
    `SECURITY WARNING: the controller listens on ${host} without TLS. The admin bearer token and operator actions cross the network in clear text. ` +
      'Bind 127.0.0.1 (the default) and reach it through an SSH tunnel or a TLS-terminating proxy, or configure TLS.',
  );
  return true;
}
