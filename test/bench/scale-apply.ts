/**
 * Scale benchmark (issue 4): one plan that moves every one of N names (default
 * 2,500) to a new address, applied with applyEverywhere to the three emulators
 * through the real adapters and official SDKs, with Route 53's token bucket at
 * its published rate (50, refilled 10/s) switched on.
 *
 *   npx tsx test/bench/scale-apply.ts [--names 2500] [--json out.json]
 *       [--azure-bucket] [--clouddns-bucket] [--dns-sample 50]
 *
 * Steps: seed N names (generation 1, not throttled, timed as "seed"); switch
 * on the buckets; reset the counters; move all N names (generation 2, forced:
 * 100% of the names is over the 30% share limit, I7) and time it; read every
 * name back through the adapters and spot-check it over DNS.
 *
 * The floor the Route 53 figures are compared with is the fewest requests the
 * batch limits allow, whatever the packing: ChangeResourceRecordSets takes at
 * most 1,000 ResourceRecord elements and 32,000 value characters, and a
 * listing at most 300 record sets per page. Exit 1 if the Route 53 write
 * requests exceed that floor by more than 10%, if any error surfaced, or if a
 * name does not serve its new address; the figures are printed either way.
 *
 * The run is exported (runScaleApply) for test/integration/scale-apply.test.ts.
 */
import { Resolver } from 'node:dns/promises';
import { writeFile } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { providersFromEndpoints } from '../../src/drills/emulator-endpoints.js';
import { applyEverywhere, readAll } from '../../src/controller/apply-everywhere.js';
import type { ApplyOutcome, ProviderStatus } from '../../src/controller/apply-outcome.js';
import { namesToRead, planRound } from '../../src/controller/plan-round.js';
import type { SafetySettings } from '../../src/controller/plan-round.js';
import { canonicalName, recordKey } from '../../src/dns/record.js';
import { EMULATOR_DEFAULTS, startEmulators } from '../../src/emulators/index.js';
import type { OperationCount, RunningEmulators } from '../../src/emulators/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { ROUTE53_LIMITS, packRoute53, route53Actions, route53Cost } from '../../src/plan/batching.js';
import type { Change } from '../../src/plan/change.js';
import type { DesiredRecord } from '../../src/plan/state.js';
import { closeProviders, createProviders } from '../../src/providers/index.js';
import type { DnsProvider, ProviderId } from '../../src/providers/provider.js';
import { LIST_PAGE_SIZE, ROUTE53_RATE_LIMIT } from '../../src/providers/route53.js';

export const PROVIDERS: readonly ProviderId[] = ['route53', 'azure', 'clouddns'];
/** The acceptance bound: Route 53 write requests at most 10% above the floor. */
export const ROUTE53_CALL_TOLERANCE = 1.1;
const OWNER = 'bench-scale';
const TTL = 60;
/** The controller's share limit (I7): the move is over it and must be forced. */
const SAFETY: SafetySettings = { maxChangeShare: 0.3, minNamesForShareLimit: 10, force: false };

export interface ScaleApplyOptions {
  /** Names moved. Default 2,500. */
  readonly names?: number;
  /** Also throttle Azure at ARM's published write rate (200, 10/s): 2 PUTs per name, so ~8 minutes for 2,500 names. */
  readonly azureBucket?: boolean;
  /** Also throttle Cloud DNS at its bucket (50, 10/s). */
  readonly clouddnsBucket?: boolean;
  /**
   * Empty Route 53's bucket just before the move, as if other tools of the
   * account had just spent the quota: the move then meets real throttling
   * (at 2,500 names it needs about 27 requests, fewer than a full bucket).
   */
  readonly route53Drained?: boolean;
  /** Names asked over DNS per provider after the move (evenly spread). Default 50. */
  readonly dnsSample?: number;
  readonly progress?: (line: string) => void;
}

export interface ProviderFigures {
  readonly provider: ProviderId;
  readonly status: ProviderStatus | 'missing';
  /** Decision → the provider acknowledged its last write (the outcome's publishMs). */
  readonly publishMs: number | null;
  /** Time inside this provider's read() and apply() calls (the event loop is shared: other providers' work is in it too). */
  readonly readMs: number;
  readonly applyMs: number;
  readonly applied: number;
  readonly replans: number;
  /** Attempts the adapter made (apiCalls()), retries included: read + apply. */
  readonly adapterCalls: number;
  /** Attempts made by apply() alone (the outcome's apiCalls): writes, and re-reads after conflicts. */
  readonly applyCalls: number;
  /** Requests the emulator received, per operation and outcome. */
  readonly operations: Record<string, OperationCount>;
  readonly writeCalls: number;
  readonly readCalls: number;
  readonly throttled: number;
  /** Attempts that never reached the emulator's handlers (connections reset before the request was read), retried by the adapter. */
  readonly unreceived: number;
  readonly throttle: 'bucket' | 'off';
}

export interface Route53Floor {
  readonly resourceRecords: number;
  readonly valueChars: number;
  /** max(ceil(resourceRecords / 1,000), ceil(valueChars / 32,000)). */
  readonly writes: number;
  /** Record sets in the zone when the move read it. */
  readonly zoneRecordSets: number;
  /** ceil(zoneRecordSets / 300). */
  readonly reads: number;
  /** Requests packRoute53 plans for the same changes. */
  readonly packed: number;
}

export interface NameCheck {
  readonly checked: number;
  readonly wrong: number;
  readonly examples: readonly string[];
}

export interface ScaleApplyReport {
  readonly names: number;
  readonly buckets: Record<ProviderId, { capacity: number; refillPerSecond: number } | 'off'>;
  readonly seed: { readonly wallMs: number; readonly status: string };
  readonly shareLimit: {
    readonly changed: number;
    readonly managed: number;
    readonly limit: number;
    readonly forced: boolean;
    readonly refusedWithoutForce: string | null;
  };
  readonly move: {
    readonly wallMs: number;
    /** From the last provider's first read answering to the first apply starting: planning and safety checks, synchronous. */
    readonly planMs: number | null;
    readonly status: string;
    readonly route53Drained: boolean;
    readonly providers: readonly ProviderFigures[];
  };
  readonly route53: {
    readonly floor: Route53Floor;
    /** ChangeResourceRecordSets requests Route 53 received (throttled ones included): what its quota counts. */
    readonly writes: number;
    /** apply()'s attempts, reset connections included. */
    readonly applyAttempts: number;
    readonly reads: number;
    readonly writeRatio: number;
    readonly totalRatio: number;
    readonly maxWrites: number;
    readonly withinTolerance: boolean;
  };
  readonly verify: { readonly api: Record<ProviderId, NameCheck>; readonly dns: Record<ProviderId, NameCheck> };
  /** Anything a user would have seen go wrong: thrown errors, providers not in sync, warnings logged. */
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
  readonly ok: boolean;
}

const WRITE_OPERATION =
  /^(ChangeResourceRecordSets|RecordSets_(CreateOrUpdate|Update|Delete)|changes\.create|resourceRecordSets\.(create|patch|delete))$/;

export const nameAt = (i: number, zone: string): string => canonicalName(`n-${String(i).padStart(4, '0')}.${zone}`);
/** Documentation ranges (RFC 5737): the seed serves 192.0.2.x, the move 198.51.100.x. */
export const addressAt = (i: number, moved: boolean): string => `${moved ? '198.51.100' : '192.0.2'}.${(i % 254) + 1}`;

export function desiredRecords(count: number, zone: string, moved: boolean): DesiredRecord[] {
  return Array.from({ length: count }, (_, i) => ({ name: nameAt(i, zone), type: 'A', ttl: TTL, values: [addressAt(i, moved)] }));
}

/** The fewest ChangeResourceRecordSets requests the batch limits allow for these changes, and the fewest list pages. */
export function route53Floor(changes: readonly Change[], zoneRecordSets: number): Route53Floor {
  const { resourceRecords, valueChars } = route53Cost(changes.flatMap(route53Actions));
  const writes = Math.max(Math.ceil(resourceRecords / ROUTE53_LIMITS.resourceRecords), Math.ceil(valueChars / ROUTE53_LIMITS.valueChars));
  return {
    resourceRecords,
    valueChars,
    writes,
    zoneRecordSets,
    reads: Math.ceil(zoneRecordSets / LIST_PAGE_SIZE),
    packed: packRoute53(changes).length,
  };
}

/** Warn-level log lines of the adapters and applyEverywhere, kept for the report. */
function warningSink(): { log: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        const parsed = JSON.parse(line) as { msg?: string; provider?: string };
        lines.push(`${parsed.provider ?? '-'}: ${parsed.msg ?? line}`);
      }
      done();
    },
  });
  return { log: createLogger({ name: 'bench-scale', level: 'warn', destination }), lines };
}

function sumOf(ops: Record<string, OperationCount>, pick: (op: string) => boolean, field: keyof OperationCount = 'total'): number {
  return Object.entries(ops)
    .filter(([op]) => pick(op))
    .reduce((n, [, c]) => n + c[field], 0);
}

/** Wall-clock spans of one provider's read() and apply() calls. */
interface Spans {
  readonly reads: [number, number][];
  readonly applies: [number, number][];
}

async function span<T>(into: [number, number][], work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    into.push([start, performance.now()]);
  }
}

/** The adapter as applyEverywhere sees it, with its calls timed. */
function timed(p: DnsProvider, spans: Spans): DnsProvider {
  return {
    id: p.id,
    zone: p.zone,
    read: (names, options) => span(spans.reads, () => p.read(names, options)),
    apply: (plan) => span(spans.applies, () => p.apply(plan)),
    close: () => p.close(),
  };
}

const total = (spans: readonly [number, number][]) => Math.round(spans.reduce((n, [a, b]) => n + b - a, 0));

/** Time between the reads of round 0 and the first write: the synchronous planning and checks. */
function planningMs(spans: readonly Spans[]): number | null {
  const readsDone = spans.map((s) => s.reads[0]?.[1]).filter((t) => t !== undefined);
  const firstApply = spans.map((s) => s.applies[0]?.[0]).filter((t) => t !== undefined);
  if (readsDone.length === 0 || firstApply.length === 0) return null;
  return Math.round(Math.min(...firstApply) - Math.max(...readsDone));
}

function apiCallsOf(p: DnsProvider): number {
  const counted = p as DnsProvider & { apiCalls?: () => number };
  return counted.apiCalls?.() ?? Number.NaN;
}

/** Outcome, emulator counters and adapter counters of one provider, for the move. */
function figuresOf(
  provider: DnsProvider,
  spans: Spans,
  emu: RunningEmulators,
  outcome: ApplyOutcome | undefined,
  throttled: boolean,
): ProviderFigures {
  const o = outcome?.providers.find((p) => p.provider === provider.id);
  const operations = emu[provider.id].faults.counters();
  const adapterCalls = apiCallsOf(provider);
  const received = sumOf(operations, () => true);
  return {
    provider: provider.id,
    status: o?.status ?? 'missing',
    publishMs: o?.publishMs ?? null,
    readMs: total(spans.reads),
    applyMs: total(spans.applies),
    applied: o?.applied.length ?? 0,
    replans: o?.replans ?? 0,
    adapterCalls,
    applyCalls: o?.apiCalls ?? 0,
    operations,
    writeCalls: sumOf(operations, (op) => WRITE_OPERATION.test(op)),
    readCalls: sumOf(operations, (op) => !WRITE_OPERATION.test(op)),
    throttled: sumOf(operations, () => true, 'throttled'),
    unreceived: adapterCalls - received,
    throttle: throttled ? 'bucket' : 'off',
  };
}

/** Every name read back through each adapter: it must serve exactly its new address. */
async function checkThroughApi(
  providers: readonly DnsProvider[],
  desired: readonly DesiredRecord[],
): Promise<Record<ProviderId, NameCheck>> {
  const out = {} as Record<ProviderId, NameCheck>;
  await Promise.all(
    providers.map(async (p) => {
      const state = await p.read(desired.map((d) => d.name));
      const wrong = desired.filter((d) => {
        const seen = state.records.get(recordKey(d.name, 'A'))?.record.values;
        return seen?.length !== 1 || seen[0] !== d.values[0];
      });
      out[p.id] = { checked: desired.length, wrong: wrong.length, examples: wrong.slice(0, 5).map((d) => d.name) };
    }),
  );
  return out;
}

/** A spread sample of names asked of each provider's own nameserver, as a resolver would. */
async function checkOverDns(
  emu: RunningEmulators,
  desired: readonly DesiredRecord[],
  sample: number,
): Promise<Record<ProviderId, NameCheck>> {
  const step = Math.max(1, Math.floor(desired.length / Math.max(1, sample)));
  const picked = desired.filter((_, i) => i % step === 0).slice(0, sample);
  const out = {} as Record<ProviderId, NameCheck>;
  await Promise.all(
    PROVIDERS.map(async (id) => {
      const resolver = new Resolver({ timeout: 1_000, tries: 3 });
      resolver.setServers([`${emu[id].dns.host}:${emu[id].dns.port}`]);
      const wrong: string[] = [];
      for (const d of picked) {
        const answer = await resolver.resolve4(d.name.replace(/\.$/, '')).catch((err: Error) => [`error: ${err.message}`]);
        if (answer.length !== 1 || answer[0] !== d.values[0]) wrong.push(`${d.name} answered ${answer.join(', ') || 'nothing'}`);
      }
      out[id] = { checked: picked.length, wrong: wrong.length, examples: wrong.slice(0, 5) };
    }),
  );
  return out;
}

export async function runScaleApply(options: ScaleApplyOptions = {}): Promise<ScaleApplyReport> {
  const count = options.names ?? 2_500;
  const progress = options.progress ?? (() => undefined);
  const throttled: Record<ProviderId, boolean> = {
    route53: true,
    azure: options.azureBucket === true,
    clouddns: options.clouddnsBucket === true,
  };
  const errors: string[] = [];
  const emu = await startEmulators({ freePorts: true });
  const sink = warningSink();
  const adapters = () => createProviders(providersFromEndpoints(emu.endpoints()), { zone: emu.zone, log: sink.log });
  // Seed and dry run as an operator's `failover apply` / `failover plan`; the move by fresh adapters, as a controller holds them.
  const operator = adapters();
  let operatorOpen = true;
  let providers: DnsProvider[] = [];
  try {
    // 1. Seed: the starting state, unthrottled.
    const seedDesired = desiredRecords(count, emu.zone, false);
    progress(`seeding ${count} names on ${PROVIDERS.join(', ')} (generation 1)…`);
    let started = performance.now();
    const seeded = await applyEverywhere({
      providers: operator,
      desired: seedDesired,
      owner: OWNER,
      generation: 1,
      safety: SAFETY,
      log: sink.log,
    });
    const seed = { wallMs: Math.round(performance.now() - started), status: seeded.status };
    if (seeded.status !== 'in-sync')
      throw new Error(
        `seeding did not reach every provider (${seeded.status}): ${JSON.stringify(seeded.providers.map((p) => [p.provider, p.status]))}`,
      );

    // 2. What the move will change, planned as `failover plan` would (not measured): the floor and the share limit.
    const desired = desiredRecords(count, emu.zone, true);
    const names = namesToRead(desired);
    const dryRun = planRound(
      (await readAll(operator, names)).flatMap((r) => (r.ok ? [r.state] : [])),
      { desired, owner: OWNER, generation: 2, safety: SAFETY },
    );
    const route53Plan = dryRun.plans.find((p) => p.provider === 'route53');
    if (route53Plan === undefined) throw new Error('the dry run has no Route 53 plan: Route 53 did not answer');
    const zone = emu.route53.store.zonesByName(emu.zone)[0];
    const floor = route53Floor(route53Plan.changes, zone?.records.size ?? 0);
    const refusal = dryRun.check.ok ? undefined : dryRun.check.violations.find((v) => v.kind === 'blast-radius');
    const shareLimit = {
      changed: new Set(dryRun.plans.flatMap((p) => p.changes.filter((c) => c.kind !== 'create').map((c) => c.name))).size,
      managed: count,
      limit: SAFETY.maxChangeShare,
      forced: true,
      refusedWithoutForce: refusal?.message ?? null,
    };

    // 3. Throttling at the published rates; counters from zero.
    for (const id of PROVIDERS) {
      if (throttled[id]) emu[id].faults.set({ throttle: 'bucket', bucket: { ...EMULATOR_DEFAULTS.buckets[id] } });
      emu[id].faults.resetCounters();
    }
    await closeProviders(operator);
    operatorOpen = false;
    providers = adapters();
    const spans = providers.map((): Spans => ({ reads: [], applies: [] }));
    const measured = providers.map((p, i) => timed(p, spans[i] as Spans));
    // Other tools of the account have just spent the quota (admit() takes a token, as a request would).
    if (options.route53Drained === true)
      for (let i = 0; i < EMULATOR_DEFAULTS.buckets.route53.capacity; i++) await emu.route53.faults.admit();

    // 4. The measured move.
    progress(
      `moving ${count} names (generation 2, forced past the ${SAFETY.maxChangeShare * 100}% share limit); Route 53 bucket ${ROUTE53_RATE_LIMIT.capacity}, ${ROUTE53_RATE_LIMIT.refillPerSecond}/s…`,
    );
    started = performance.now();
    let outcome: ApplyOutcome | undefined;
    try {
      outcome = await applyEverywhere({
        providers: measured,
        desired,
        owner: OWNER,
        generation: 2,
        safety: { ...SAFETY, force: true },
        log: sink.log,
      });
    } catch (err) {
      errors.push(`applyEverywhere threw: ${(err as Error).message}`);
    }
    const wallMs = Math.round(performance.now() - started);
    const figures = providers.map((p, i) => figuresOf(p, spans[i] as Spans, emu, outcome, throttled[p.id]));
    if (outcome !== undefined && outcome.status !== 'in-sync') errors.push(`the apply ended ${outcome.status}`);
    for (const o of outcome?.providers ?? []) {
      if (o.status !== 'in-sync') errors.push(`${o.provider}: ${o.status}${'reason' in o ? `: ${o.reason}` : ''}`);
    }

    // 5. Did every name move?
    progress('verifying through the adapters and over DNS…');
    for (const id of PROVIDERS) emu[id].faults.set({ throttle: 'off' });
    const verify = { api: await checkThroughApi(providers, desired), dns: await checkOverDns(emu, desired, options.dnsSample ?? 50) };

    const r53 = figures.find((f) => f.provider === 'route53') as ProviderFigures;
    const maxWrites = Math.floor(floor.writes * ROUTE53_CALL_TOLERANCE);
    const route53 = {
      floor,
      writes: r53.writeCalls,
      applyAttempts: r53.applyCalls,
      reads: r53.readCalls,
      writeRatio: r53.writeCalls / floor.writes,
      totalRatio: (r53.writeCalls + r53.readCalls) / (floor.writes + floor.reads),
      maxWrites,
      withinTolerance: r53.writeCalls <= maxWrites,
    };
    const wrongNames = PROVIDERS.some((id) => verify.api[id].wrong > 0 || verify.dns[id].wrong > 0);
    const buckets = Object.fromEntries(
      PROVIDERS.map((id) => [id, throttled[id] ? { ...EMULATOR_DEFAULTS.buckets[id] } : 'off']),
    ) as ScaleApplyReport['buckets'];
    return {
      names: count,
      buckets,
      seed,
      shareLimit,
      move: {
        wallMs,
        planMs: planningMs(spans),
        status: outcome?.status ?? 'threw',
        route53Drained: options.route53Drained === true,
        providers: figures,
      },
      route53,
      verify,
      errors,
      warnings: sink.lines,
      ok: errors.length === 0 && route53.withinTolerance && !wrongNames,
    };
  } finally {
    await closeProviders([...(operatorOpen ? operator : []), ...providers]);
    await emu.stop();
  }
}

// ── Command line ────────────────────────────────────────────────────────────

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  ')).join('\n');
}

export function formatReport(r: ScaleApplyReport): string {
  const bucket = (id: ProviderId) => {
    const b = r.buckets[id];
    return b === 'off' ? 'off' : `${b.capacity}, ${b.refillPerSecond}/s`;
  };
  const perProvider = table([
    [
      'provider',
      'status',
      'publish ms',
      'in read ms',
      'in apply ms',
      'applied',
      'writes',
      'reads',
      'throttled',
      'adapter attempts',
      'not received',
      'bucket',
    ],
    ...r.move.providers.map((p) => [
      p.provider,
      p.status,
      String(p.publishMs ?? '-'),
      String(p.readMs),
      String(p.applyMs),
      String(p.applied),
      String(p.writeCalls),
      String(p.readCalls),
      String(p.throttled),
      String(p.adapterCalls),
      String(p.unreceived),
      bucket(p.provider),
    ]),
  ]);
  const ops = r.move.providers.map(
    (p) =>
      `  ${p.provider}: ${Object.entries(p.operations)
        .map(([op, c]) => `${op} ${c.total}${c.throttled > 0 ? ` (${c.throttled} throttled)` : ''}`)
        .join(', ')}`,
  );
  const f = r.route53.floor;
  const checks = PROVIDERS.map(
    (id) =>
      `  ${id}: API ${r.verify.api[id].checked - r.verify.api[id].wrong}/${r.verify.api[id].checked}, DNS ${r.verify.dns[id].checked - r.verify.dns[id].wrong}/${r.verify.dns[id].checked}${[...r.verify.api[id].examples, ...r.verify.dns[id].examples].map((e) => `; wrong: ${e}`).join('')}`,
  );
  return [
    `Scale apply: move ${r.names} names on Route 53, Azure DNS and Cloud DNS`,
    `seed (generation 1, unthrottled): ${r.seed.wallMs} ms, ${r.seed.status}`,
    `share limit: the move changes ${r.shareLimit.changed} of ${r.shareLimit.managed} managed names, over ${r.shareLimit.limit * 100}%: applied with force (without it: ${r.shareLimit.refusedWithoutForce ?? 'not refused'})`,
    `move (generation 2${r.move.route53Drained ? ', Route 53 bucket emptied first' : ''}): ${r.move.wallMs} ms wall, ${r.move.status}; planning and checks between the reads and the first write: ${r.move.planMs ?? '-'} ms`,
    '',
    perProvider,
    '',
    'requests per operation (emulator counters):',
    ...ops,
    '',
    `Route 53 floor: ${f.resourceRecords} ResourceRecords / ${ROUTE53_LIMITS.resourceRecords}, ${f.valueChars} value chars / ${ROUTE53_LIMITS.valueChars} → ${f.writes} ChangeResourceRecordSets (packRoute53: ${f.packed}); ${f.zoneRecordSets} record sets / ${LIST_PAGE_SIZE} → ${f.reads} list pages`,
    `Route 53 actual: ${r.route53.writes} writes received (${r.route53.writeRatio.toFixed(2)}× floor, limit ${r.route53.maxWrites}: ${r.route53.withinTolerance ? 'within' : 'OVER'}; apply() attempts ${r.route53.applyAttempts}), writes + reads ${r.route53.writes + r.route53.reads} (${r.route53.totalRatio.toFixed(2)}× floor ${f.writes + f.reads})`,
    '(writes/reads/throttled: requests each emulator received; adapter attempts: apiCalls(), retries included; not received: attempts reset before the emulator read them, retried)',
    '',
    'every name moved?',
    ...checks,
    '',
    `errors surfaced: ${r.errors.length === 0 ? 'none' : r.errors.join('; ')}`,
    `warnings logged: ${r.warnings.length === 0 ? 'none' : r.warnings.join('; ')}`,
    r.ok ? 'RESULT: ok' : 'RESULT: FAILED',
  ].join('\n');
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface ScaleMedians {
  readonly seedWallMs: number | null;
  readonly moveWallMs: number | null;
  readonly planMs: number | null;
  readonly publishMs: Record<ProviderId, number | null>;
}

export function mediansOf(runs: readonly ScaleApplyReport[]): ScaleMedians {
  const of = (pick: (r: ScaleApplyReport) => number | null | undefined) =>
    median(runs.map(pick).filter((v): v is number => typeof v === 'number'));
  const publishMs = Object.fromEntries(
    PROVIDERS.map((id) => [id, of((r) => r.move.providers.find((p) => p.provider === id)?.publishMs)]),
  ) as Record<ProviderId, number | null>;
  return { seedWallMs: of((r) => r.seed.wallMs), moveWallMs: of((r) => r.move.wallMs), planMs: of((r) => r.move.planMs), publishMs };
}

/** One line per run and the medians, after the runs' own reports. */
export function formatRuns(runs: readonly ScaleApplyReport[], m: ScaleMedians): string {
  const writes = (r: ScaleApplyReport, id: ProviderId) => String(r.move.providers.find((p) => p.provider === id)?.writeCalls ?? '-');
  const publish = (r: ScaleApplyReport, id: ProviderId) => String(r.move.providers.find((p) => p.provider === id)?.publishMs ?? '-');
  const cell = (v: number | null) => (v === null ? '-' : String(v));
  return table([
    [
      'run',
      'move ms',
      'plan ms',
      'publish route53',
      'publish azure',
      'publish clouddns',
      'route53 writes/floor',
      'route53 reads/floor',
      'azure writes',
      'clouddns writes',
      'result',
    ],
    ...runs.map((r, i) => [
      String(i + 1),
      String(r.move.wallMs),
      cell(r.move.planMs),
      publish(r, 'route53'),
      publish(r, 'azure'),
      publish(r, 'clouddns'),
      `${r.route53.writes}/${r.route53.floor.writes}`,
      `${r.route53.reads}/${r.route53.floor.reads}`,
      writes(r, 'azure'),
      writes(r, 'clouddns'),
      r.ok ? 'ok' : 'FAILED',
    ]),
    [
      'median',
      cell(m.moveWallMs),
      cell(m.planMs),
      cell(m.publishMs.route53),
      cell(m.publishMs.azure),
      cell(m.publishMs.clouddns),
      '',
      '',
      '',
      '',
      '',
    ],
  ]);
}

const USAGE =
  'usage: tsx test/bench/scale-apply.ts [--names N] [--runs N] [--json FILE] [--azure-bucket] [--clouddns-bucket] [--route53-drained] [--dns-sample N]';

async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: {
        names: { type: 'string', default: '2500' },
        runs: { type: 'string', default: '1' },
        json: { type: 'string' },
        'azure-bucket': { type: 'boolean', default: false },
        'clouddns-bucket': { type: 'boolean', default: false },
        'route53-drained': { type: 'boolean', default: false },
        'dns-sample': { type: 'string', default: '50' },
        help: { type: 'boolean', default: false },
      },
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const names = Number(args.names);
  const runCount = Number(args.runs);
  const dnsSample = Number(args['dns-sample']);
  if (!Number.isInteger(names) || names < 1 || names > 100_000) {
    process.stderr.write(`--names: expected a whole number from 1 to 100000, got '${args.names}'\n${USAGE}\n`);
    return 2;
  }
  if (!Number.isInteger(runCount) || runCount < 1 || runCount > 100) {
    process.stderr.write(`--runs: expected a whole number from 1 to 100, got '${args.runs}'\n${USAGE}\n`);
    return 2;
  }
  if (!Number.isInteger(dnsSample) || dnsSample < 0) {
    process.stderr.write(`--dns-sample: expected a whole number >= 0, got '${args['dns-sample']}'\n${USAGE}\n`);
    return 2;
  }
  // The SDKs' environment probes are of no use against the emulators.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.env.METADATA_SERVER_DETECTION ??= 'none';
  const runs: ScaleApplyReport[] = [];
  for (let i = 1; i <= runCount; i++) {
    const progress = (line: string) => process.stderr.write(`${runCount > 1 ? `[run ${i}/${runCount}] ` : ''}${line}\n`);
    const report = await runScaleApply({
      names,
      azureBucket: args['azure-bucket'],
      clouddnsBucket: args['clouddns-bucket'],
      route53Drained: args['route53-drained'],
      dnsSample,
      progress,
    });
    process.stdout.write(`${runCount > 1 ? `\n── run ${i} of ${runCount} ──\n` : ''}${formatReport(report)}\n`);
    runs.push(report);
  }
  const medians = mediansOf(runs);
  if (runCount > 1) process.stdout.write(`\n${formatRuns(runs, medians)}\n`);
  if (args.json !== undefined) await writeFile(args.json, `${JSON.stringify({ runs, medians }, null, 2)}\n`);
  return runs.every((r) => r.ok) ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`scale-apply: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
