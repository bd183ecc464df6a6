/**
 * One client request to the service at an address DNS gave: `GET /` on a fresh
 * connection (`agent: false`, `Connection: close`), read the `cloud` field of the
 * JSON answer. A new connection per request is the point: a pooled keep-alive
 * socket would hide a dead server, and Node 20's fetch may reuse a socket the
 * server is closing and report an error that never happened (nodejs/node#54484).
 */
import http from 'node:http';
import type { TrafficErrorKind } from './traffic-timeline.js';

/** The sample service's answer is a few hundred bytes; more than this is not it. */
const MAX_BODY_BYTES = 16 * 1024;

export type WhoAnswered =
  | { readonly ok: true; readonly status: number; readonly cloud: string }
  | { readonly ok: false; readonly error: TrafficErrorKind; readonly detail: string; readonly status?: number };

export interface WhoAnsweredRequest {
  readonly address: string;
  readonly port: number;
  /** Sent as the Host header, as a browser would after resolving the name. */
  readonly hostName: string;
  readonly path: string;
  /** One deadline for connect, headers and body. */
  readonly timeoutMs: number;
}

function networkError(err: NodeJS.ErrnoException): WhoAnswered {
  const code = err.code ?? 'ENETWORK';
  const detail = err.message.includes(code) ? err.message : `${code}: ${err.message}`;
  if (code === 'ECONNREFUSED') return { ok: false, error: 'connect-refused', detail };
  if (code === 'ECONNRESET' || code === 'EPIPE') return { ok: false, error: 'connect-reset', detail };
  return { ok: false, error: 'network', detail };
}

function judge(status: number, body: string): WhoAnswered {
  if (status >= 500) return { ok: false, error: 'http-5xx', status, detail: `status ${status}` };
  if (status >= 400) return { ok: false, error: 'http-4xx', status, detail: `status ${status}` };
  if (status < 200 || status >= 300) return { ok: false, error: 'http-other', status, detail: `status ${status}` };
  try {
    const cloud = (JSON.parse(body) as { cloud?: unknown }).cloud;
    if (typeof cloud === 'string' && cloud.length > 0) return { ok: true, status, cloud };
  } catch {
    // fall through: not JSON
  }
  return { ok: false, error: 'bad-body', status, detail: 'answer has no "cloud" field (is this the sample service?)' };
}

/** Never rejects: every way the request can end is a WhoAnswered. */
export function askWhoAnswered(req: WhoAnsweredRequest): Promise<WhoAnswered> {
  return new Promise((resolve) => {
    let settled = false;
    let res: http.IncomingMessage | undefined;
    const host = req.hostName.includes(':') ? `[${req.hostName}]` : req.hostName;
    const request = http.request({
      host: req.address,
      port: req.port,
      path: req.path,
      method: 'GET',
      agent: false,
      headers: {
        host: `${host}:${req.port}`,
        accept: 'application/json',
        connection: 'close',
        'user-agent': 'multicloud-failover-drill-traffic',
      },
    });
    const finish = (outcome: WhoAnswered) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // Destroying the socket makes the timeout real: nothing lingers after it.
      res?.destroy();
      request.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ ok: false, error: 'timeout', detail: `no answer within ${req.timeoutMs} ms` }), req.timeoutMs);
    request.on('error', (err: NodeJS.ErrnoException) => finish(networkError(err)));
    request.on('response', (response) => {
      res = response;
      const status = response.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size > MAX_BODY_BYTES) finish({ ok: false, error: 'bad-body', status, detail: `body larger than ${MAX_BODY_BYTES} bytes` });
      });
      response.on('end', () => finish(judge(status, Buffer.concat(chunks).toString('utf8'))));
      response.on('error', (err: NodeJS.ErrnoException) => finish(networkError(err)));
    });
    request.end();
  });
}
