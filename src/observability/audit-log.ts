/**
 * The audit log: every DNS change and every manual action as one JSON line,
 * appended durably to a file.
 *
 * Durability contract: `append()` returns only after the whole line was written
 * with ONE write(2) on a file opened with O_APPEND and then fdatasync'd. It is
 * deliberately synchronous: the controller records an event, and by the time
 * `record()` returns (and anything is acknowledged to anyone) the line is on
 * disk. A crash can therefore lose only a record nobody was told about, and can
 * leave at most one partial line at the end of the file; `AuditLog.open` moves
 * such a fragment aside (to `<file>.partial`), so the file stays valid JSON
 * lines, and says so in the log.
 *
 * Records carry a `seq` that continues across restarts (read back from the last
 * record at open), so `since=<seq>` means the same thing before and after a crash.
 */
import * as nodeFs from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { EventEmitter } from 'node:events';
import type { ControllerEvent } from './events.js';
import type { Logger } from './logger.js';

/** How one provider took a write, as recorded. */
export interface AuditProviderOutcome {
  readonly provider: string;
  readonly result: string;
  readonly latencyMs?: number;
  readonly changes?: number;
  readonly apiCalls?: number;
  readonly detail?: string;
}

/** What a caller appends; the log stamps `seq` (and `time`, unless given). */
export interface AuditEntry {
  /** What happened: write, provider-write, override, conflict, fail-open, drift, provider-sync, or a caller's own kind. */
  readonly kind: string;
  /** `controller` or `operator`. */
  readonly actor: string;
  /** The person (or tool) behind an operator action, as given to the API. */
  readonly operator?: string;
  readonly reason: string;
  readonly service?: string;
  readonly generation?: number;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly providers?: readonly AuditProviderOutcome[];
  /** The controller event this record came from (ids restart with the process; `seq` does not). */
  readonly eventId?: number;
  /** Anything else the kind needs (status, action, names...). */
  readonly detail?: Readonly<Record<string, unknown>>;
  readonly time?: string;
}

export interface AuditRecord extends AuditEntry {
  readonly seq: number;
  readonly time: string;
}

/** The file operations the log uses; tests pass a recording wrapper to see the write → fdatasync order. */
export type AuditIo = Pick<
  typeof nodeFs,
  | 'openSync'
  | 'writeSync'
  | 'fdatasyncSync'
  | 'fsyncSync'
  | 'closeSync'
  | 'fstatSync'
  | 'readSync'
  | 'ftruncateSync'
  | 'appendFileSync'
  | 'mkdirSync'
>;

export class AuditLogError extends Error {
  override readonly name = 'AuditLogError';
}

export interface AuditOpenOptions {
  readonly logger?: Pick<Logger, 'warn' | 'error' | 'info'>;
  readonly io?: AuditIo;
}

/** What open() found at the end of an existing file. */
export interface AuditRecovery {
  /** Bytes of a partial last line moved to `<file>.partial` (0 when the file ended cleanly). */
  readonly partialBytes: number;
  /** The seq of the last complete record, 0 for a new file. */
  readonly lastSeq: number;
}

const TAIL_CHUNK = 64 * 1024;

/** Read backwards from `end` to find the offset just after the last '\n' before it (0 if none). */
function lineStartBefore(io: AuditIo, fd: number, end: number): number {
  const buf = Buffer.alloc(TAIL_CHUNK);
  let pos = end;
  while (pos > 0) {
    const len = Math.min(TAIL_CHUNK, pos);
    pos -= len;
    io.readSync(fd, buf, 0, len, pos);
    const nl = buf.subarray(0, len).lastIndexOf(0x0a);
    if (nl >= 0) return pos + nl + 1;
  }
  return 0;
}

function readRange(io: AuditIo, fd: number, start: number, end: number): Buffer {
  const buf = Buffer.alloc(end - start);
  let done = 0;
  while (done < buf.length) {
    const n = io.readSync(fd, buf, done, buf.length - done, start + done);
    if (n === 0) break;
    done += n;
  }
  return buf.subarray(0, done);
}

function seqOfLine(line: Buffer): number | undefined {
  try {
    const parsed = JSON.parse(line.toString('utf8')) as { seq?: unknown };
    return typeof parsed.seq === 'number' && Number.isInteger(parsed.seq) ? parsed.seq : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Cut a partial last line off (saving it beside the file) and find the last seq.
 * Lines that do not parse are skipped when looking for the seq (they cannot come
 * from this writer, which never writes part of a line, but a person may have
 * edited the file).
 */
function recoverTail(io: AuditIo, fd: number, path: string): AuditRecovery {
  const size = io.fstatSync(fd).size;
  let end = size;
  let partialBytes = 0;
  if (size > 0) {
    const last = readRange(io, fd, size - 1, size);
    if (last[0] !== 0x0a) {
      const start = lineStartBefore(io, fd, size);
      io.appendFileSync(`${path}.partial`, Buffer.concat([readRange(io, fd, start, size), Buffer.from('\n')]));
      io.ftruncateSync(fd, start);
      io.fsyncSync(fd);
      partialBytes = size - start;
      end = start;
    }
  }
  // Walk complete lines backwards until one carries a seq.
  while (end > 0) {
    const start = lineStartBefore(io, fd, end - 1);
    const seq = seqOfLine(readRange(io, fd, start, end - 1));
    if (seq !== undefined) return { partialBytes, lastSeq: seq };
    end = start;
  }
  return { partialBytes, lastSeq: 0 };
}

/** Make a newly created file's directory entry durable too (best effort: not every platform can fsync a directory). */
function syncDirectory(io: AuditIo, dir: string): void {
  let fd: number | undefined;
  try {
    fd = io.openSync(dir, 'r');
    io.fsyncSync(fd);
  } catch {
    /* e.g. Windows: directories cannot be opened for fsync */
  } finally {
    if (fd !== undefined) io.closeSync(fd);
  }
}

export class AuditLog {
  readonly path: string;
  readonly recovery: AuditRecovery;
  readonly #io: AuditIo;
  #fd: number | undefined;
  #seq: number;

  private constructor(path: string, fd: number, recovery: AuditRecovery, io: AuditIo) {
    this.path = path;
    this.#fd = fd;
    this.recovery = recovery;
    this.#seq = recovery.lastSeq;
    this.#io = io;
  }

  /** Open (or create) the log for appending, repairing a partial last line left by a crash. */
  static open(path: string, options: AuditOpenOptions = {}): AuditLog {
    const io = options.io ?? nodeFs;
    const dir = dirname(path);
    let fd: number;
    try {
      io.mkdirSync(dir, { recursive: true });
      const existed = nodeFs.existsSync(path);
      // 'a+': appends always go to the end (O_APPEND); reading is for the tail check only.
      fd = io.openSync(path, 'a+', 0o600);
      if (!existed) syncDirectory(io, dir);
    } catch (err) {
      throw new AuditLogError(
        `cannot open the audit log ${path}: ${(err as Error).message}; check that the directory exists and is writable, or set auditLog in the config`,
      );
    }
    const recovery = recoverTail(io, fd, path);
    if (recovery.partialBytes > 0) {
      options.logger?.warn(
        { auditLog: path, partialBytes: recovery.partialBytes, movedTo: `${path}.partial` },
        'audit log ended with a partial record (written when the process died, never acknowledged); moved it aside',
      );
    }
    return new AuditLog(path, fd, recovery, io);
  }

  get lastSeq(): number {
    return this.#seq;
  }

  /**
   * Append one record durably: one write of the whole line, then fdatasync.
   * Blocks for the sync on purpose; see the file comment.
   */
  append(entry: AuditEntry): AuditRecord {
    const fd = this.#fd;
    if (fd === undefined) throw new AuditLogError(`the audit log ${this.path} is closed`);
    const seq = this.#seq + 1;
    const record: AuditRecord = { seq, time: entry.time ?? new Date().toISOString(), ...withoutTime(entry) };
    const line = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    const written = this.#io.writeSync(fd, line);
    if (written !== line.length) {
      // A short write on a regular file means the disk is full; the partial line is cut off at the next open.
      throw new AuditLogError(`audit log ${this.path}: wrote ${written} of ${line.length} bytes (disk full?); the record was not recorded`);
    }
    this.#io.fdatasyncSync(fd);
    this.#seq = seq;
    return record;
  }

  close(): void {
    if (this.#fd === undefined) return;
    this.#io.closeSync(this.#fd);
    this.#fd = undefined;
  }
}

function withoutTime(entry: AuditEntry): Omit<AuditEntry, 'time'> {
  const { time: _time, ...rest } = entry;
  return rest;
}

/** The audit record for a controller event, or undefined for events that are not audited (probes, verdicts, decisions, verification). */
export function auditEntryOf(event: ControllerEvent): AuditEntry | undefined {
  const base = { actor: event.actor, reason: event.reason, eventId: event.id, time: event.time };
  switch (event.type) {
    case 'write':
      return {
        ...base,
        kind: 'write',
        service: event.service,
        generation: event.generation,
        before: event.before,
        after: event.after,
        providers: event.providers.map((p) => ({
          provider: p.provider,
          result: p.result,
          latencyMs: p.latencyMs,
          changes: p.changes,
          apiCalls: p.apiCalls,
          detail: p.detail,
        })),
        detail: { status: event.status },
      };
    case 'provider-write':
      // One provider's acknowledgement, appended the moment it arrives: the publish's `write` record comes once all providers answered.
      return {
        ...base,
        kind: 'provider-write',
        ...(event.services.length === 1 ? { service: event.services[0] } : {}),
        generation: event.generation,
        providers: [
          { provider: event.provider, result: 'ok', latencyMs: event.latencyMs, changes: event.changes.length, apiCalls: event.apiCalls },
        ],
        detail: { provider: event.provider, services: event.services, changes: event.changes },
      };
    case 'override':
      return {
        ...base,
        kind: 'override',
        operator: event.operator,
        service: event.service,
        detail: { action: event.action, cloud: event.cloud, targetId: event.targetId },
      };
    case 'conflict':
      return {
        ...base,
        kind: 'conflict',
        service: event.service,
        generation: event.generation,
        detail: { conflict: event.kind, provider: event.provider, names: event.names },
      };
    case 'fail-open':
      return { ...base, kind: 'fail-open', service: event.service, after: event.addresses, detail: { active: event.active } };
    case 'drift':
      return {
        ...base,
        kind: 'drift',
        service: event.service,
        before: event.expected,
        after: event.found,
        detail: { provider: event.provider, name: event.name, repaired: event.repaired },
      };
    case 'provider-sync':
      return {
        ...base,
        kind: 'provider-sync',
        service: event.service,
        generation: event.generation,
        before: event.before,
        after: event.after,
        detail: { provider: event.provider },
      };
    case 'probe-state':
    case 'verdict':
    case 'decision':
    case 'verify':
      return undefined;
  }
}

type EventSource = Pick<EventEmitter<{ event: [ControllerEvent] }>, 'on' | 'off'>;

/**
 * Append every audited controller event as it is recorded. The append is
 * synchronous, so the line is durable before EventLog.record() returns.
 */
export function bindAuditLog(events: EventSource, audit: AuditLog, logger?: Pick<Logger, 'error'>): () => void {
  const listener = (event: ControllerEvent) => {
    const entry = auditEntryOf(event);
    if (entry === undefined) return;
    try {
      audit.append(entry);
    } catch (err) {
      logger?.error(
        { err, auditLog: audit.path, eventId: event.id, type: event.type },
        'AUDIT RECORD LOST: could not append to the audit log',
      );
    }
  };
  events.on('event', listener);
  return () => events.off('event', listener);
}

export interface ReadAuditOptions {
  /** Only records after this seq (a number) or after this ISO time (a string). */
  readonly since?: number | string;
  /** At most this many records: the newest ones. */
  readonly limit?: number;
}

export interface AuditReadProblem {
  readonly line: number;
  readonly message: string;
}

export interface AuditReadResult {
  readonly records: AuditRecord[];
  /** Complete lines that did not parse as records (reported, skipped). */
  readonly problems: AuditReadProblem[];
  /** Bytes of a partial last line (a crash mid-write), ignored. 0 when the file ends cleanly. */
  readonly partialTailBytes: number;
}

function isRecord(v: unknown): v is AuditRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Partial<AuditRecord>;
  return typeof r.seq === 'number' && typeof r.time === 'string' && typeof r.kind === 'string';
}

/** Read the log, tolerating a partial last line (reported in `partialTailBytes`) and skipping lines that do not parse. */
export async function readAuditLog(path: string, options: ReadAuditOptions = {}): Promise<AuditReadResult> {
  let size: number;
  try {
    size = (await nodeFs.promises.stat(path)).size;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], problems: [], partialTailBytes: 0 };
    throw err;
  }
  if (size === 0) return { records: [], problems: [], partialTailBytes: 0 };
  const records: AuditRecord[] = [];
  const problems: AuditReadProblem[] = [];
  let partialTailBytes = 0;
  let consumed = 0;
  let lineNo = 0;
  const since = options.since;
  const sinceMs = typeof since === 'string' ? Date.parse(since) : undefined;
  if (sinceMs !== undefined && Number.isNaN(sinceMs))
    throw new AuditLogError(`since must be a seq number or an ISO 8601 time, got '${String(since)}'`);
  const lines = createInterface({ input: nodeFs.createReadStream(path, { start: 0, end: Math.max(0, size - 1) }), crlfDelay: Infinity });
  for await (const line of lines) {
    lineNo += 1;
    consumed += Buffer.byteLength(line, 'utf8') + 1;
    if (consumed > size) {
      // The last line had no newline: written when the process died, never acknowledged.
      partialTailBytes = Buffer.byteLength(line, 'utf8');
      break;
    }
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (err) {
      problems.push({ line: lineNo, message: `not JSON: ${(err as Error).message}` });
      continue;
    }
    if (!isRecord(parsed)) {
      problems.push({ line: lineNo, message: 'not an audit record (expected seq, time and kind)' });
      continue;
    }
    if (typeof since === 'number' && parsed.seq <= since) continue;
    if (sinceMs !== undefined && !(Date.parse(parsed.time) > sinceMs)) continue;
    records.push(parsed);
  }
  const limited = options.limit !== undefined && records.length > options.limit ? records.slice(records.length - options.limit) : records;
  return { records: limited, problems, partialTailBytes };
}
