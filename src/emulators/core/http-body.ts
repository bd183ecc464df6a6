/**
 * Reading request bodies for the emulator APIs, bounded in size, time and JSON
 * nesting, so that no client can hold a request open or make the server work
 * long: a declared oversize `Content-Length` is refused before any byte is read,
 * a body that stalls is refused after `timeoutMs`, and JSON nested deeper than
 * `maxJsonDepth` is refused by a linear scan before `JSON.parse` builds anything.
 *
 * Failures are `BodyError`s shaped like the body-parser errors Express front
 * ends already map (`status`, `type`), so each API answers them in its own
 * error envelope. The caller should close the connection after answering one
 * (`closeConnection`): the rest of the body may still be on its way.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

export interface HttpLimits {
  /** Largest body read, in bytes. */
  maxBodyBytes: number;
  /** The whole body must arrive within this long after the handler starts reading it. */
  bodyTimeoutMs: number;
  /** Deepest JSON nesting (objects and arrays) accepted. */
  maxJsonDepth: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  maxBodyBytes: 1024 * 1024,
  bodyTimeoutMs: 5_000,
  // Json.NET's default MaxDepth (ARM); far deeper than any DNS API body (a Cloud DNS change is 4 levels).
  maxJsonDepth: 64,
};

export type BodyErrorType =
  | 'entity.too.large'
  | 'entity.too.deep'
  | 'request.timeout'
  | 'request.aborted'
  | 'entity.parse.failed'
  | 'charset.unsupported'
  | 'encoding.unsupported';

export class BodyError extends Error {
  /** Set for `entity.too.large`: the limit that was exceeded. */
  readonly limit?: number;
  constructor(
    readonly status: number,
    readonly type: BodyErrorType,
    message: string,
    limit?: number,
  ) {
    super(message);
    this.name = 'BodyError';
    if (limit !== undefined) this.limit = limit;
  }
}

export const bodyTooLarge = (limit: number, declared?: number): BodyError =>
  new BodyError(
    413,
    'entity.too.large',
    declared === undefined
      ? `The request body is larger than ${limit} bytes.`
      : `The request body (Content-Length ${declared}) is larger than ${limit} bytes.`,
    limit,
  );

/** Does the request carry a body at all (RFC 9112 §6.3: Transfer-Encoding, or a Content-Length, even 0), as type-is decides? */
export function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && !Number.isNaN(Number(length)));
}

/** Answer this request, then close the connection (the unread rest of a refused body must not be parsed as a request). */
export function closeConnection(res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('Connection', 'close');
}

/** The whole body, or a BodyError: 413 for a declared or actual oversize body, 408 when it stalls. */
export function readBody(req: IncomingMessage, limits: Pick<HttpLimits, 'maxBodyBytes' | 'bodyTimeoutMs'>): Promise<Buffer> {
  const { maxBodyBytes, bodyTimeoutMs } = limits;
  return new Promise((resolve, reject) => {
    const declaredText = req.headers['content-length'];
    const declared = declaredText === undefined ? undefined : Number(declaredText);
    if (declared !== undefined && Number.isFinite(declared) && declared > maxBodyBytes) {
      reject(bodyTooLarge(maxBodyBytes, declared));
      return;
    }
    if (req.complete || req.readableEnded) {
      resolve(Buffer.alloc(0));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (err: BodyError | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (err) {
        req.pause();
        reject(err);
      } else resolve(Buffer.concat(chunks, size));
    };
    const timer = setTimeout(
      () =>
        finish(
          new BodyError(408, 'request.timeout', `The request body did not arrive within ${bodyTimeoutMs} ms (${size} bytes received).`),
        ),
      bodyTimeoutMs,
    );
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) return finish(bodyTooLarge(maxBodyBytes));
      chunks.push(chunk);
    };
    const onEnd = () => finish(undefined);
    const onError = () => finish(new BodyError(400, 'request.aborted', 'The request was aborted before its body was complete.'));
    const onClose = () => {
      if (!req.complete) onError();
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * The body without its Content-Encoding (gzip, deflate, br, as body-parser takes),
 * decoded to at most `maxBodyBytes`: a small bomb cannot inflate past the limit.
 */
export function decodeBody(req: IncomingMessage, raw: Buffer, maxBodyBytes: number): Buffer {
  const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  const decode = { gzip: gunzipSync, 'x-gzip': gunzipSync, deflate: inflateSync, br: brotliDecompressSync }[encoding];
  if (encoding === 'identity') return raw;
  if (!decode) throw new BodyError(415, 'encoding.unsupported', `The content encoding "${encoding}" is not supported.`);
  try {
    return decode(raw, { maxOutputLength: maxBodyBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw bodyTooLarge(maxBodyBytes);
    throw new BodyError(400, 'entity.parse.failed', `The ${encoding} body cannot be decoded: ${(err as Error).message}`);
  }
}

/** The body as UTF-8 text; other charsets are refused (415), as body-parser does. */
export function bodyText(req: IncomingMessage, raw: Buffer): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(String(req.headers['content-type'] ?? ''))?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    throw new BodyError(415, 'charset.unsupported', `The charset "${charset.toUpperCase()}" is not supported; send UTF-8.`);
  }
  return raw.toString('utf8').replace(/^\uFEFF/, '');
}

/**
 * How deep `text` nests, if it is deeper than `maxDepth` (else undefined): one pass,
 * skipping strings, before `JSON.parse` (whose cost, and that of every walk of
 * the result, grows with the depth).
 */
export function jsonDepthExceeded(text: string, maxDepth: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i += 1;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth += 1;
      if (depth > maxDepth) return depth;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth -= 1;
  }
  return undefined;
}

/** JSON.parse after the depth check: BodyError `entity.too.deep` or `entity.parse.failed` (400) otherwise. */
export function parseJsonBounded(text: string, maxJsonDepth: number): unknown {
  const deep = jsonDepthExceeded(text, maxJsonDepth);
  if (deep !== undefined) {
    throw new BodyError(
      400,
      'entity.too.deep',
      `Message too deep: the JSON nests deeper than ${maxJsonDepth} levels of objects and arrays.`,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new BodyError(400, 'entity.parse.failed', (err as Error).message);
  }
}

type Next = (err?: unknown) => void;

/**
 * Express-style middleware: reads the body within the limits and sets `req.body`
 * (`undefined` when the request has none). `json`: parsed with the depth bound,
 * an empty body reads as `{}` (as body-parser's non-strict JSON does); `text`: the
 * UTF-8 text. Errors go to `next` as BodyError, with the connection marked to close.
 */
export function boundedBody(as: 'json' | 'text', limits: HttpLimits) {
  return (req: IncomingMessage & { body?: unknown }, res: ServerResponse, next: Next): void => {
    if (!hasBody(req)) {
      req.body = undefined;
      next();
      return;
    }
    readBody(req, limits).then(
      (raw) => {
        try {
          const text = bodyText(req, decodeBody(req, raw, limits.maxBodyBytes));
          req.body = as === 'text' ? text : text.trim() === '' ? {} : parseJsonBounded(text, limits.maxJsonDepth);
          next();
        } catch (err) {
          next(err);
        }
      },
      (err: unknown) => {
        if (err instanceof BodyError && err.type !== 'request.aborted') closeConnection(res);
        next(err);
      },
    );
  };
}
