/**
 * One probe of an endpoint, as a Route 53 checker makes it (Developer Guide,
 * "How Amazon Route 53 determines whether a health check is healthy"): HTTP and
 * HTTPS are healthy on a 2xx or 3xx status, TCP on an established connection.
 * The text of each result follows the service's status reports.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';

export interface ProbeTarget {
  readonly type: 'HTTP' | 'HTTPS' | 'TCP';
  /** IP address or host name to connect to. */
  readonly host: string;
  readonly port: number;
  /** HTTP(S) only: path and query, starting with '/'. */
  readonly path: string;
  /** Host header / SNI name when the check names a domain. */
  readonly hostHeader?: string;
  readonly timeoutMs: number;
}

export interface ProbeResult {
  readonly ok: boolean;
  /** e.g. "Success: HTTP Status Code 200, OK" or "Failure: Connection refused ...". */
  readonly report: string;
}

function failure(err: NodeJS.ErrnoException): ProbeResult {
  if (err.code === 'ECONNREFUSED') return { ok: false, report: 'Failure: Connection refused. The endpoint refused the connection.' };
  if (err.code === 'ETIMEDOUT' || err.name === 'TimeoutError')
    return {
      ok: false,
      report:
        'Failure: Connection timed out. The endpoint or the internet connection is down, or requests are being blocked by your firewall.',
    };
  return { ok: false, report: `Failure: ${err.code ?? err.message}` };
}

function probeTcp(t: ProbeTarget): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: t.host, port: t.port });
    const done = (r: ProbeResult) => {
      socket.destroy();
      resolve(r);
    };
    socket.setTimeout(t.timeoutMs, () => done(failure(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }))));
    socket.once('connect', () => done({ ok: true, report: 'Success: TCP connection established' }));
    socket.once('error', (err) => done(failure(err)));
  });
}

function probeHttp(t: ProbeTarget): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const send = t.type === 'HTTPS' ? httpsRequest : httpRequest;
    const req = send({
      host: t.host,
      port: t.port,
      path: t.path,
      method: 'GET',
      headers: { host: t.hostHeader ?? t.host, 'user-agent': 'Amazon-Route53-Health-Check-Service (emulated)' },
      // Route 53's checkers do not validate certificates.
      rejectUnauthorized: false,
      ...(t.hostHeader ? { servername: t.hostHeader } : {}),
      agent: false,
    });
    req.setTimeout(t.timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.once('response', (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      const text = `HTTP Status Code ${status}, ${res.statusMessage ?? ''}`.trim();
      resolve(status >= 200 && status < 400 ? { ok: true, report: `Success: ${text}` } : { ok: false, report: `Failure: ${text}` });
      req.destroy();
    });
    req.once('error', (err) => resolve(failure(err)));
    req.end();
  });
}

export function probe(t: ProbeTarget): Promise<ProbeResult> {
  return t.type === 'TCP' ? probeTcp(t) : probeHttp(t);
}
