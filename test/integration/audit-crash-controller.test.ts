/**
 * The audit log survives a controller crash: a real `failover controller`
 * process against the emulators and three sample services (started here),
 * an operator action, then AWS goes down and the controller is killed with
 * SIGKILL the moment its event stream announces the failover write.
 *
 * Then: everything the controller acknowledged (the override's HTTP answer,
 * the write on the stream) is in the file; every write a provider took (each
 * committed change of the emulators' ownership records, with its generation
 * and answer) has its record; every line parses; and a restarted controller
 * carries the sequence on.
 *
 * Then mid-publish: Azure DNS's API is slowed, AWS comes back, and the
 * controller is killed the moment Route 53 has acknowledged the failback,
 * while Azure DNS is still answering. The publish's `write` record cannot
 * exist yet; Route 53's acknowledged write must be in the file anyway, as the
 * `provider-write` record appended when its acknowledgement arrived.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControllerEvent, ProviderWriteEvent, WriteEvent } from '../../src/observability/events.js';
import { ownershipName, parseOwnership } from '../../src/dns/ownership.js';
import { writeEndpointsFile, type EmulatorKind } from '../../src/emulators/index.js';
import { AuditLog, readAuditLog, type AuditRecord } from '../../src/observability/audit-log.js';
import { CLOUD_HOSTS, PROVIDERS, SERVICE, startTopology, type Topology } from './controller-topology.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TOKEN = 'crash-test-admin-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'audit-crash-controller-'));
const auditPath = join(dir, 'audit.jsonl');
const configPath = join(dir, 'failover.yaml');
const endpointsPath = join(dir, 'endpoints.json');
const OWNERSHIP = ownershipName(SERVICE);

let topo: Topology;
const children: ChildProcessWithoutNullStreams[] = [];
/** Every change a provider committed to the service's ownership record: what it acknowledged. */
const committed: { provider: EmulatorKind; generation: number; addresses: string[] }[] = [];

beforeAll(async () => {
  topo = await startTopology();
  await writeEndpointsFile(endpointsPath, topo.emulators.endpoints());
  // JSON is YAML: the controller reads this like any config file.
  writeFileSync(
    configPath,
    JSON.stringify({
      owner: 'crash-test',
      zone: topo.emulators.zone,
      providers: { route53: { hostedZoneId: 'replaced-by-the-endpoints-file' } },
      services: [
        {
          name: SERVICE,
          ttl: 5,
          targets: topo.config.services[0]?.targets.map((t) => ({
            id: t.id,
            cloud: t.cloud,
            address: t.address,
            healthUrl: t.healthUrl,
            priority: t.priority,
          })),
        },
      ],
      // Probe timeouts a loaded machine can meet: a healthy target that flaps would add writes this test counts exactly.
      health: { intervalMs: 500, fastIntervalMs: 400, timeoutMs: 400, rise: 2, fall: 3 },
      routing: { dwellMs: 300 },
      auditLog: auditPath,
    }),
  );
  for (const provider of PROVIDERS) {
    const store = topo.emulators[provider].store;
    const zone = store.zonesByName(topo.emulators.zone)[0];
    if (zone === undefined) throw new Error(`no zone in the ${provider} emulator`);
    let last: string | undefined;
    store.on('change', () => {
      const records = [...(store.getZone(zone.id)?.records.values() ?? [])];
      const txt = records.find((r) => r.name === OWNERSHIP && r.type === 'TXT')?.values[0];
      if (txt === undefined || txt === last) return;
      last = txt;
      const parsed = parseOwnership({ name: OWNERSHIP, type: 'TXT', ttl: 300, values: [txt] });
      if (!parsed.ok) throw new Error(`${provider}: unreadable ownership record ${txt}`);
      const a = records.find((r) => r.name === `${SERVICE}.` && r.type === 'A');
      committed.push({ provider, generation: parsed.ownership.generation, addresses: [...(a?.values ?? [])].sort() });
    });
  }
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await topo?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Controller {
  readonly child: ChildProcessWithoutNullStreams;
  readonly url: string;
  lines(): Record<string, unknown>[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startController(): Promise<Controller> {
  const child = spawn(
    process.execPath,
    ['bin/failover.js', 'controller', '--config', configPath, '--endpoints-file', endpointsPath, '--api-port', '0'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        LOG_LEVEL: 'info',
        FAILOVER_ADMIN_TOKEN: TOKEN,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        METADATA_SERVER_DETECTION: 'none',
      },
    },
  );
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const lines = () =>
    stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  // Gives up only: loading tsx and the SDKs takes seconds on a loaded machine.
  const until = Date.now() + 60_000;
  for (;;) {
    const url = lines().find((l) => l.msg === 'controller API listening')?.url;
    if (typeof url === 'string') return { child, url, lines, exited };
    if (Date.now() > until || child.exitCode !== null) throw new Error(`the controller did not start: ${stderr}${stdout}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Follow /events/stream; `onEvent` sees each controller event as the stream delivers it. */
async function follow(url: string, onEvent: (e: ControllerEvent) => void): Promise<AbortController> {
  const abort = new AbortController();
  const res = await fetch(`${url}/events/stream`, { signal: abort.signal });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffered += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const message = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          if (/^event: /m.test(message)) continue; // hello
          const data = /^data: (.*)$/m.exec(message)?.[1];
          if (data !== undefined) onEvent(JSON.parse(data) as ControllerEvent);
        }
      }
    } catch {
      /* the process was killed, or we stopped following */
    }
  })();
  return abort;
}

/** Wait for `check`; `withinMs` bounds the wait, not the speed (nothing here asserts a duration). */
async function until<T>(what: string, check: () => T | undefined, withinMs = 30_000): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const got = check();
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('audit log of a controller killed with SIGKILL mid-failover', () => {
  it('holds every acknowledged action and every write a provider took, as valid JSON lines; a restart carries on', async () => {
    const first = await startController();
    let killedOn: WriteEvent | undefined;
    const stream = await follow(first.url, (e) => {
      // kill -9 the moment the failover write is announced: it must already be on disk.
      if (killedOn === undefined && e.type === 'write' && e.after.includes(CLOUD_HOSTS.azure)) {
        first.child.kill('SIGKILL');
        killedOn = e;
      }
    });

    await topo.servedEverywhere(CLOUD_HOSTS.aws);
    // An operator action: acknowledged over HTTP only once it is in the file.
    const drained = await fetch(`${first.url}/overrides/drain`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ cloud: 'gcp', reason: 'crash test: gcp maintenance', operator: 'tester' }),
    });
    expect(drained.status).toBe(200);
    const override = ((await drained.json()) as { event: { id: number } }).event;
    const onDisk = readFileSync(auditPath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as AuditRecord);
    expect(onDisk.find((r) => r.kind === 'override' && r.eventId === override.id)).toMatchObject({
      actor: 'operator',
      operator: 'tester',
      detail: { action: 'drain', cloud: 'gcp' },
    });

    await topo.services.aws.setChaos('down');
    const outcome = await first.exited;
    stream.abort();
    expect(outcome.signal).toBe('SIGKILL');
    const write = killedOn as WriteEvent;
    expect(write).toMatchObject({ status: 'in-sync', before: [CLOUD_HOSTS.aws], after: [CLOUD_HOSTS.azure] });

    // Complete lines all parse; a line torn by the kill (there should be none: appends are single writes) is the only thing open() may move aside.
    const read = await readAuditLog(auditPath);
    expect(read.problems).toEqual([]);
    const records = read.records;
    expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));

    // What the stream announced is in the file, whole.
    const announced = records.find((r) => r.kind === 'write' && r.eventId === write.id);
    expect(announced).toMatchObject({
      generation: write.generation,
      before: [CLOUD_HOSTS.aws],
      after: [CLOUD_HOSTS.azure],
      detail: { status: 'in-sync' },
    });
    expect(announced?.providers?.map((p) => [p.provider, p.result])).toEqual(PROVIDERS.map((p) => [p, 'ok']));
    expect(records.find((r) => r.kind === 'override' && r.eventId === override.id)).toBeDefined();

    // Every write a provider committed (first publish and failover, on all three) has its audit record.
    expect(committed.map((c) => `${c.provider}@${c.generation}`).sort()).toEqual(
      PROVIDERS.flatMap((p) => [`${p}@1`, `${p}@${write.generation}`]).sort(),
    );
    for (const c of committed) {
      const record = records.find((r) => r.kind === 'write' && r.generation === c.generation);
      expect(record, `${c.provider} took generation ${c.generation}`).toBeDefined();
      expect(record?.after).toEqual(c.addresses);
      expect(record?.providers?.find((p) => p.provider === c.provider)?.result).toBe('ok');
    }

    // open() repairs whatever the kill left; then every line of the file is JSON.
    const repaired = AuditLog.open(auditPath);
    expect(repaired.lastSeq).toBe(records.at(-1)?.seq);
    repaired.close();
    const lines = readFileSync(auditPath, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    for (const line of lines) expect(() => JSON.parse(line) as unknown).not.toThrow();

    // A new controller on the same file carries the sequence on, and sees the failover on the providers.
    const second = await startController();
    expect(second.lines().find((l) => l.msg === 'audit log open')).toMatchObject({
      auditLog: auditPath,
      lastSeq: records.at(-1)?.seq,
      repairedBytes: 0,
    });
    const status = await until('the restarted controller to read the providers', () => {
      const r = second.lines().find((l) => l.msg === 'published state read from the providers');
      return r;
    });
    expect(status.generation).toBeGreaterThanOrEqual(write.generation);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    const after = await readAuditLog(auditPath);
    expect(after.problems).toEqual([]);
    expect(after.records.map((r) => r.seq)).toEqual(after.records.map((_, i) => i + 1));
  });

  it('holds a write Route 53 acknowledged while Azure DNS was still answering, when killed mid-publish', async () => {
    await topo.services.aws.setChaos('down');
    await topo.servedEverywhere(CLOUD_HOSTS.azure);
    const third = await startController();
    await until('the controller to finish starting', () => third.lines().find((l) => l.msg === 'controller running'));
    const seqAtStart = third.lines().find((l) => l.msg === 'audit log open')?.lastSeq as number;
    expect(typeof seqAtStart).toBe('number');

    // Every Azure DNS API call now takes 2 s more: its read and its writes answer long after Route 53's.
    const azureDns = topo.faults('azure');
    azureDns.set({ latencyMs: 2_000 });
    let acknowledged: ProviderWriteEvent | undefined;
    const stream = await follow(third.url, (e) => {
      const failback =
        e.type === 'provider-write' &&
        e.provider === 'route53' &&
        e.changes.some((c) => c.name === `${SERVICE}.` && c.records.some((r) => r.values.includes(CLOUD_HOSTS.aws)));
      if (acknowledged === undefined && failback) {
        third.child.kill('SIGKILL');
        acknowledged = e;
      }
    });
    try {
      await topo.services.aws.setChaos('healthy');
      const acked = await until('Route 53 to acknowledge the failback on the event stream', () => acknowledged, 60_000);
      expect((await third.exited).signal).toBe('SIGKILL');

      const read = await readAuditLog(auditPath);
      expect(read.problems).toEqual([]);
      expect(read.records.map((r) => r.seq)).toEqual(read.records.map((_, i) => i + 1));
      const mine = read.records.filter((r) => r.seq > seqAtStart);
      const record = mine.find((r) => r.kind === 'provider-write' && r.eventId === acked.id);
      expect(record).toMatchObject({
        actor: 'controller',
        service: SERVICE,
        generation: acked.generation,
        providers: [
          { provider: 'route53', result: 'ok', changes: acked.changes.length, apiCalls: acked.apiCalls, latencyMs: acked.latencyMs },
        ],
        detail: { provider: 'route53', services: [SERVICE] },
      });
      expect((record?.detail as { changes: unknown[] }).changes).toContainEqual({
        kind: 'update',
        name: `${SERVICE}.`,
        records: [{ type: 'A', ttl: 5, values: [CLOUD_HOSTS.aws] }],
      });
      // The acknowledgement is on disk the moment it arrives, before the publish's aggregated record.
      // (Whether the aggregate made it before the kill depends on timing: with the controller's read
      // grace, Azure DNS's slow read is handed to the reconciler after 500 ms, so the aggregate can
      // follow within milliseconds. What must hold either way is this order.)
      for (const aggregate of mine.filter((r) => r.kind === 'write' && r.generation === acked.generation)) {
        expect(aggregate.seq).toBeGreaterThan(record!.seq);
      }

      // Route 53 really committed it, and every write Route 53 ever committed has a record naming it at that generation.
      expect(committed).toContainEqual({ provider: 'route53', generation: acked.generation, addresses: [CLOUD_HOSTS.aws] });
      for (const c of committed.filter((x) => x.provider === 'route53')) {
        const found = read.records.some(
          (r) => r.generation === c.generation && r.providers?.some((p) => p.provider === 'route53' && p.result === 'ok'),
        );
        expect(found, `route53 took generation ${c.generation}`).toBe(true);
      }
    } finally {
      stream.abort();
      azureDns.heal();
    }
  });
});
