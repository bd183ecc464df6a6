/**
 * One HTTP health probe: one deadline for connect, headers and body; and a timeout
 * that really ends the attempt (the socket is destroyed, the server sees it close)
 * instead of leaving a request running in the background.
 *
 * Connections: without an `agent` every probe opens a fresh TCP (and TLS)
 * connection (`Connection: close`). With a keep-alive agent (what vantage points
 * use) a healthy target's connection is reused, which is most of the cost of a
 * probe; a failed or timed-out probe destroys its socket, so the next probe of a
 * dead server opens a new connection and is refused or times out like before. A
 * reused socket the server had just closed (its keep-alive timeout raced our
 * send) is retried once on a fresh connection: that race is ours, not the
 * target's failure.
 *
 * Event-loop lag: when the deadline timer fires more than `lagToleranceMs` late (the
 * process was busy, not the target), the probe is `inconclusive` (code ELAG) rather
 * than failed; an on-time
 * deadline still gives I/O that already arrived one poll turn before calling it a
 * timeout, since Node runs due timers before reading sockets.
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
  'ELAG' | 'ETIMEDOUT' | 'EBADSTATUS' | 'EBODY' | 'EABORTED' | 'EPROTOCOL' | 'EOPENBREAKER' | 'EPARTITIONED' | (string & {});

/** A probe outcome as the target state machine takes it, plus what the dashboard shows. */
export interface HttpProbeResult extends ProbeResult {
  readonly latencyMs: number;
  /** The HTTP status, when a response arrived. */
  readonly status?: number;
  /** Set exactly when `ok` is false. */
  readonly code?: ProbeErrorCode;
  /**
   * The prober, not the target, was too slow to judge (a deadline timer fired
   * late because the event loop lagged): neither success nor failure evidence.
   */
  readonly inconclusive?: true;
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
  /** A keep-alive agent to reuse connections; a fresh connection per probe without one. */
  readonly agent?: http.Agent;
  /**
   * A deadline timer firing this much late (ms) makes a timeout inconclusive
   * (code ELAG). Unset: every timeout is a failure (the monitor sets it).
   */
  readonly lagToleranceMs?: number;
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
export async function probeHttp(url: string, options: ProbeOptions): Promise<HttpProbeResult> {
  const first = await probeOnce(url, options, performance.now());
  // Node's documented remedy for the keep-alive race: retry once, on a new connection.
  if (first.staleSocket) return (await probeOnce(url, options, first.started)).result;
  return first.result;
}

interface Attempt {
  readonly result: HttpProbeResult;
  readonly started: number;
  /** The request failed on a reused keep-alive socket before any response: retry fresh. */
  readonly staleSocket: boolean;
}

function probeOnce(url: string, options: ProbeOptions, started: number): Promise<Attempt> {
  const at = (options.now ?? Date.now)();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  const resolveWith = (resolve: (a: Attempt) => void, result: HttpProbeResult, staleSocket = false) =>
    resolve({ result, started, staleSocket });

  return new Promise((resolveAttempt) => {
    const resolve = (result: HttpProbeResult) => resolveWith(resolveAttempt, result);
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
      const agent = options.agent;
      req = transport.request(parsed, {
        method: 'GET',
        agent: agent ?? false,
        headers: agent
          ? { 'user-agent': USER_AGENT, accept: '*/*', ...options.headers }
          : { 'user-agent': USER_AGENT, accept: '*/*', ...options.headers, connection: 'close' },
      });
    } catch (err) {
      // e.g. an invalid header value: the probe cannot be sent as configured.
      return resolve({ ok: false, at, latencyMs: 0, code: 'EPROBE', error: `cannot send probe: ${(err as Error).message}` });
    }
    let settled = false;
    let res: http.IncomingMessage | undefined;
    let bodyComplete = false;
    type Outcome = { ok: true; status: number } | { ok: false; code: ProbeErrorCode; error: string; status?: number; inconclusive?: true };
    const finish = (outcome: Outcome, staleSocket = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      // A fully read success leaves its socket to the keep-alive pool; anything else
      // destroys it, which is what makes a timeout real: no request lingers, the
      // server sees the connection close, and the next probe starts afresh.
      if (!(outcome.ok && bodyComplete && options.agent)) {
        res?.destroy();
        req.destroy();
      }
      resolveWith(resolveAttempt, { ...outcome, at, latencyMs: elapsed() }, staleSocket);
    };
    const tolerance = options.lagToleranceMs ?? Number.POSITIVE_INFINITY;
    const timer = setTimeout(() => {
      const lateMs = performance.now() - started - options.timeoutMs;
      if (lateMs > tolerance) {
        return finish({
          ok: false,
          code: 'ELAG',
          inconclusive: true,
          error: `inconclusive: the prober's deadline fired ${Math.round(lateMs)} ms late (event-loop lag)`,
        });
      }
      // Due timers run before sockets are read: let an answer that is already here land first.
      setImmediate(() => finish({ ok: false, code: 'ETIMEDOUT', error: `timeout after ${options.timeoutMs} ms` }));
    }, options.timeoutMs);
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

    req.on('error', (err: NodeJS.ErrnoException) =>
      finish({ ok: false, ...describeNetworkError(err) }, req.reusedSocket && res === undefined && err.code === 'ECONNRESET'),
    );
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
      response.on('end', () => {
        bodyComplete = true;
        judge(status, Buffer.concat(chunks).toString('utf8'));
      });
      response.on('error', (err: NodeJS.ErrnoException) => finish({ ok: false, status, ...describeNetworkError(err) }));
    });
    req.end();
  });
}
