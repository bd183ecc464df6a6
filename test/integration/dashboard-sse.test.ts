import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEventStream, resumePoint, type SseHub } from '../../apps/controller/sse.js';
import { EventLog, type ControllerEvent } from '../../src/observability/events.js';

interface Frame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
  retry?: string;
}

/** Reads an SSE response frame by frame (blank-line separated), as EventSource does. */
class FrameReader {
  readonly #reader: ReadableStreamDefaultReader<Uint8Array>;
  readonly #decoder = new TextDecoder();
  #buffer = '';
  constructor(body: ReadableStream<Uint8Array>) {
    this.#reader = body.getReader();
  }
  /** The next frame, or undefined when the stream ended. */
  async next(): Promise<Frame | undefined> {
    for (;;) {
      const end = this.#buffer.indexOf('\n\n');
      if (end >= 0) {
        const raw = this.#buffer.slice(0, end);
        this.#buffer = this.#buffer.slice(end + 2);
        const frame: Frame = {};
        for (const line of raw.split('\n')) {
          if (line.startsWith(':')) frame.comment = line.slice(1).trim();
          else {
            const i = line.indexOf(':');
            const key = line.slice(0, i) as keyof Frame;
            frame[key] = line.slice(i + 1).replace(/^ /, '');
          }
        }
        return frame;
      }
      const { done, value } = await this.#reader.read();
      if (done) return undefined;
      this.#buffer += this.#decoder.decode(value, { stream: true });
    }
  }
  /** Frames until one matches. */
  async until(pred: (f: Frame) => boolean): Promise<Frame[]> {
    const seen: Frame[] = [];
    for (;;) {
      const f = await this.next();
      if (f === undefined) throw new Error(`stream ended before the expected frame; saw ${JSON.stringify(seen)}`);
      seen.push(f);
      if (pred(f)) return seen;
    }
  }
  cancel(): Promise<void> {
    return this.#reader.cancel();
  }
}

let now = Date.parse('2025-10-20T07:00:00Z');
const log = new EventLog({ clock: { now: () => now } });
let hub: SseHub<ControllerEvent>;
let server: Server;
let base: string;

function verdict(n: number): void {
  now += 1000;
  log.record({ type: 'verdict', targetId: 'aws', before: n % 2 ? 'up' : 'down', after: n % 2 ? 'down' : 'up', reason: `change ${n}` });
}

async function connect(headers: Record<string, string> = {}, query = ''): Promise<{ res: Response; frames: FrameReader }> {
  const res = await fetch(`${base}/events/stream${query}`, { headers });
  if (res.body === null) throw new Error('no body');
  return { res, frames: new FrameReader(res.body) };
}

const dataOf = (f: Frame) => JSON.parse(f.data ?? 'null') as { id: number; reason: string };

beforeAll(async () => {
  for (let n = 1; n <= 3; n += 1) verdict(n);
  ({ hub } = createEventStream(log, { heartbeatMs: 100, bootId: 'b00t', retryMs: 1500 }));
  const app = express();
  app.get('/events/stream', hub.handler);
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  hub.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('SSE event stream', () => {
  it('greets, replays the kept history, then streams live events', async () => {
    const { res, frames } = await connect();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-cache, no-transform');
    const hello = await frames.until((f) => f.event === 'hello');
    expect(hello[0]?.retry).toBe('1500');
    expect(JSON.parse(hello.at(-1)?.data ?? '')).toEqual({ bootId: 'b00t', lastId: 3, resumedAfter: 0, complete: true, replayed: 3 });
    const replay = [await frames.next(), await frames.next(), await frames.next()];
    expect(replay.map((f) => f?.id)).toEqual(['b00t.1', 'b00t.2', 'b00t.3']);
    expect(replay.map((f) => f && dataOf(f).reason)).toEqual(['change 1', 'change 2', 'change 3']);
    verdict(4);
    const live = await frames.until((f) => f.id !== undefined);
    expect(live.at(-1)?.id).toBe('b00t.4');
    expect(dataOf(live.at(-1) as Frame)).toMatchObject({ id: 4, type: 'verdict', reason: 'change 4' });
    await frames.cancel();
  });

  it('resumes after Last-Event-ID without repeating or losing anything', async () => {
    const { frames } = await connect({ 'last-event-id': 'b00t.2' });
    const hello = await frames.until((f) => f.event === 'hello');
    expect(JSON.parse(hello.at(-1)?.data ?? '')).toMatchObject({ resumedAfter: 2, complete: true });
    const next = await frames.next();
    expect(next?.id).toBe('b00t.3');
    expect((await frames.next())?.id).toBe('b00t.4');
    await frames.cancel();
    // ?since= does the same for a first connection.
    const viaQuery = await connect({}, '?since=3');
    await viaQuery.frames.until((f) => f.event === 'hello');
    expect((await viaQuery.frames.next())?.id).toBe('b00t.4');
    await viaQuery.frames.cancel();
  });

  it('replays everything kept, and says it may have missed some, for an id from another controller process', async () => {
    const { frames } = await connect({ 'last-event-id': 'dead.99' });
    const hello = await frames.until((f) => f.event === 'hello');
    expect(JSON.parse(hello.at(-1)?.data ?? '')).toMatchObject({ resumedAfter: 0, complete: false, replayed: 4 });
    expect((await frames.next())?.id).toBe('b00t.1');
    await frames.cancel();
  });

  it('sends heartbeat comments while idle', async () => {
    const { frames } = await connect({ 'last-event-id': 'b00t.4' });
    const seen = await frames.until((f) => f.comment?.startsWith('heartbeat') === true);
    expect(seen.filter((f) => f.id !== undefined)).toEqual([]);
    await frames.cancel();
  });

  it('parses resume points strictly', () => {
    expect(resumePoint(undefined, 'b', 10)).toEqual({ after: 0, complete: true });
    expect(resumePoint('b.7', 'b', 10)).toEqual({ after: 7, complete: true });
    expect(resumePoint('7', 'b', 10)).toEqual({ after: 7, complete: true });
    expect(resumePoint('11', 'b', 10)).toEqual({ after: 0, complete: false });
    expect(resumePoint('x.7', 'b', 10)).toEqual({ after: 0, complete: false });
    expect(resumePoint('garbage', 'b', 10)).toEqual({ after: 0, complete: false });
  });

  it('ends every stream on close, and refuses new ones', async () => {
    const { frames } = await connect({ 'last-event-id': 'b00t.4' });
    await frames.until((f) => f.event === 'hello');
    expect(hub.clients).toBe(1);
    hub.close();
    // Drains what was sent, then sees the end of the stream (a hang here would time the test out).
    let frame: Frame | undefined;
    do frame = await frames.next();
    while (frame !== undefined);
    expect(hub.clients).toBe(0);
    const after = await fetch(`${base}/events/stream`);
    expect(after.status).toBe(503);
    expect(await after.json()).toMatchObject({ error: 'shutting-down' });
  });
});
