/**
 * Cloud DNS adapter over the official `@google-cloud/dns` client.
 *
 * CAS: every change becomes exact-match deletions of the observed record sets
 * (name, type, TTL, every rrdata) + additions of the new ones, in one Cloud DNS
 * change (`zone.createChange({ add, delete })`), which applies atomically. A
 * deletion that no longer matches refuses the whole change with 412
 * conditionNotMet, an addition of a set that exists with 409 alreadyExists:
 * both are conflicts, never forced. Tokens are `exactRecordToken`: the record
 * itself is the precondition. The change is acknowledged when Cloud DNS accepts
 * it (status `pending`); apply does not wait for `done` (Cloud DNS applies a
 * change atomically; that the answer is served is checked over DNS afterwards).
 *
 * Batching: `packCloudDns` puts whole names into as few changes as the limits
 * allow (1,000 additions, 1,000 deletions, 100,000 rrdata bytes); one request
 * per change, sent one after the other. A refused change of several names is
 * not all lost: the adapter re-reads the zone once, re-checks every change
 * against the fresh read (`applyPlan`, the in-memory reference) and re-sends
 * the changes whose observed state still holds; the others are reported as
 * conflicts. This stays a compare-and-swap: Cloud DNS checks the re-sent
 * deletions against the same records as before; a re-sent change that is
 * refused again is reported whole as conflicts. A refused change of one name
 * is reported at once.
 *
 * Cost: read() lists the whole zone in pages of 1,000 (5,000 sets = 5 calls),
 * plus one managedZones.get the first time (the zone must serve the configured
 * domain); apply() makes one call per change (+ re-read and re-send when a
 * change of several names is refused).
 *
 * Errors: the client's own retries and transport are replaced (see
 * cloud-dns-client.ts); `callWithRetry` retries 429 and the rate-limit reasons
 * ('throttled', Retry-After honoured), 408, 5xx and refused or reset
 * connections ('unavailable'), and aborts each attempt at its deadline
 * ('timeout'). 412 / 409 → 'conflict'; 404 → 'invalid' naming
 * providers.clouddns.managedZone and projectId; 401/403 → 'auth' (403
 * quotaExceeded, a per-change limit, → 'invalid'); other 4xx → 'invalid'.
 */
import type { DNS, Record as SdkRecord, Zone } from '@google-cloud/dns';
import type { ProvidersConfig } from '../config/schema.js';
import { selectObserved, type ReadOptions } from './read-selection.js';
import { MANAGED_TYPES, canonicalName, canonicalRecordSet } from '../dns/record.js';
import type { RecordSet, RecordType } from '../dns/record.js';
import type { Logger } from '../observability/logger.js';
import { BatchLimitError, packCloudDns } from '../plan/batching.js';
import type { CloudDnsChange } from '../plan/batching.js';
import type { Change, ProviderPlan } from '../plan/change.js';
import { applyPlan } from '../plan/simulate.js';
import { exactRecordToken, providerState } from '../plan/state.js';
import type { ObservedRecord, ProviderState } from '../plan/state.js';
import { callWithRetry, cancelledError, isConnectionError } from './call.js';
import { CloudDnsHttpError, cloudDnsClient, underSignal } from './cloud-dns-client.js';
import { DEFAULT_CALL_POLICY, ProviderError, isProviderError } from './provider.js';
import type { ApplyOptions, ApplyReport, CallPolicy, DnsProvider } from './provider.js';

export type CloudDnsConfig = NonNullable<ProvidersConfig['clouddns']>;

/** Record sets per rrsets.list page (the API's largest). */
export const LIST_PAGE_SIZE = 1000;

export interface CloudDnsProviderOptions {
  /** The zone this adapter manages (`example.test`). */
  readonly zone: string;
  readonly policy?: Partial<CallPolicy>;
  readonly log?: Logger;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

export interface CloudDnsProvider extends DnsProvider {
  /** API requests made by this adapter so far, retries included. */
  apiCalls(): number;
}

export function createCloudDnsProvider(config: CloudDnsConfig, options: CloudDnsProviderOptions): CloudDnsProvider {
  const dns = cloudDnsClient({
    projectId: config.projectId,
    // Without a token the client uses Application Default Credentials.
    ...(config.token !== undefined ? { token: config.token } : {}),
    ...(config.endpoint !== undefined ? { endpoint: config.endpoint } : {}),
  });
  return new CloudDnsAdapter(dns, config, options);
}

// ── codec ─────────────────────────────────────────────────────────────────

/** A listed rrset as a canonical record set, or undefined when it is not a managed type. */
export function fromSdkRecord(record: SdkRecord): RecordSet | undefined {
  const type = record.type.toUpperCase();
  if (!(MANAGED_TYPES as readonly string[]).includes(type)) return undefined;
  const { name, ttl } = record.metadata as { name?: unknown; ttl?: unknown };
  if (typeof name !== 'string' || typeof ttl !== 'number') {
    throw new ProviderError('clouddns', 'unavailable', `rrsets.list answered a ${type} set without a name or TTL`);
  }
  const data = (record.data ?? []) as unknown[];
  return canonicalRecordSet({ name, type: type as RecordType, ttl, values: data.map(String) });
}

/** A record set as the client's Record (its JSON is exactly name, type, ttl, rrdatas). */
function toSdkRecord(zone: Zone, rs: RecordSet): SdkRecord {
  const c = canonicalRecordSet(rs);
  return zone.record(c.type, { name: c.name, ttl: c.ttl, data: [...c.values] });
}

/** Google's rate-limit reasons, which may come with 403 as well as 429. */
const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);

export interface CloudDnsTarget {
  readonly projectId: string;
  readonly managedZone: string;
}

/** Map what a call threw to a typed ProviderError (and the Retry-After, when given). */
export function classifyCloudDnsError(err: unknown, target: CloudDnsTarget): { error: ProviderError; retryAfterMs?: number } {
  const fail = (kind: ProviderError['kind'], message: string, retryAfterMs?: number) => ({
    error: new ProviderError('clouddns', kind, message, { cause: err }),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
  });
  if (err instanceof ProviderError) return { error: err };
  if (!(err instanceof CloudDnsHttpError)) {
    const message = err instanceof Error ? err.message : String(err);
    return fail('unavailable', isConnectionError(err) ? `cannot reach the Cloud DNS API: ${message}` : `Cloud DNS call failed: ${message}`);
  }
  const reasons = err.reasons.length > 0 ? ` (${err.reasons.join(', ')})` : '';
  const said = `${err.code}${reasons}: ${err.message}`;
  if (err.code === 429 || err.reasons.some((r) => RATE_LIMIT_REASONS.has(r)))
    return fail('throttled', `rate limited, ${said}`, err.retryAfterMs);
  if (err.code === 412 || err.code === 409) return fail('conflict', `the zone changed since it was read, ${said}`);
  if (err.code === 408 || err.code >= 500) return fail('unavailable', `Cloud DNS failed, ${said}`);
  if (err.reasons.includes('quotaExceeded')) return fail('invalid', `a change exceeds a Cloud DNS quota, ${said}`);
  if (err.code === 401 || err.code === 403) {
    return fail(
      'auth',
      `credentials refused for project '${target.projectId}', ${said}; check the token or Application Default Credentials and the controller's role`,
    );
  }
  if (err.code === 404) {
    return fail(
      'invalid',
      `managed zone '${target.managedZone}' not found in project '${target.projectId}', ${said}; check providers.clouddns.managedZone and providers.clouddns.projectId`,
    );
  }
  return fail('invalid', `request refused, ${said}`);
}

// ── adapter ───────────────────────────────────────────────────────────────

/** Counts the attempts of one read or apply, and carries its caller's cancellation to every request. */
interface Tally {
  n: number;
  readonly signal?: AbortSignal | undefined;
}

interface BatchOutcome {
  readonly applied: readonly Change[];
  readonly conflicts: { change: Change; message: string }[];
}

const observe = (record: RecordSet): ObservedRecord => ({ record, token: exactRecordToken(record) });

class CloudDnsAdapter implements CloudDnsProvider {
  readonly id = 'clouddns' as const;
  readonly zone: string;
  private readonly managedZone: Zone;
  private readonly target: CloudDnsTarget;
  private readonly policy: CallPolicy;
  private calls = 0;
  /** Resolves once the managed zone was seen serving `zone`; reset on failure. */
  private zoneChecked: Promise<void> | undefined;

  constructor(
    dns: DNS,
    config: CloudDnsConfig,
    private readonly options: CloudDnsProviderOptions,
  ) {
    this.zone = canonicalName(options.zone);
    this.managedZone = dns.zone(config.managedZone);
    this.target = { projectId: config.projectId, managedZone: config.managedZone };
    this.policy = { ...DEFAULT_CALL_POLICY, ...options.policy };
  }

  apiCalls(): number {
    return this.calls;
  }

  async read(names: readonly string[], options: ReadOptions = {}): Promise<ProviderState> {
    const records = await this.listZone({ n: 0, signal: options.signal });
    return providerState('clouddns', selectObserved(records, names, options).map(observe));
  }

  async apply(plan: ProviderPlan, options: ApplyOptions = {}): Promise<ApplyReport> {
    const started = Date.now();
    const tally: Tally = { n: 0, signal: options.signal };
    if (plan.provider !== 'clouddns')
      throw new ProviderError('clouddns', 'invalid', `a plan for ${plan.provider} was given to the Cloud DNS adapter`);
    const applied: Change[] = [];
    const conflicts: { change: Change; message: string }[] = [];
    const batches = this.pack(plan.changes);
    if (batches.length > 0) await this.checkZone(tally);
    for (const batch of batches) {
      const outcome = await this.applyBatch(plan, batch, tally);
      applied.push(...outcome.applied);
      conflicts.push(...outcome.conflicts);
    }
    if (conflicts.length > 0)
      this.options.log?.warn(
        { provider: 'clouddns', conflicts: conflicts.map((c) => c.change.name) },
        'clouddns: changes refused as stale; re-read and re-plan',
      );
    return { provider: 'clouddns', applied, conflicts, apiCalls: tally.n, durationMs: Date.now() - started };
  }

  /** Nothing to release: requests go through the process-wide fetch pool, whose idle sockets close on their own. */
  async close(): Promise<void> {}

  // ── apply ───────────────────────────────────────────────────────────────

  private pack(changes: readonly Change[]): CloudDnsChange[] {
    try {
      return packCloudDns(changes);
    } catch (err) {
      if (err instanceof BatchLimitError) throw new ProviderError('clouddns', 'invalid', err.message, { cause: err });
      throw err;
    }
  }

  /** One change; on a conflict, one re-read and one re-send of the changes that still hold. */
  private async applyBatch(plan: ProviderPlan, batch: CloudDnsChange, tally: Tally): Promise<BatchOutcome> {
    try {
      await this.send(batch, tally);
      return { applied: batch.changes, conflicts: [] };
    } catch (err) {
      if (!isProviderError(err, 'conflict')) throw err;
      // Alone in its change, a refused name is a conflict: a re-read would only say so again.
      if (batch.changes.length === 1) return { applied: [], conflicts: batch.changes.map((change) => ({ change, message: err.message })) };
      const fresh = providerState('clouddns', (await this.listZone(tally)).map(observe));
      const recheck = applyPlan(fresh, { ...plan, changes: batch.changes });
      const conflicts = recheck.conflicts.map(({ change, reason }) => ({
        change,
        message: `${reason} (its change was refused: ${err.message})`,
      }));
      this.options.log?.info(
        { provider: 'clouddns', stale: conflicts.length, resent: recheck.applied.length },
        'clouddns: change refused as stale; re-sending the changes that still hold',
      );
      if (recheck.applied.length === 0) return { applied: [], conflicts };
      const applied: Change[] = [];
      for (const resend of this.pack(recheck.applied)) {
        try {
          await this.send(resend, tally);
          applied.push(...resend.changes);
        } catch (again) {
          if (!isProviderError(again, 'conflict')) throw again;
          conflicts.push(...resend.changes.map((change) => ({ change, message: `${again.message} (refused again after a re-read)` })));
        }
      }
      return { applied, conflicts };
    }
  }

  /** One changes.create request: the exact deletions and the additions, applied atomically. */
  private async send(batch: CloudDnsChange, tally: Tally): Promise<void> {
    const add = batch.additions.map((rs) => toSdkRecord(this.managedZone, rs));
    const del = batch.deletions.map((rs) => toSdkRecord(this.managedZone, rs));
    const [, response] = await this.call(`changes.create of ${batch.changes.length} name(s)`, tally, () =>
      this.managedZone.createChange({ add, delete: del }),
    );
    // Anything else is not an acknowledgement that the change was accepted.
    if ((response as { kind?: unknown } | undefined)?.kind !== 'dns#change') {
      throw new ProviderError(
        'clouddns',
        'unavailable',
        'changes.create answered without a dns#change; the write is not known to be accepted',
      );
    }
  }

  // ── read ────────────────────────────────────────────────────────────────

  /** Fail early, naming the setting, when the managed zone does not serve the configured domain. */
  private async checkZone(tally: Tally): Promise<void> {
    // Shared by concurrent callers and run under the signal of the caller that started it: if that
    // caller cancels, the others (still wanting it) start it again under their own.
    for (;;) {
      this.zoneChecked ??= this.call('managedZones.get', tally, () => this.managedZone.getMetadata()).then(
        ([metadata]) => this.checkServes((metadata as { dnsName?: unknown }).dnsName),
        (err: unknown) => {
          this.zoneChecked = undefined;
          throw err;
        },
      );
      try {
        return await (tally.signal === undefined ? this.zoneChecked : underSignal(tally.signal, () => this.zoneChecked as Promise<void>));
      } catch (err) {
        const what = `managedZones.get on managed zone ${this.target.managedZone}`;
        if (tally.signal?.aborted) throw cancelledError('clouddns', what, tally.signal);
        if (!isProviderError(err, 'cancelled')) throw err;
      }
    }
  }

  private checkServes(dnsName: unknown): void {
    if (typeof dnsName !== 'string' || canonicalName(dnsName) !== this.zone) {
      throw new ProviderError(
        'clouddns',
        'invalid',
        `managed zone '${this.target.managedZone}' serves ${String(dnsName)}, not ${this.zone}; point providers.clouddns.managedZone at the zone of ${this.zone}`,
      );
    }
  }

  /** Every managed-type record set of the zone, canonical, following the pages. */
  private async listZone(tally: Tally): Promise<RecordSet[]> {
    await this.checkZone(tally);
    const records: RecordSet[] = [];
    let pageToken: string | undefined;
    do {
      const query = { maxResults: LIST_PAGE_SIZE, autoPaginate: false, ...(pageToken !== undefined ? { pageToken } : {}) };
      // With autoPaginate off the client answers [records, nextQuery, apiResponse]; its type names two of them.
      const [page, , response] = (await this.call('rrsets.list', tally, () => this.managedZone.getRecords(query))) as unknown as [
        SdkRecord[],
        unknown,
        { nextPageToken?: unknown },
      ];
      for (const record of page) {
        const rs = fromSdkRecord(record);
        if (rs !== undefined) records.push(rs);
      }
      pageToken = typeof response?.nextPageToken === 'string' && response.nextPageToken !== '' ? response.nextPageToken : undefined;
    } while (pageToken !== undefined);
    return records;
  }

  // ── calls ───────────────────────────────────────────────────────────────

  private call<T>(what: string, tally: Tally, fn: () => Promise<T>): Promise<T> {
    return callWithRetry(
      {
        provider: 'clouddns',
        policy: this.policy,
        classify: (err) => classifyCloudDnsError(err, this.target),
        ...(tally.signal !== undefined ? { signal: tally.signal } : {}),
        ...(this.options.sleep !== undefined ? { sleep: this.options.sleep } : {}),
        ...(this.options.random !== undefined ? { random: this.options.random } : {}),
        onAttempt: () => {
          this.calls += 1;
          tally.n += 1;
        },
      },
      `${what} on managed zone ${this.target.managedZone}`,
      (signal) => underSignal(signal, fn),
    );
  }
}
