import * as fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditHandler } from '../../apps/controller/observability-routes.js';
import { EventLog } from '../../src/observability/events.js';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { AuditLog, AuditLogError, auditEntryOf, bindAuditLog, readAuditLog, type AuditIo } from '../../src/observability/audit-log.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'audit-'));
  file = join(dir, 'nested', 'audit.jsonl');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const entry = (n: number) => ({
  kind: 'write',
  actor: 'controller',
  reason: `write ${n}`,
  service: 'app.example.test.',
  generation: n,
  before: ['192.0.2.1'],
  after: ['192.0.2.2'],
  providers: [{ provider: 'route53', result: 'ok', latencyMs: 12 }],
});

/** The real fs, recording the calls that matter for durability. */
function recordingIo(calls: string[]): AuditIo {
  return {
    ...fs,
    writeSync: ((fd: number, buf: Buffer) => {
      calls.push(`write ${buf.toString('utf8')}`);
      return fs.writeSync(fd, buf);
    }) as AuditIo['writeSync'],
    fdatasyncSync: (fd: number) => {
      calls.push('fdatasync');
      fs.fdatasyncSync(fd);
    },
  };
}

describe('audit log', () => {
  it('appends one JSON line per record, creating the directory, with seq and time stamped', async () => {
    const log = AuditLog.open(file);
    const first = log.append({ ...entry(1), time: '2025-10-20T07:00:00.000Z' });
    const second = log.append(entry(2));
    log.close();
    expect(first).toMatchObject({ seq: 1, time: '2025-10-20T07:00:00.000Z', kind: 'write', generation: 1 });
    expect(second.seq).toBe(2);
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0] as string)).toEqual({ seq: 1, time: '2025-10-20T07:00:00.000Z', ...entry(1) });
    expect(JSON.parse(lines[1] as string).reason).toBe('write 2');
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
  });

  it('writes each whole line in one write call, then fdatasyncs, before append returns', () => {
    const calls: string[] = [];
    const log = AuditLog.open(file, { io: recordingIo(calls) });
    log.append(entry(1));
    calls.push('returned');
    log.append(entry(2));
    calls.push('returned');
    log.close();
    expect(calls.map((c) => c.split(' ')[0])).toEqual(['write', 'fdatasync', 'returned', 'write', 'fdatasync', 'returned']);
    expect(calls[0]?.endsWith('\n')).toBe(true);
    expect(JSON.parse((calls[0] as string).slice('write '.length)).seq).toBe(1);
  });

  it('refuses to report a short write as recorded', () => {
    const io: AuditIo = { ...fs, writeSync: ((fd: number, buf: Buffer) => fs.writeSync(fd, buf.subarray(0, 10))) as AuditIo['writeSync'] };
    const log = AuditLog.open(file, { io });
    expect(() => log.append(entry(1))).toThrow(AuditLogError);
    expect(log.lastSeq).toBe(0);
    log.close();
  });

  it('continues seq across restarts', async () => {
    const a = AuditLog.open(file);
    a.append(entry(1));
    a.append(entry(2));
    a.close();
    const b = AuditLog.open(file);
    expect(b.recovery).toEqual({ partialBytes: 0, lastSeq: 2 });
    expect(b.append(entry(3)).seq).toBe(3);
    b.close();
    const { records } = await readAuditLog(file);
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3]);
  });

  it('moves a partial last line (a crash mid-write) aside at open and keeps the file valid JSON lines', async () => {
    const a = AuditLog.open(file);
    a.append(entry(1));
    a.append(entry(2));
    a.close();
    const fragment = '{"seq":3,"time":"2025-10-20T07:00:0';
    appendFileSync(file, fragment);

    const before = await readAuditLog(file);
    expect(before.partialTailBytes).toBe(fragment.length);
    expect(before.records.map((r) => r.seq)).toEqual([1, 2]);
    expect(before.problems).toEqual([]);

    const warnings: unknown[] = [];
    const b = AuditLog.open(file, { logger: { warn: (obj: unknown) => warnings.push(obj), error: () => {}, info: () => {} } as never });
    expect(b.recovery).toEqual({ partialBytes: fragment.length, lastSeq: 2 });
    expect(warnings).toHaveLength(1);
    expect(readFileSync(`${file}.partial`, 'utf8')).toBe(`${fragment}\n`);
    expect(b.append(entry(3)).seq).toBe(3);
    b.close();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).seq)).toEqual([1, 2, 3]);
  });

  it('repairs a file that holds only a partial line', () => {
    fs.mkdirSync(join(dir, 'nested'));
    writeFileSync(file, '{"seq":1,"ti');
    const log = AuditLog.open(file);
    expect(log.recovery).toEqual({ partialBytes: 12, lastSeq: 0 });
    expect(readFileSync(file, 'utf8')).toBe('');
    log.close();
  });

  it('reads with since (seq or ISO time) and limit, reporting lines that are not records', async () => {
    const log = AuditLog.open(file);
    for (let n = 1; n <= 5; n += 1) log.append({ ...entry(n), time: `2025-10-20T07:00:0${n}.000Z` });
    log.close();
    appendFileSync(file, 'not json\n{"hello":1}\n');
    const bySeq = await readAuditLog(file, { since: 3 });
    expect(bySeq.records.map((r) => r.seq)).toEqual([4, 5]);
    expect(bySeq.problems.map((p) => p.line)).toEqual([6, 7]);
    const byTime = await readAuditLog(file, { since: '2025-10-20T07:00:02Z' });
    expect(byTime.records.map((r) => r.seq)).toEqual([3, 4, 5]);
    const newest = await readAuditLog(file, { limit: 2 });
    expect(newest.records.map((r) => r.seq)).toEqual([4, 5]);
    await expect(readAuditLog(file, { since: 'yesterday' })).rejects.toThrow(/ISO 8601/);
    expect(await readAuditLog(join(dir, 'missing.jsonl'))).toEqual({ records: [], problems: [], partialTailBytes: 0 });
  });

  it('records audited controller events durably as they are recorded, and nothing else', async () => {
    let now = Date.parse('2025-10-20T07:00:00Z');
    const events = new EventLog({ clock: { now: () => now } });
    const log = AuditLog.open(file);
    bindAuditLog(events, log);
    events.record({ type: 'verdict', targetId: 'aws', before: 'up', after: 'down', reason: 'quorum' });
    const write = events.record({
      type: 'write',
      service: 'app.example.test.',
      generation: 7,
      status: 'partial',
      before: ['192.0.2.1'],
      after: ['192.0.2.2'],
      providers: [
        { provider: 'route53', result: 'out-of-sync', apiCalls: 6, changes: 0, detail: 'unavailable' },
        { provider: 'azure', result: 'ok', apiCalls: 2, changes: 2, latencyMs: 40 },
      ],
      reason: 'aws down',
    });
    // Durable by the time record() returned: read the file right away.
    const onDisk = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(onDisk).toHaveLength(1);
    expect(JSON.parse(onDisk[0] as string)).toEqual({
      seq: 1,
      time: write.time,
      actor: 'controller',
      reason: 'aws down',
      eventId: write.id,
      kind: 'write',
      service: 'app.example.test.',
      generation: 7,
      before: ['192.0.2.1'],
      after: ['192.0.2.2'],
      providers: [
        { provider: 'route53', result: 'out-of-sync', apiCalls: 6, changes: 0, detail: 'unavailable' },
        { provider: 'azure', result: 'ok', apiCalls: 2, changes: 2, latencyMs: 40 },
      ],
      detail: { status: 'partial' },
    });
    now += 1000;
    events.record({
      type: 'override',
      action: 'pin',
      operator: 'alice',
      service: 'app.example.test.',
      targetId: 'gcp',
      actor: 'operator',
      reason: 'maintenance window',
    });
    log.close();
    const { records } = await readAuditLog(file);
    expect(records[1]).toMatchObject({
      seq: 2,
      kind: 'override',
      actor: 'operator',
      operator: 'alice',
      reason: 'maintenance window',
      service: 'app.example.test.',
      detail: { action: 'pin', targetId: 'gcp' },
    });
  });

  it('maps each audited event type and skips the chatty ones', () => {
    const base = { id: 1, at: 0, time: '2025-10-20T07:00:00.000Z', actor: 'controller' as const, reason: 'r' };
    expect(
      auditEntryOf({
        ...base,
        type: 'drift',
        provider: 'azure',
        name: 'app.example.test.',
        service: 'app.example.test.',
        expected: ['192.0.2.2'],
        found: ['203.0.113.9'],
        repaired: false,
      }),
    ).toMatchObject({
      kind: 'drift',
      before: ['192.0.2.2'],
      after: ['203.0.113.9'],
      detail: { provider: 'azure', repaired: false },
    });
    expect(auditEntryOf({ ...base, type: 'fail-open', service: 's', addresses: ['192.0.2.1'], active: true })).toMatchObject({
      kind: 'fail-open',
      after: ['192.0.2.1'],
      detail: { active: true },
    });
    expect(
      auditEntryOf({ ...base, type: 'conflict', service: 's', generation: 3, kind: 'superseded', names: ['s.'], provider: 'route53' }),
    ).toMatchObject({ kind: 'conflict', generation: 3, detail: { conflict: 'superseded' } });
    expect(auditEntryOf({ ...base, type: 'provider-sync', provider: 'route53', before: 'in-sync', after: 'out-of-sync' })).toMatchObject({
      kind: 'provider-sync',
      before: 'in-sync',
      after: 'out-of-sync',
    });
    expect(
      auditEntryOf({ ...base, type: 'probe-state', targetId: 'aws', vantageId: 'vp-1', before: 'up', after: 'suspect' }),
    ).toBeUndefined();
    expect(
      auditEntryOf({ ...base, type: 'verify', service: 's', generation: 1, expected: [], allOk: true, providers: [] }),
    ).toBeUndefined();
  });

  it('says which file it cannot open', () => {
    writeFileSync(join(dir, 'blocker'), 'a file, not a directory');
    expect(() => AuditLog.open(join(dir, 'blocker', 'audit.jsonl'))).toThrow(/cannot open the audit log .*blocker.*audit\.jsonl/);
  });

  it('serves the durable history over HTTP with since and limit', async () => {
    const log = AuditLog.open(file);
    for (let n = 1; n <= 4; n += 1) log.append({ ...entry(n), time: `2025-10-20T07:00:0${n}.000Z` });
    log.close();
    const app = express();
    app.get('/audit', auditHandler(file));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const bySeq = (await (await fetch(`${base}/audit?since=2`)).json()) as { records: { seq: number }[] };
      expect(bySeq.records.map((r) => r.seq)).toEqual([3, 4]);
      const byTime = (await (await fetch(`${base}/audit?since=2025-10-20T07:00:03Z&limit=5`)).json()) as { records: { seq: number }[] };
      expect(byTime.records.map((r) => r.seq)).toEqual([4]);
      const newest = (await (await fetch(`${base}/audit?limit=1`)).json()) as { records: { seq: number }[] };
      expect(newest.records.map((r) => r.seq)).toEqual([4]);
      const bad = await fetch(`${base}/audit?since=last-tuesday`);
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ error: 'bad-request', message: expect.stringMatching(/ISO 8601/) });
      expect((await fetch(`${base}/audit?limit=0`)).status).toBe(400);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
