/**
 * How every answer leaves the emulator: `text/xml`, an `x-amzn-RequestId`
 * header, errors in Route 53's `ErrorResponse` envelope, and exactly one
 * fault-injector count per request (operation × outcome).
 */
import type { Response } from 'express';
import type { FaultInjector, Outcome } from '../core/faults.js';
import type { Reply } from './context.js';
import type { Route53Error } from './errors.js';
import { buildResponseXml } from './xml.js';

export interface RequestLocals {
  requestId: string;
  operation: string;
  recorded?: boolean;
}

export function locals(res: Response): RequestLocals {
  return res.locals as RequestLocals;
}

function count(res: Response, faults: FaultInjector, outcome: Outcome): void {
  const l = locals(res);
  if (l.recorded) return;
  l.recorded = true;
  faults.record(l.operation, outcome);
}

function send(res: Response, status: number, xml: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.status(status);
  res.setHeader('Content-Type', 'text/xml');
  res.setHeader('Content-Length', Buffer.byteLength(xml));
  res.end(xml);
}

export function sendReply(res: Response, faults: FaultInjector, reply: Reply): void {
  count(res, faults, 'ok');
  for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
  send(res, reply.status ?? 200, buildResponseXml(reply.root, reply.content));
}

export function sendError(res: Response, faults: FaultInjector, err: Route53Error, outcome?: Outcome): void {
  count(res, faults, outcome ?? (err.status >= 500 ? 'server_error' : 'client_error'));
  const xml = buildResponseXml('ErrorResponse', {
    Error: { Type: err.type, Code: err.code, Message: err.message },
    RequestId: locals(res).requestId,
  });
  send(res, err.status, xml);
}
