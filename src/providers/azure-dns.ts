/**
 * Azure DNS adapter over the official `@azure/arm-dns` client.
 *
 * CAS mechanism: the record set's ETag. Azure has no multi-record transaction,
 * so every record set is written on its own and conditionally:
 * PUT `If-Match: <etag>` to replace what was read, PUT `If-None-Match: *` to
 * create, DELETE `If-Match: <etag>`; a mismatch is 412 → `conflict`.
 *
 * Write order per change (one name), the fence: the record sets first, the
 * ownership record `_mcf.<name>` LAST. Every write sets the metadata
 * `{ mcfOwner, mcfGeneration }` and changes the set's ETag, so a slower writer
 * holding an older ETag loses at its first write. If a conflict hits after
 * some sets were written, the change stops and is reported `partial`: the
 * ownership record still carries the old generation and tokens, so the next
 * read shows the name as not done and it is re-planned, never taken as done.
 * (A create that lost half-way removes the sets it created, If-Match their
 * new ETags, since the planner never adopts sets without ownership.)
 * One gap Azure cannot close: a CNAME cannot share its name, so when a change
 * swaps a CNAME and another type, the retired set is deleted before the new
 * one is created.
 *
 * Batching: none exists; changes of different names run with bounded
 * concurrency (default 8), and ARM throttling (429 + retry-after) is handled
 * by callWithRetry, as are 5xx and refused connections. The SDK's own retries
 * are off so the retry policy is one thing.
 *
 * Errors: 412/409 → conflict, 429 → throttled (retry-after honoured),
 * 5xx/connection → unavailable, 400 → invalid, 401/403 → auth, 404 → invalid
 * (the zone or resource group named in providers.azure does not exist).
 */
import { selectObserved, type ReadOptions } from './read-selection.js';
import { readFileSync } from 'node:fs';
import { DnsManagementClient, getContinuationToken } from '@azure/arm-dns';
import type { RecordSet as ArmRecordSet } from '@azure/arm-dns';
import { DefaultAzureCredential } from '@azure/identity';
import pLimit from 'p-limit';
import { ConfigError } from '../config/load.js';
import type { FailoverConfig } from '../config/schema.js';
import { canonicalName } from '../dns/record.js';
import type { RecordSet } from '../dns/record.js';
import type { Logger } from '../observability/logger.js';
import { silentLogger } from '../observability/logger.js';
import type { Change, ProviderPlan } from '../plan/change.js';
import { providerState } from '../plan/state.js';
import type { ObservedRecord, ProviderState } from '../plan/state.js';
import type { FenceMetadata } from './azure-dns-codec.js';
import { armFromRecord, observedFromArm, relativeName } from './azure-dns-codec.js';
import { callWithRetry, isConnectionError } from './call.js';
import type { CallContext } from './call.js';
import { DEFAULT_CALL_POLICY, ProviderError, isProviderError } from './provider.js';
import type { ApplyOptions, ApplyReport, CallPolicy, DnsProvider } from './provider.js';

export type AzureDnsConfig = NonNullable<FailoverConfig['providers']['azure']>;

export interface AzureDnsOptions {
  /** The managed zone, e.g. `example.test`; must be the Azure zone `providers.azure.zoneName`. */
  readonly zone: string;
  readonly policy?: Partial<CallPolicy>;
  readonly log?: Logger;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Names written at the same time (each name's sets stay in order). ARM's write bucket is 200, refilled 10/s. */
  readonly concurrency?: number;
  /** Record sets per list page (`$top`, ARM allows 1 to 1000). */
  readonly pageSize?: number;
}

export const DEFAULT_AZURE_CONCURRENCY = 8;
export const DEFAULT_AZURE_PAGE_SIZE = 1000;

// ── The writes of one change, in fence order ───────────────────────────────

export type AzureCondition = { readonly ifMatch: string } | { readonly ifNoneMatch: '*' };

export type AzureWrite =
  | { readonly op: 'put'; readonly record: RecordSet; readonly condition: AzureCondition }
  | { readonly op: 'delete'; readonly record: RecordSet; readonly ifMatch: string };

const CREATE_ONLY: AzureCondition = { ifNoneMatch: '*' };

/**
 * The conditional writes of one change, in the order they must happen:
 * record sets first (PUTs, then deletes of retired types), ownership last.
 */
export function azureWrites(change: Change): AzureWrite[] {
  const put = (record: RecordSet, condition: AzureCondition): AzureWrite => ({ op: 'put', record, condition });
  const del = (o: ObservedRecord): AzureWrite => ({ op: 'delete', record: o.record, ifMatch: o.token });
  switch (change.kind) {
    case 'create':
      return [...change.records.map((r) => put(r, CREATE_ONLY)), put(change.ownership, CREATE_ONLY)];
    case 'update': {
      const replaced = new Map(change.from.map((o) => [o.record.type, o]));
      const written = new Set(change.to.map((r) => r.type));
      const retired = change.from.filter((o) => !written.has(o.record.type));
      // A CNAME shares its name with nothing: a retired set clashing with a written one must go first.
      const clashes = (o: ObservedRecord) => written.size > 0 && (o.record.type === 'CNAME' || written.has('CNAME'));
      const puts = change.to.map((r) => {
        const from = replaced.get(r.type);
        return put(r, from ? { ifMatch: from.token } : CREATE_ONLY);
      });
      return [
        ...retired.filter(clashes).map(del),
        ...puts,
        ...retired.filter((o) => !clashes(o)).map(del),
        put(change.ownershipTo, { ifMatch: change.ownershipFrom.token }),
      ];
    }
    case 'delete':
      return [...change.from.map(del), del(change.ownershipFrom)];
  }
}

// ── Errors ─────────────────────────────────────────────────────────────────

interface RestErrorLike {
  readonly statusCode?: number;
  readonly code?: string;
  readonly message?: string;
  readonly response?: { readonly headers?: { get?(name: string): string | undefined } };
}

/** Retry-After in seconds or as an HTTP date. */
function retryAfterMs(err: RestErrorLike): number | undefined {
  const raw = err.response?.headers?.get?.('retry-after');
  if (raw === undefined || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

// ── The adapter ────────────────────────────────────────────────────────────

interface AzureScope {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  /** Zone name as ARM takes it: no trailing dot. */
  readonly zoneName: string;
}

export class AzureDnsProvider implements DnsProvider {
  readonly id = 'azure' as const;
  readonly zone: string;
  private readonly policy: CallPolicy;
  private readonly log: Logger;
  private readonly concurrency: number;
  private readonly pageSize: number;
  private calls = 0;

  constructor(
    private readonly client: DnsManagementClient,
    private readonly scope: AzureScope,
    private readonly options: AzureDnsOptions,
  ) {
    this.zone = canonicalName(options.zone);
    this.policy = { ...DEFAULT_CALL_POLICY, ...options.policy };
    this.log = options.log ?? silentLogger();
    this.concurrency = Math.max(1, options.concurrency ?? DEFAULT_AZURE_CONCURRENCY);
    this.pageSize = Math.min(1000, Math.max(1, options.pageSize ?? DEFAULT_AZURE_PAGE_SIZE));
  }

  /** API requests made so far, retries included (for benchmarks). */
  apiCalls(): number {
    return this.calls;
  }

  async read(names: readonly string[], options: ReadOptions = {}): Promise<ProviderState> {
    const all = await this.listZone(() => undefined, options.signal);
    const selected = new Set(
      selectObserved(
        all.map((o) => o.record),
        names,
        options,
      ),
    );
    return providerState(
      this.id,
      all.filter((o) => selected.has(o.record)),
    );
  }

  async apply(plan: ProviderPlan, options: ApplyOptions = {}): Promise<ApplyReport> {
    const started = Date.now();
    const signal = options.signal;
    if (plan.provider !== this.id)
      throw new ProviderError(this.id, 'invalid', `a plan for ${plan.provider} was handed to the Azure DNS adapter`);
    let calls = 0;
    const count: Attempts = Object.assign(
      () => {
        calls += 1;
      },
      { signal },
    );
    const metadata: FenceMetadata = { mcfOwner: plan.owner, mcfGeneration: String(plan.generation) };
    const outcomes: (Outcome | undefined)[] = new Array(plan.changes.length);
    const indexed = plan.changes.map((change, i) => ({ change, i }));
    try {
      await runBounded(indexed, this.concurrency, async ({ change, i }) => {
        outcomes[i] = await this.applyChange(change, metadata, count);
      });
    } catch (err) {
      const done = outcomes.filter((o) => o?.kind === 'applied').length;
      this.log.warn(
        { provider: this.id, generation: plan.generation, applied: done, changes: plan.changes.length, err },
        'azure apply stopped',
      );
      throw err;
    }
    const applied: Change[] = [];
    const conflicts: { change: Change; message: string; partial?: boolean }[] = [];
    plan.changes.forEach((change, i) => {
      const o = outcomes[i] as Outcome;
      if (o.kind === 'applied') applied.push(change);
      else conflicts.push({ change, message: o.message, ...(o.partial ? { partial: true } : {}) });
    });
    const report: ApplyReport = { provider: this.id, applied, conflicts, apiCalls: calls, durationMs: Date.now() - started };
    this.log.info(
      {
        provider: this.id,
        generation: plan.generation,
        applied: applied.length,
        conflicts: conflicts.length,
        apiCalls: calls,
        durationMs: report.durationMs,
      },
      'azure apply',
    );
    return report;
  }

  /** The SDK client keeps no sockets we own (the pipeline's agent is shared); nothing to release. */
  async close(): Promise<void> {}

  // ── internals ──

  private context(onAttempt: Attempts): CallContext {
    return {
      ...(onAttempt.signal !== undefined ? { signal: onAttempt.signal } : {}),
      provider: this.id,
      policy: this.policy,
      classify: (err) => this.classify(err),
      sleep: this.options.sleep,
      random: this.options.random,
      onAttempt: () => {
        this.calls += 1;
        onAttempt();
      },
    };
  }

  /** All managed-type record sets of the zone, page by page (each page retried on its own). */
  private async listZone(onAttempt: () => void, signal: AbortSignal | undefined): Promise<ObservedRecord[]> {
    const ctx = this.context(Object.assign(onAttempt, { signal }));
    const out: ObservedRecord[] = [];
    let continuationToken: string | undefined;
    do {
      const page: ArmRecordSet[] = await callWithRetry(ctx, `list record sets of ${this.scope.zoneName}`, async (abortSignal) => {
        const pages = this.client.recordSets
          .listAllByDnsZone(this.scope.resourceGroup, this.scope.zoneName, { top: this.pageSize, abortSignal })
          .byPage(continuationToken === undefined ? undefined : { continuationToken });
        const next = await pages.next();
        return next.done ? [] : next.value;
      });
      for (const arm of page) {
        const observed = this.decode(arm);
        if (observed) out.push(observed);
      }
      continuationToken = getContinuationToken(page);
    } while (continuationToken !== undefined);
    return out;
  }

  private decode(arm: ArmRecordSet): ObservedRecord | undefined {
    try {
      return observedFromArm(arm, this.zone);
    } catch (err) {
      throw new ProviderError(this.id, 'invalid', (err as Error).message, { cause: err });
    }
  }

  private relative(name: string): string {
    const rel = relativeName(name, this.zone);
    if (rel === undefined) throw new ProviderError(this.id, 'invalid', `${name} is not in zone ${this.zone}`);
    return rel;
  }

  private async applyChange(change: Change, metadata: FenceMetadata, onAttempt: Attempts): Promise<Outcome> {
    let written = 0;
    /** Sets this create change brought into being, with the ETag our PUT got back. */
    const created: { record: RecordSet; etag: string }[] = [];
    for (const w of azureWrites(change)) {
      try {
        const etag = await this.write(w, metadata, onAttempt);
        written += 1;
        if (change.kind === 'create' && etag !== undefined) created.push({ record: w.record, etag });
      } catch (err) {
        if (!isProviderError(err, 'conflict')) throw err;
        const rolledBack = await this.rollBack(created, onAttempt);
        const partial = written - rolledBack > 0;
        const note = rolledBack > 0 ? `; rolled back ${rolledBack} record set(s) this change had created` : '';
        this.log.info(
          { provider: this.id, name: change.name, kind: change.kind, written, rolledBack, partial, reason: err.message },
          'azure change refused (stale state)',
        );
        return { kind: 'conflict', message: `${err.message}${note}`, partial };
      }
    }
    return { kind: 'applied' };
  }

  /**
   * A create that lost half-way would leave sets without an ownership record,
   * which the planner never adopts. Nothing of ours was at the name before, so
   * remove what this change created, each only if still exactly as we wrote it
   * (If-Match our ETag); a set somebody changed since is left alone.
   */
  private async rollBack(created: readonly { record: RecordSet; etag: string }[], onAttempt: Attempts): Promise<number> {
    let removed = 0;
    for (const { record, etag } of created) {
      try {
        await this.write({ op: 'delete', record, ifMatch: etag }, undefined, onAttempt);
        removed += 1;
      } catch (err) {
        if (!isProviderError(err, 'conflict')) throw err;
        this.log.warn(
          { provider: this.id, name: record.name, type: record.type },
          'azure roll-back skipped: the set changed since we created it',
        );
      }
    }
    return removed;
  }

  /** One conditional write; a PUT returns the set's new ETag. */
  private async write(w: AzureWrite, metadata: FenceMetadata | undefined, onAttempt: Attempts): Promise<string | undefined> {
    const { resourceGroup, zoneName } = this.scope;
    const rel = this.relative(w.record.name);
    const type = w.record.type;
    const ctx = this.context(onAttempt);
    if (w.op === 'put') {
      if (metadata === undefined) throw new TypeError('a PUT carries fencing metadata');
      const body = armFromRecord(w.record, metadata);
      const how = 'ifMatch' in w.condition ? 'If-Match' : 'If-None-Match: *';
      const saved = await callWithRetry(ctx, `PUT ${w.record.name} ${type} (${how})`, (abortSignal) =>
        this.client.recordSets.createOrUpdate(resourceGroup, zoneName, rel, type, body, { ...w.condition, abortSignal }),
      );
      return saved.etag;
    }
    await callWithRetry(ctx, `DELETE ${w.record.name} ${type} (If-Match)`, (abortSignal) =>
      this.client.recordSets.delete(resourceGroup, zoneName, rel, type, { ifMatch: w.ifMatch, abortSignal }),
    );
    return undefined;
  }

  /** An SDK error as a typed ProviderError (RestError: statusCode, code, response headers). */
  private classify(err: unknown): { error: ProviderError; retryAfterMs?: number } {
    if (err instanceof ProviderError) return { error: err };
    const e = (err ?? {}) as RestErrorLike;
    const status = e.statusCode;
    const what = `${e.code ? `${e.code}: ` : ''}${e.message ?? String(err)}`;
    const fail = (kind: ProviderError['kind'], message: string) => ({ error: new ProviderError(this.id, kind, message, { cause: err }) });
    const { subscriptionId, resourceGroup, zoneName } = this.scope;
    if (status === 412) return fail('conflict', `${what} (the record set changed since it was read; re-read and re-plan)`);
    if (status === 409) return fail('conflict', `${what} (another record set took the name since it was read; re-read and re-plan)`);
    if (status === 429) {
      const after = retryAfterMs(e);
      return { ...fail('throttled', what), ...(after !== undefined ? { retryAfterMs: after } : {}) };
    }
    if (status === 401 || status === 403) {
      return fail(
        'auth',
        `${what} (check providers.azure.token, or that the identity may write DNS zone ${zoneName} in resource group ${resourceGroup})`,
      );
    }
    if (status === 404) {
      return fail(
        'invalid',
        `${what} (zone ${zoneName} not found in resource group ${resourceGroup} of subscription ${subscriptionId}: check providers.azure.zoneName, providers.azure.resourceGroup and providers.azure.subscriptionId)`,
      );
    }
    if (status !== undefined && status >= 500) return fail('unavailable', what);
    if (status !== undefined && status >= 400) return fail('invalid', what);
    if (typeof e.code === 'string' && TLS_CODES.test(e.code)) {
      return fail(
        'invalid',
        `${what} (the API's certificate is not trusted: set providers.azure.caCertPath to the emulator's CA certificate)`,
      );
    }
    if (isConnectionError(err) || e.code === 'REQUEST_SEND_ERROR') return fail('unavailable', what);
    return fail('unavailable', what);
  }
}

/** Counts one read's or apply's attempts, and carries its caller's cancellation to every request. */
type Attempts = (() => void) & { readonly signal?: AbortSignal | undefined };

type Outcome = { readonly kind: 'applied' } | { readonly kind: 'conflict'; readonly message: string; readonly partial: boolean };

/**
 * Run `work` over `items`, at most `limit` at a time (p-limit); after the first
 * failure nothing new starts, every write already in flight is awaited (so none
 * is acknowledged after apply returned), and the first failure is rethrown.
 */
async function runBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const bounded = pLimit(limit);
  let failure: { error: unknown } | undefined;
  await Promise.all(
    items.map((item) =>
      bounded(async () => {
        if (failure !== undefined) return;
        try {
          await work(item);
        } catch (error) {
          failure ??= { error };
        }
      }),
    ),
  );
  if (failure !== undefined) throw failure.error;
}

// ── Construction from configuration ────────────────────────────────────────

const CONFIG_SOURCE = 'the controller configuration';

function configError(path: string, message: string): ConfigError {
  return new ConfigError(CONFIG_SOURCE, [{ path, message }]);
}

/**
 * The adapter for `providers.azure`. Production authenticates with
 * DefaultAzureCredential (managed identity, workload identity, environment,
 * Azure CLI, ...); the emulator with the static bearer token from the config;
 * `caCertPath` names a PEM file the client trusts for https.
 */
export function createAzureDnsProvider(config: AzureDnsConfig, options: AzureDnsOptions): AzureDnsProvider {
  if (canonicalName(config.zoneName) !== canonicalName(options.zone)) {
    throw configError(
      'providers.azure.zoneName',
      `expected the managed zone ${canonicalName(options.zone)}, got ${canonicalName(config.zoneName)}`,
    );
  }
  const token = config.token;
  let ca: string | undefined;
  if (config.caCertPath !== undefined) {
    try {
      ca = readFileSync(config.caCertPath, 'utf8');
    } catch (err) {
      throw configError('providers.azure.caCertPath', `cannot read ${config.caCertPath}: ${(err as Error).message}`);
    }
  }
  const credential: ConstructorParameters<typeof DnsManagementClient>[0] =
    token !== undefined ? { getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) } : new DefaultAzureCredential();
  const client = new DnsManagementClient(credential, config.subscriptionId, {
    ...(config.endpoint !== undefined ? { endpoint: config.endpoint } : {}),
    ...(ca !== undefined ? { tlsOptions: { ca } } : {}),
    // callWithRetry does the retries: one policy, with our deadline per attempt.
    retryOptions: { maxRetries: 0 },
  });
  const scope = {
    subscriptionId: config.subscriptionId,
    resourceGroup: config.resourceGroup,
    zoneName: canonicalName(config.zoneName).slice(0, -1),
  };
  return new AzureDnsProvider(client, scope, options);
}
