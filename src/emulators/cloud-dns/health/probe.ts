/**
 * One health probe of an external endpoint (the I/O edge): HTTP and HTTPS pass
 * on a 200 answer (and the expected `response` text, if set) within the timeout,
 * as Compute health checks do; HTTPS does not verify the certificate (Compute's
 * probers do not either); TCP passes when the connection opens (and, with a
 * `request`/`response` pair, when the answer starts with `response`).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import type { HealthCheckResource } from '../health-checks/health-check.js';

export interface ProbeTarget {
  readonly address: string;
  readonly check: HealthCheckResource;
  readonly timeoutMs: number;
}

export type Probe = (target: ProbeTarget) => Promise<boolean>;

function httpProbe(t: ProbeTarget): Promise<boolean> {
  const settings = t.check.type === 'HTTPS' ? t.check.httpsHealthCheck : t.check.httpHealthCheck;
  const send = t.check.type === 'HTTPS' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(
      {
        host: t.address,
        port: settings?.port,
        path: settings?.requestPath ?? '/',
        method: 'GET',
        headers: { host: settings?.host ?? t.address, 'user-agent': 'GoogleHC/1.0', connection: 'close' },
        timeout: t.timeoutMs,
        rejectUnauthorized: false,
        agent: false,
      },
      (res) => {
        const want = settings?.response;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (want !== undefined && body.length < 1024) body += chunk;
        });
        res.on('end', () => resolve(res.statusCode === 200 && (want === undefined || body.includes(want))));
        res.on('error', () => resolve(false));
      },
    );
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

function tcpProbe(t: ProbeTarget): Promise<boolean> {
  const settings = t.check.tcpHealthCheck;
  return new Promise((resolve) => {
    const socket = connect({ host: t.address, port: settings?.port ?? 80, timeout: t.timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.on('timeout', () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => {
      if (settings?.response === undefined) return done(true);
      if (settings.request !== undefined) socket.write(settings.request);
      let got = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        got += chunk;
        if (got.length >= settings.response!.length) done(got.startsWith(settings.response!));
      });
      socket.on('end', () => done(got.startsWith(settings.response!)));
    });
  });
}

export const probeEndpoint: Probe = (t) => (t.check.type === 'TCP' ? tcpProbe(t) : httpProbe(t));
