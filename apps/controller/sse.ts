/**
 * Server-Sent Events for the dashboard: GET /events/stream.
 *
 * - Each message is one controller event: `id: <boot>.<n>` and `data: <json>`
 *   (no `event:` field, so EventSource.onmessage sees them all). The `<boot>`
 *   part changes with every controller process, whose event ids restart at 1.
 * - Resume: EventSource resends the last id it saw as Last-Event-ID when it
 *   reconnects (a `?since=` query does the same for a first connect). Events
 *   after it are replayed from the history; an id from another process, or one
 *   older than the history, replays everything kept and says so in `hello`.
 * - The first message is `event: hello` with the boot id, the last event id and
 *   whether the replay is complete, so a client knows to re-fetch /status.
 * - Heartbeat comments keep proxies and the browser from timing out an idle stream.
 * - A client that stops reading is dropped once too much is buffered for it;
 *   it reconnects and resumes from its Last-Event-ID.
 * - close() ends every stream (for shutdown: server.close() waits for open connections).
 */
import { randomBytes } from 'node:crypto';
import type { RequestHandler, Response } from 'express';

/** What the hub streams: anything with an increasing numeric id. */
export interface StreamEvent {
  readonly id: number;
}

export interface EventHistory<E extends StreamEvent> {
  /** Kept events with id > sinceId, oldest first. */
  since(sinceId: number): readonly E[];
  /** The newest id given out (0 before any event). */
  readonly lastId: number;
}

interface EventSourceLike<E> {
  on(event: 'event', listener: (e: E) => void): unknown;
  off(event: 'event', listener: (e: E) => void): unknown;
}

export interface SseOptions<E extends StreamEvent> {
  readonly history: EventHistory<E>;
  readonly heartbeatMs?: number;
  /** What the browser waits before reconnecting. */
  readonly retryMs?: number;
  /** Bytes buffered for one slow client before it is dropped. */
  readonly maxBufferedBytes?: number;
  /** Fixed boot id (tests); random per process by default. */
  readonly bootId?: string;
}

export const DEFAULT_HEARTBEAT_MS = 15_000;
const DEFAULT_RETRY_MS = 2_000;
const DEFAULT_MAX_BUFFERED = 1 << 20;

/** Where a client resumes: the numeric id after which it needs events (0: all kept ones), and whether that loses nothing. */
export function resumePoint(lastEventId: string | undefined, bootId: string, lastId: number): { after: number; complete: boolean } {
  if (lastEventId === undefined || lastEventId === '') return { after: 0, complete: true };
  const m = /^(?:([A-Za-z0-9]+)\.)?(\d+)$/.exec(lastEventId.trim());
  if (m === null) return { after: 0, complete: false };
  const [, boot, n] = m;
  const after = Number(n);
  // Another process's id (or a number beyond ours, from before a restart): replay what we have.
  if ((boot !== undefined && boot !== bootId) || after > lastId) return { after: 0, complete: false };
  return { after, complete: true };
}

export class SseHub<E extends StreamEvent> {
  readonly bootId: string;
  readonly #history: EventHistory<E>;
  readonly #clients = new Set<Response>();
  readonly #heartbeatMs: number;
  readonly #retryMs: number;
  readonly #maxBuffered: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  constructor(options: SseOptions<E>) {
    this.#history = options.history;
    this.#heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
    this.#retryMs = options.retryMs ?? DEFAULT_RETRY_MS;
    this.#maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED;
    this.bootId = options.bootId ?? randomBytes(4).toString('hex');
  }

  get clients(): number {
    return this.#clients.size;
  }

  /** The Express handler for GET /events/stream. */
  readonly handler: RequestHandler = (req, res) => {
    if (this.#closed) {
      res.status(503).json({ error: 'shutting-down', message: 'the controller is shutting down' });
      return;
    }
    const given = req.get('last-event-id') ?? (typeof req.query.since === 'string' ? req.query.since : undefined);
    const { after, complete } = resumePoint(given, this.bootId, this.#history.lastId);
    res.status(200);
    res.set({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx would otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    req.socket.setNoDelay(true);
    this.#clients.add(res);
    res.on('close', () => this.#clients.delete(res));
    const replay = this.#history.since(after);
    res.write(`retry: ${this.#retryMs}\n`);
    res.write(
      `event: hello\ndata: ${JSON.stringify({ bootId: this.bootId, lastId: this.#history.lastId, resumedAfter: after, complete, replayed: replay.length })}\n\n`,
    );
    for (const e of replay) this.#send(res, e);
    this.#startHeartbeat();
  };

  /** Send one event to every client. */
  publish(event: E): void {
    for (const res of this.#clients) this.#send(res, event);
  }

  /** Stream an emitter's `event`s; returns the unsubscribe function. */
  attach(source: EventSourceLike<E>): () => void {
    const listener = (e: E) => this.publish(e);
    source.on('event', listener);
    return () => source.off('event', listener);
  }

  /** End every stream and stop the heartbeat; later connections get 503. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const res of this.#clients) res.end();
    this.#clients.clear();
  }

  #send(res: Response, event: E): void {
    if (res.writableLength > this.#maxBuffered) {
      // It resumes from its Last-Event-ID when it reconnects.
      this.#clients.delete(res);
      res.destroy();
      return;
    }
    // JSON.stringify never emits a raw newline, so one data: line is always enough.
    res.write(`id: ${this.bootId}.${event.id}\ndata: ${JSON.stringify(event)}\n\n`);
  }

  #startHeartbeat(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      if (this.#clients.size === 0) return;
      for (const res of this.#clients) res.write(`: heartbeat ${Date.now()}\n\n`);
    }, this.#heartbeatMs);
    this.#timer.unref();
  }
}

/** An SSE hub over an event log (the controller's EventLog fits), already attached to it. */
export function createEventStream<E extends StreamEvent>(
  log: EventHistory<E> & EventSourceLike<E>,
  options: Omit<SseOptions<E>, 'history'> = {},
): { hub: SseHub<E>; detach: () => void } {
  const hub = new SseHub<E>({ ...options, history: log });
  return { hub, detach: hub.attach(log) };
}
