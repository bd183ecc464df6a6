/** Reading a bounded JSON body and writing ARM responses. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyError, DEFAULT_HTTP_LIMITS, parseJsonBounded, readBody as readBoundedBody, type HttpLimits } from '../core/http-body.js';
import { ArmError, invalidFormat } from './arm-error.js';

/** ARM accepts bodies up to 4 MB; a record set needs far less. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** The body within the size and time limits; refusals in ARM's envelope, with the connection closed after the answer. */
export async function readBody(req: IncomingMessage, limits: Partial<HttpLimits> = {}): Promise<Buffer> {
  const { maxBodyBytes, bodyTimeoutMs } = { ...DEFAULT_HTTP_LIMITS, maxBodyBytes: MAX_BODY_BYTES, ...limits };
  try {
    return await readBoundedBody(req, { maxBodyBytes, bodyTimeoutMs });
  } catch (err) {
    if (!(err instanceof BodyError)) throw err;
    const close = { connection: 'close' };
    if (err.type === 'entity.too.large') throw new ArmError(413, 'RequestEntityTooLarge', err.message, undefined, close);
    if (err.type === 'request.timeout') throw new ArmError(408, 'RequestTimeout', err.message, undefined, close);
    throw new Error('the client went away before sending the whole body');
  }
}

/** A PUT/PATCH body as JSON; ARM sends the same 400 for every way it can be unreadable. */
export function parseJsonBody(req: IncomingMessage, raw: Buffer, maxJsonDepth = DEFAULT_HTTP_LIMITS.maxJsonDepth): unknown {
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (!/^application\/(?:[\w.+-]+\+)?json\b/.test(type)) {
    throw new ArmError(
      415,
      'UnsupportedMediaType',
      `The content media type '${type || '(none)'}' is not supported; send 'application/json'.`,
    );
  }
  const text = raw.toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim().length === 0) throw invalidFormat('The request body is required.', 'body');
  try {
    return parseJsonBounded(text, maxJsonDepth);
  } catch (err) {
    throw invalidFormat(`The request content was invalid and could not be deserialized: ${(err as Error).message}`, 'body');
  }
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
  const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
  const client = req.headers['x-ms-client-request-id'];
  res.writeHead(reply.status, {
    ...(payload ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    'content-length': Buffer.byteLength(payload),
    'x-ms-request-id': randomUUID(),
    'x-ms-correlation-request-id': typeof client === 'string' ? client : randomUUID(),
    ...reply.headers,
  });
  res.end(payload);
}
