/**
 * Route 53 adapter over the official `@aws-sdk/client-route-53`.
 *
 * CAS: every change becomes DELETE of the exact observed record sets (name,
 * type, TTL, every value) + CREATE of the new ones (`route53Actions`); a
 * CREATE fails if the set exists. A ChangeResourceRecordSets batch is
 * all-or-nothing, so a name (its sets and its `_mcf` ownership record) moves
 * atomically, and a stale DELETE or CREATE refuses the whole batch with
 * InvalidChangeBatch: a conflict, never forced.
 *
 * Batching: `packRoute53` puts whole names into as few requests as the limits
 * allow (1,000 ResourceRecord elements / 32,000 value characters); one request
 * per batch, sent one after the other. A refused batch of several names is not
 * all lost: the adapter re-reads that batch's record sets once, re-checks every
 * change against the fresh read (`applyPlan`, the in-memory reference) and
 * re-sends, as one batch, the changes whose observed state still holds; the
 * others are reported as conflicts. This stays a compare-and-swap: the re-sent
 * DELETEs are checked by Route 53 itself, against the same tokens as before; a
 * re-sent batch that is refused again is reported whole as conflicts. A batch
 * whose answer was lost (deadline) but which was applied fails its retry's
 * CAS the same way: reported as conflicts, and the next read shows it done.
 *
 * Cost: read() lists the whole zone in pages of 300 (5,000 sets = 17 calls);
 * apply() makes one call per batch (+ re-read and re-send on a conflict). The
 * write is acknowledged when Route 53 accepts it (PENDING); `waitInSync` polls
 * GetChange for callers that need INSYNC.
 *
 * Errors: the SDK's own retries are off (maxAttempts 1); `callWithRetry` retries
 * Throttling / PriorRequestNotComplete / 429 ('throttled'), 5xx and refused or
 * reset connections ('unavailable'). InvalidChangeBatch with a stale DELETE or
 * CREATE → 'conflict'; other InvalidChangeBatch / InvalidInput → 'invalid';
 * NoSuchHostedZone → 'invalid' naming providers.route53.hostedZoneId; 401/403 →
 * 'auth'. Requests are paced client-side by a token bucket mirroring Route 53's
 * quota (50, refilled at 10/s), emptied whenever Route 53 throttles us anyway,
 * so that a large move waits for tokens instead of spending calls on refusals.
 */
import { ChangeResourceRecordSetsCommand, GetChangeCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import type { ListResourceRecordSetsCommandOutput, RRType } from '@aws-sdk/client-route-53';
import { selectObserved, type ReadOptions } from './read-selection.js';
import { canonicalName, recordKey } from '../dns/record.js';
import type { RecordSet } from '../dns/record.js';
import type { Logger } from '../observability/logger.js';
import type { ProvidersConfig } from '../config/schema.js';
import { BatchLimitError, packRoute53, route53Actions } from '../plan/batching.js';
import type { Route53Action } from '../plan/batching.js';
import type { Change, ProviderPlan } from '../plan/change.js';
import { applyPlan } from '../plan/simulate.js';
import { exactRecordToken, providerState } from '../plan/state.js';
import type { ObservedRecord, ProviderState } from '../plan/state.js';
import { callWithRetry } from './call.js';
import { DEFAULT_CALL_POLICY, ProviderError, isProviderError } from './provider.js';
import type { ApplyOptions, ApplyReport, CallPolicy, DnsProvider } from './provider.js';
import { classifyRoute53Error, fromResourceRecordSet, toWireChanges } from './route53-codec.js';

export type Route53Config = NonNullable<ProvidersConfig['route53']>;

/** Route 53's largest ListResourceRecordSets page. */
export const LIST_PAGE_SIZE = 300;

export interface RateLimit {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

/** Route 53's published request quota (per account): a bucket of 50, refilled at 10 per second. */
export const ROUTE53_RATE_LIMIT: RateLimit = { capacity: 50, refillPerSecond: 10 };

export interface Route53ProviderOptions {
  /** The zone this adapter manages (`example.test`). */
  readonly zone: string;
  readonly policy?: Partial<CallPolicy>;
  readonly log?: Logger;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Clock for the request pacer (ms). */
  readonly now?: () => number;
  /** Client-side pacing; 'off' sends at once and leaves all pacing to Route 53's throttling. */
  readonly rateLimit?: RateLimit | 'off';
}

export interface Route53ApplyReport extends ApplyReport {
  /** ChangeInfo ids of the accepted batches, for `waitInSync`. */
  readonly changeIds: readonly string[];
}

export interface Route53Provider extends DnsProvider {
  read(names: readonly string[], options?: ReadOptions): Promise<ProviderState>;
  apply(plan: ProviderPlan, options?: ApplyOptions): Promise<Route53ApplyReport>;
  /** API requests made by this adapter so far, retries included. */
  apiCalls(): number;
  /** Poll GetChange until the change is INSYNC or `timeoutMs` passed; returns the last status. */
  waitInSync(changeId: string, options?: { timeoutMs?: number; pollMs?: number }): Promise<'PENDING' | 'INSYNC'>;
}

export function createRoute53Provider(config: Route53Config, options: Route53ProviderOptions): Route53Provider {
  const client = new Route53Client({
    region: config.region,
    // One retry policy for every adapter: callWithRetry's, not the SDK's.
    maxAttempts: 1,
    ...(config.endpoint !== undefined ? { endpoint: config.endpoint } : {}),
    // Without credentials the SDK uses the AWS default provider chain.
    // A copy: the SDK decorates the object it is given (e.g. `$source`), and the config is not its to change.
    ...(config.credentials !== undefined ? { credentials: { ...config.credentials } } : {}),
  });
  return new Route53Adapter(client, config.hostedZoneId, options);
}

/**
 * Tokens the pacer keeps in hand below its estimate of the server's bucket:
 * its clock starts when it sends, the server's when requests arrive, and
 * latency jitter bunches arrivals; one token absorbs up to 1/refill of that.
 */
const PACING_RESERVE_TOKENS = 1;

/**
 * Client-side token bucket with debt: each request takes a token and waits for
 * it if the bucket is in debt, so concurrent callers queue in order. When Route
 * 53 throttles us the bucket is emptied (the server's evidently is).
 */
class RequestPacer {
  /** Estimate of the server's tokens, minus the reserve. */
  private tokens: number;
  private last: number;
  private readonly ceiling: number;
  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {
    this.ceiling = Math.max(1, limit.capacity - PACING_RESERVE_TOKENS);
    this.tokens = this.ceiling;
    this.last = now();
  }
  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.ceiling, this.tokens + ((t - this.last) / 1000) * this.limit.refillPerSecond);
    this.last = t;
  }
  async acquire(): Promise<void> {
    this.refill();
    this.tokens -= 1;
    if (this.tokens < 0) await this.sleep(Math.ceil((-this.tokens / this.limit.refillPerSecond) * 1000));
  }
  throttled(): void {
    this.refill();
    this.tokens = Math.min(this.tokens, -PACING_RESERVE_TOKENS);
  }
}

/** Counts the attempts of one read or apply, and carries its caller's cancellation to every request. */
interface Tally {
  n: number;
  readonly signal?: AbortSignal | undefined;
}

const observe = (record: RecordSet): ObservedRecord => ({ record, token: exactRecordToken(record) });

/** A batch's error lists every problem of up to 1,000 sets; each change's report keeps the start. */
const brief = (message: string, max = 400): string => (message.length > max ? `${message.slice(0, max)}…` : message);

class Route53Adapter implements Route53Provider {
  readonly id = 'route53' as const;
  readonly zone: string;
  private readonly policy: CallPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly pacer: RequestPacer | undefined;
  private calls = 0;
  /** Record sets seen by the last full listing: sizes the cheapest re-read after a conflict. */
  private lastZoneSize: number | undefined;

  constructor(
    private readonly client: Route53Client,
    private readonly hostedZoneId: string,
    private readonly options: Route53ProviderOptions,
  ) {
    this.zone = canonicalName(options.zone);
    this.policy = { ...DEFAULT_CALL_POLICY, ...options.policy };
    this.sleep = options.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
    const limit = options.rateLimit ?? ROUTE53_RATE_LIMIT;
    this.pacer = limit === 'off' ? undefined : new RequestPacer(limit, options.now ?? (() => performance.now()), this.sleep);
  }

  apiCalls(): number {
    return this.calls;
  }

  async read(names: readonly string[], options: ReadOptions = {}): Promise<ProviderState> {
    const records = await this.listZone({ n: 0, signal: options.signal });
    return providerState('route53', selectObserved(records, names, options).map(observe));
  }

  async apply(plan: ProviderPlan, options: ApplyOptions = {}): Promise<Route53ApplyReport> {
    const started = Date.now();
    const tally: Tally = { n: 0, signal: options.signal };
    if (plan.provider !== 'route53')
      throw new ProviderError('route53', 'invalid', `a plan for ${plan.provider} was given to the Route 53 adapter`);
    const applied: Change[] = [];
    const conflicts: { change: Change; message: string }[] = [];
    const changeIds: string[] = [];
    for (const batch of this.pack(plan.changes)) {
      const outcome = await this.applyBatch(plan, batch.changes, tally);
      applied.push(...outcome.applied);
      conflicts.push(...outcome.conflicts);
      if (outcome.changeId !== undefined) changeIds.push(outcome.changeId);
    }
    if (conflicts.length > 0)
      this.options.log?.warn(
        { provider: 'route53', conflicts: conflicts.map((c) => c.change.name) },
        'route53: changes refused as stale; re-read and re-plan',
      );
    return { provider: 'route53', applied, conflicts, apiCalls: tally.n, durationMs: Date.now() - started, changeIds };
  }

  async waitInSync(changeId: string, options: { timeoutMs?: number; pollMs?: number } = {}): Promise<'PENDING' | 'INSYNC'> {
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    for (;;) {
      const out = await this.call('GetChange', { n: 0 }, (abortSignal) =>
        this.client.send(new GetChangeCommand({ Id: changeId }), { abortSignal }),
      );
      const status = out.ChangeInfo?.Status;
      if (status === 'INSYNC') return 'INSYNC';
      if (status !== 'PENDING')
        throw new ProviderError('route53', 'unavailable', `GetChange ${changeId}: unexpected answer without a PENDING or INSYNC status`);
      if (Date.now() >= deadline) return 'PENDING';
      await this.sleep(options.pollMs ?? 1_000);
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  // ── apply ───────────────────────────────────────────────────────────────

  private pack(changes: readonly Change[]) {
    try {
      return packRoute53(changes);
    } catch (err) {
      if (err instanceof BatchLimitError) throw new ProviderError('route53', 'invalid', err.message, { cause: err });
      throw err;
    }
  }

  /** One batch; on a conflict, one re-read and one re-send of the changes that still hold. */
  private async applyBatch(
    plan: ProviderPlan,
    changes: readonly Change[],
    tally: Tally,
  ): Promise<{ applied: readonly Change[]; conflicts: { change: Change; message: string }[]; changeId?: string }> {
    try {
      return { applied: changes, conflicts: [], changeId: await this.send(plan, changes.flatMap(route53Actions), tally) };
    } catch (err) {
      if (!isProviderError(err, 'conflict')) throw err;
      if (changes.length === 1) return { applied: [], conflicts: changes.map((change) => ({ change, message: err.message })) };
      const fresh = await this.readForRecheck(changes.flatMap(route53Actions), tally);
      const recheck = applyPlan(fresh, { ...plan, changes });
      const conflicts = recheck.conflicts.map(({ change, reason }) => ({
        change,
        message: `${reason} (found on re-reading after Route 53 refused its batch as stale)`,
      }));
      this.options.log?.info(
        { provider: 'route53', stale: conflicts.length, resent: recheck.applied.length },
        'route53: batch refused as stale; re-sending the changes that still hold',
      );
      if (recheck.applied.length === 0) return { applied: [], conflicts };
      try {
        const changeId = await this.send(plan, recheck.applied.flatMap(route53Actions), tally);
        return { applied: recheck.applied, conflicts, changeId };
      } catch (again) {
        if (!isProviderError(again, 'conflict')) throw again;
        const message = `refused again after re-checking against a fresh read: ${brief(again.message)}`;
        return { applied: [], conflicts: [...conflicts, ...recheck.applied.map((change) => ({ change, message }))] };
      }
    }
  }

  /** One ChangeResourceRecordSets request; returns the ChangeInfo id. */
  private async send(plan: ProviderPlan, actions: readonly Route53Action[], tally: Tally): Promise<string> {
    const command = new ChangeResourceRecordSetsCommand({
      HostedZoneId: this.hostedZoneId,
      ChangeBatch: { Comment: `multicloud-failover owner=${plan.owner} generation=${plan.generation}`, Changes: toWireChanges(actions) },
    });
    const out = await this.call('ChangeResourceRecordSets', tally, (abortSignal) => this.client.send(command, { abortSignal }));
    const id = out.ChangeInfo?.Id;
    // The SDK parses almost anything as success; an answer without ChangeInfo is not an acknowledgement.
    if (id === undefined)
      throw new ProviderError(
        'route53',
        'unavailable',
        'ChangeResourceRecordSets answered without ChangeInfo; the write is not known to be accepted',
      );
    return id;
  }

  // ── read ────────────────────────────────────────────────────────────────

  /** Every managed-type record set of the zone, canonical, following the pages. */
  private async listZone(tally: Tally): Promise<RecordSet[]> {
    const records: RecordSet[] = [];
    let seen = 0;
    let start: { name: string; type: RRType; identifier?: string } | undefined;
    for (;;) {
      const page: ListResourceRecordSetsCommandOutput = await this.listPage(start, LIST_PAGE_SIZE, tally);
      const sets = page.ResourceRecordSets ?? [];
      seen += sets.length;
      for (const rrs of sets) {
        const rs = fromResourceRecordSet(rrs);
        if (rs !== undefined) records.push(rs);
      }
      if (!page.IsTruncated) break;
      if (page.NextRecordName === undefined || page.NextRecordType === undefined || sets.length === 0) {
        throw new ProviderError(
          'route53',
          'unavailable',
          'ListResourceRecordSets said the listing is truncated but gave no next record to continue from',
        );
      }
      start = {
        name: page.NextRecordName,
        type: page.NextRecordType,
        ...(page.NextRecordIdentifier !== undefined ? { identifier: page.NextRecordIdentifier } : {}),
      };
    }
    this.lastZoneSize = seen;
    return records;
  }

  private listPage(
    start: { name: string; type: RRType; identifier?: string } | undefined,
    maxItems: number,
    tally: Tally,
  ): Promise<ListResourceRecordSetsCommandOutput> {
    const command = new ListResourceRecordSetsCommand({
      HostedZoneId: this.hostedZoneId,
      MaxItems: maxItems,
      ...(start !== undefined ? { StartRecordName: start.name, StartRecordType: start.type } : {}),
      ...(start?.identifier !== undefined ? { StartRecordIdentifier: start.identifier } : {}),
    });
    return this.call('ListResourceRecordSets', tally, (abortSignal) => this.client.send(command, { abortSignal }));
  }

  /**
   * A fresh view of the sets a refused batch touches, at the lower cost of:
   * one lookup per set (a page of one, starting at its name and type), or the
   * whole zone listing, sized by the last listing.
   */
  private async readForRecheck(actions: readonly Route53Action[], tally: Tally): Promise<ProviderState> {
    const keys = new Map(actions.map(({ record }) => [recordKey(record.name, record.type), record]));
    const zonePages = Math.max(1, Math.ceil((this.lastZoneSize ?? LIST_PAGE_SIZE) / LIST_PAGE_SIZE));
    if (keys.size >= zonePages) {
      const records = await this.listZone(tally);
      return providerState('route53', records.filter((rs) => keys.has(recordKey(rs.name, rs.type))).map(observe));
    }
    const found: ObservedRecord[] = [];
    for (const [key, { name, type }] of keys) {
      const page = await this.listPage({ name, type }, 1, tally);
      const first = page.ResourceRecordSets?.[0];
      const rs = first === undefined ? undefined : fromResourceRecordSet(first);
      if (rs !== undefined && recordKey(rs.name, rs.type) === key) found.push(observe(rs));
    }
    return providerState('route53', found);
  }

  // ── calls ───────────────────────────────────────────────────────────────

  private call<T>(what: string, tally: Tally, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    return callWithRetry(
      {
        provider: 'route53',
        policy: this.policy,
        classify: (err) => {
          const classified = classifyRoute53Error(err, this.hostedZoneId);
          if (classified.error.kind === 'throttled') this.pacer?.throttled();
          return classified;
        },
        sleep: this.sleep,
        ...(tally.signal !== undefined ? { signal: tally.signal } : {}),
        ...(this.options.random !== undefined ? { random: this.options.random } : {}),
        onAttempt: () => {
          this.calls += 1;
          tally.n += 1;
        },
      },
      `${what} on hosted zone ${this.hostedZoneId}`,
      async (signal) => {
        await this.pacer?.acquire();
        return fn(signal);
      },
    );
  }
}
