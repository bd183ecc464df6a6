/**
 * One HTTP health probe, the way real health checkers send it: a fresh TCP (and
 * TLS) connection per probe (`agent: false`, `Connection: close`), so a dead server
 * is never hidden behind a kept-alive socket; one deadline for connect, headers and
 * body; and a timeout that really ends the attempt (the socket is destroyed, the
 * server sees it close) instead of leaving a request running in the background.
 */
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { ProbeResult } from './target-state.js';

/**
 * Route 53's string matching only looks at the first 5,120 bytes of the body; we
 * read no more either, so a huge or endless body cannot stall or bloat a probe.
 */
export const MAX_BODY_BYTES = 5120;

/** Why a probe failed, machine-readable: ours below, or a Node errno code such as ECONNREFUSED. */
export type ProbeErrorCode =
  'ETIMEDOUT' | 'EBADSTATUS' | 'EBODY' | 'EABORTED' | 'EPROTOCOL' | 'EOPENBREAKER' | 'EPARTITIONED' | (string & {});

/** A probe outcome as the target state machine takes it, plus what the dashboard shows. */
export interface HttpProbeResult extends ProbeResult {
  readonly latencyMs: number;
  /** The HTTP status, when a response arrived. */
  readonly status?: number;
  /** Set exactly when `ok` is false. */
  readonly code?: ProbeErrorCode;
}

export interface ProbeOptions {
  /** Deadline for the whole exchange: connect, request, headers and the body we read. */
  readonly timeoutMs: number;
  readonly expectStatus: number;
  /** Substring the first MAX_BODY_BYTES of the body must contain (case-sensitive, like Route 53). */
  readonly bodyContains?: string;
  /** Aborting ends the probe at once with `aborted` (e.g. the monitor is stopping). */
  readonly signal?: AbortSignal;
  readonly headers?: Readonly<Record<string, string>>;
  /** Stamps `at`; the monitor restamps with its own clock anyway. */
  readonly now?: () => number;
}

/** Any function with probeHttp's shape; vantage points take one so tests can script the network. */
export type HttpProber = (url: string, options: ProbeOptions) => Promise<HttpProbeResult>;

const USER_AGENT = 'multicloud-failover-health-check';

/** Node's message usually names the code (`connect ECONNREFUSED 127.0.0.1:80`); when not, prefix it. */
function describeNetworkError(err: NodeJS.ErrnoException): { code: string; error: string } {
  const code = err.code ?? 'EPROBE';
  return { code, error: err.message.includes(code) ? err.message : `${code}: ${err.message}` };
}

/** GET `url` once and judge the answer by status and, optionally, body. Never rejects. */
export function probeHttp(url: string, options: ProbeOptions): Promise<HttpProbeResult> {
  const at = (options.now ?? Date.now)();
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;

  return new Promise((resolve) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return resolve({ ok: false, at, latencyMs: 0, code: 'EPROTOCOL', error: `invalid health URL ${JSON.stringify(url)}` });
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      return resolve({
        ok: false,
        at,
        latencyMs: 0,
        code: 'EPROTOCOL',
        error: `unsupported protocol ${parsed.protocol} (expected http: or https:)`,
      });
    }
    if (options.signal?.aborted) return resolve({ ok: false, at, latencyMs: 0, code: 'EABORTED', error: 'aborted' });

    const transport = parsed.protocol === 'https:' ? https : http;
    let req: http.ClientRequest;
    try {
      // Nothing is sent before req.end() below.
      req = transport.request(parsed, {
        method: 'GET',
        agent: false,
        headers: { 'user-agent': USER_AGENT, accept: '*/*', ...options.headers, connection: 'close' },
      });
    } catch (err) {
      // e.g. an invalid header value: the probe cannot be sent as configured.
      return resolve({ ok: false, at, latencyMs: 0, code: 'EPROBE', error: `cannot send probe: ${(err as Error).message}` });
    }
    let settled = false;
    let res: http.IncomingMessage | undefined;
    const finish = (outcome: { ok: true; status: number } | { ok: false; code: ProbeErrorCode; error: string; status?: number }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      // Destroying the socket is what makes the timeout real: no request lingers,
      // and the server sees the connection close.
      res?.destroy();
      req.destroy();
      resolve({ ...outcome, at, latencyMs: elapsed() });
    };
    const timer = setTimeout(
      () => finish({ ok: false, code: 'ETIMEDOUT', error: `timeout after ${options.timeoutMs} ms` }),
      options.timeoutMs,
    );
    const onAbort = () => finish({ ok: false, code: 'EABORTED', error: 'aborted' });
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const judge = (status: number, body: string) => {
      if (status !== options.expectStatus)
        return finish({ ok: false, status, code: 'EBADSTATUS', error: `status ${status} (expected ${options.expectStatus})` });
      if (options.bodyContains !== undefined && !body.includes(options.bodyContains)) {
        return finish({ ok: false, status, code: 'EBODY', error: `body does not contain ${JSON.stringify(options.bodyContains)}` });
      }
      finish({ ok: true, status });
    };

    req.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, ...describeNetworkError(err) }));
    req.on('response', (response) => {
      res = response;
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      // Read the body (politely, so the server can finish its write) up to the cap, then judge.
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= MAX_BODY_BYTES) judge(status, Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8'));
      });
      response.on('end', () => judge(status, Buffer.concat(chunks).toString('utf8')));
      response.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, status, ...describeNetworkError(err) }));
    });
    req.end();
  });
}
