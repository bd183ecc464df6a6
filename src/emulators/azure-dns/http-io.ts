/** Reading a bounded JSON body and writing ARM responses. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ArmError, invalidFormat } from './arm-error.js';

/** ARM accepts bodies up to 4 MB; a record set needs far less. */
export const MAX_BODY_BYTES = 1024 * 1024;

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const tooLarge = () =>
      new ArmError(413, 'RequestEntityTooLarge', `The request body is larger than ${limit} bytes.`, undefined, { connection: 'close' });
    if (Number.isFinite(declared) && declared > limit) {
      req.resume(); // discard; the connection closes after the answer
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', (err) => reject(err));
    req.once('close', () => {
      if (!req.complete) reject(new Error('the client went away before sending the whole body'));
    });
  });
}

/** A PUT/PATCH body as JSON; ARM sends the same 400 for every way it can be unreadable. */
export function parseJsonBody(req: IncomingMessage, raw: Buffer): unknown {
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
    return JSON.parse(text) as unknown;
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
