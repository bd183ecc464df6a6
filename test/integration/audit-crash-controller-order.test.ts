/**
 * Why a kill -9 can lose only what nobody was told: the controller API binds
 * the audit log ahead of every other listener of the controller's events, so
 * a write or an override is on disk before the controller's own log line, the
 * event stream, /events or the HTTP answer carry it. Checked on the real
 * server over a controller with the real adapters and the emulators.
 */
import * as fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControllerApi, type RunningControllerApi } from '../../apps/controller/server.js';
import type { Controller } from '../../src/controller/controller.js';
import type { ControllerEvent } from '../../src/observability/events.js';
import { AuditLog, type AuditIo } from '../../src/observability/audit-log.js';
import { silentLogger } from '../../src/observability/logger.js';
import { CLOUD_HOSTS, startTopology, type Topology } from './controller-topology.js';

const TOKEN = 'order-test-admin-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'audit-order-'));
const auditPath = join(dir, 'audit.jsonl');

let topo: Topology;
let controller: Controller;
let audit: AuditLog;
let api: RunningControllerApi;
/** Event ids a listener registered before the API (like the controller's own logger) has seen. */
const seenByEarlierListener = new Set<number>();
/** At each append: was the event already seen by someone else? */
const appends: { eventId: number; kind: string; seenBefore: boolean }[] = [];

/** The real file operations, with a look at who has seen the event at the moment its line is written. */
const io = {
  ...fs,
  writeSync: ((fd: number, buffer: Buffer) => {
    const record = JSON.parse(buffer.toString('utf8')) as { eventId?: number; kind: string };
    if (record.eventId !== undefined)
      appends.push({ eventId: record.eventId, kind: record.kind, seenBefore: seenByEarlierListener.has(record.eventId) });
    return fs.writeSync(fd, buffer);
  }) as typeof fs.writeSync,
} as AuditIo;

beforeAll(async () => {
  topo = await startTopology();
  controller = topo.controller().controller;
  controller.events.on('event', (e: ControllerEvent) => seenByEarlierListener.add(e.id));
  audit = AuditLog.open(auditPath, { io });
  api = await startControllerApi({ controller, logger: silentLogger(), adminToken: TOKEN, host: '127.0.0.1', port: 0, auditLog: audit });
  await controller.start();
});

afterAll(async () => {
  await controller?.stop();
  await api?.close();
  audit?.close();
  await topo?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function fileEventIds(): Set<number> {
  return new Set(
    readFileSync(auditPath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { eventId: number }).eventId),
  );
}

describe('the audit log comes first', () => {
  it('writes each audited event before any other listener, the stream, /events or the HTTP answer sees it', async () => {
    // The stream: whenever it delivers an audited event, the line is already in the file.
    const onStreamNotInFile: number[] = [];
    let streamed = 0;
    const abort = new AbortController();
    const res = await fetch(`${api.url}/events/stream`, { signal: abort.signal });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let buffered = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
        if (done) return;
        buffered += decoder.decode(value, { stream: true });
        for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
          const data = /^data: (.*)$/m.exec(buffered.slice(0, end))?.[1];
          buffered = buffered.slice(end + 2);
          if (data === undefined || data.startsWith('{"bootId"')) continue;
          const e = JSON.parse(data) as ControllerEvent;
          streamed += 1;
          if ((e.type === 'write' || e.type === 'override' || e.type === 'provider-sync') && !fileEventIds().has(e.id))
            onStreamNotInFile.push(e.id);
        }
      }
    })();

    await topo.servedEverywhere(CLOUD_HOSTS.aws);
    const drained = await fetch(`${api.url}/overrides/drain`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ cloud: 'gcp', reason: 'order test' }),
    });
    expect(drained.status).toBe(200);
    const override = ((await drained.json()) as { event: { id: number } }).event;
    expect(fileEventIds().has(override.id)).toBe(true);

    await topo.services.aws.setChaos('down');
    await topo.servedEverywhere(CLOUD_HOSTS.azure);
    await controller.idle();
    const listed = ((await (await fetch(`${api.url}/events`)).json()) as { events: ControllerEvent[] }).events;
    const inFile = fileEventIds();
    for (const e of listed.filter((x) => x.type === 'write' || x.type === 'override'))
      expect(inFile.has(e.id), `${e.type} ${e.id}`).toBe(true);

    await new Promise((r) => setTimeout(r, 100));
    abort.abort();
    await reading;

    expect(appends.map((a) => a.kind)).toEqual(expect.arrayContaining(['write', 'override']));
    expect(appends.filter((a) => a.kind === 'write')).toHaveLength(2);
    expect(appends.filter((a) => a.seenBefore)).toEqual([]);
    expect(streamed).toBeGreaterThan(appends.length);
    expect(onStreamNotInFile).toEqual([]);
  });
});
