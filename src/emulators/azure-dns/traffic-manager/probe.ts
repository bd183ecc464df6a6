/**
 * One Traffic Manager health probe, the I/O edge of the engine: HTTP or HTTPS
 * GET of `path` (success when the status is in the expected ranges, 200 by
 * default), or a TCP connect. Traffic Manager ignores certificate errors on
 * HTTPS probes ("Traffic Manager endpoint monitoring": it does not validate
 * certificates), so this does too. Every probe ends within `timeoutMs`.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { ProbeResult } from './monitor-state.js';
import type { MonitorConfig } from './profile-model.js';

export interface ProbeSpec {
  readonly target: string;
  readonly monitor: MonitorConfig;
  readonly timeoutMs: number;
  /** The simulated probing location, sent the way Traffic Manager identifies its probes. */
  readonly location: string;
}

export type Prober = (spec: ProbeSpec) => Promise<ProbeResult>;

function inRanges(status: number, ranges: MonitorConfig['expectedStatusCodeRanges']): boolean {
  const list = ranges && ranges.length > 0 ? ranges : [{ min: 200, max: 200 }];
  return list.some((r) => status >= r.min && status <= r.max);
}

function tcpProbe(spec: ProbeSpec): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: spec.target, port: spec.monitor.port });
    const done = (r: ProbeResult) => {
      socket.destroy();
      resolve(r);
    };
    socket.setTimeout(spec.timeoutMs, () => done({ ok: false, error: `no TCP connection within ${spec.timeoutMs} ms` }));
    socket.once('connect', () => done({ ok: true }));
    socket.once('error', (err) => done({ ok: false, error: (err as NodeJS.ErrnoException).code ?? err.message }));
  });
}

function httpProbe(spec: ProbeSpec): Promise<ProbeResult> {
  const m = spec.monitor;
  const send = m.protocol === 'HTTPS' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const headers: Record<string, string> = {
      'user-agent': 'Azure Traffic Manager Endpoint Monitor',
      'x-emulator-probe-location': spec.location,
    };
    for (const h of m.customHeaders ?? []) headers[h.name.toLowerCase()] = h.value;
    const req = send(
      {
        host: spec.target,
        port: m.port,
        path: m.path ?? '/',
        method: 'GET',
        headers,
        agent: false,
        signal: AbortSignal.timeout(spec.timeoutMs),
        ...(m.protocol === 'HTTPS' ? { rejectUnauthorized: false } : {}),
      },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        resolve(inRanges(status, m.expectedStatusCodeRanges) ? { ok: true } : { ok: false, error: `HTTP ${status}` });
      },
    );
    req.once('error', (err) => {
      const code = (err as NodeJS.ErrnoException).code;
      resolve({
        ok: false,
        error: err.name === 'AbortError' || code === 'ABORT_ERR' ? `no answer within ${spec.timeoutMs} ms` : (code ?? err.message),
      });
    });
    req.end();
  });
}

export const probeEndpoint: Prober = (spec) => (spec.monitor.protocol === 'TCP' ? tcpProbe(spec) : httpProbe(spec));
