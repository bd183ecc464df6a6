/**
 * One controller's membership in the controller group, over etcd (the `etcd3` client):
 * - a lease, kept alive by the client, to which everything this member writes is bound;
 * - a campaign in etcd's election recipe (lowest create revision under the election
 *   prefix leads); the leader's epoch is its key's create revision, a fencing token;
 * - its observations of every target, published on change, and a watch of everyone's.
 *
 * The guard before a write is a linearizable read of this member's own election key:
 * it exists, with the epoch's revision, only while this member leads and its lease is
 * alive in the cluster's majority. A member cut off from etcd cannot pass it, so it stops
 * writing at once; a late write that was already in flight is refused downstream by the
 * epoch it carries (fence.ts).
 */
import { EventEmitter } from 'node:events';
import { Etcd3, type Campaign, type Election, type IOptions, type Namespace } from 'etcd3';
import {
  decodeObservation,
  encodeObservation,
  observationKey,
  observationsPrefix,
  sameObservation,
  type Observation,
} from './observation.js';
import { parseEpoch } from './fence.js';

export interface GroupOptions {
  /** etcd client URLs (all members: the client fails over between them). */
  readonly endpoints: readonly string[];
  /** This controller's member id, e.g. its cloud: `aws`. */
  readonly memberId: string;
  /** Key prefix of this group in etcd, ending in `/`. Default `mcf/`. */
  readonly prefix?: string;
  /** Lease TTL in seconds: how long a dead leader keeps the lead. Default 5. */
  readonly leaseTtlSeconds?: number;
  /** Per-call deadline for etcd requests (ms). Default 2,000. */
  readonly callTimeoutMs?: number;
  /** Extra options for the etcd3 client (TLS credentials in production). */
  readonly client?: Omit<IOptions, 'hosts'>;
}

/** This member's role. `leader` carries the epoch that fences its writes. */
export type Role = { readonly kind: 'follower' } | { readonly kind: 'leader'; readonly epoch: bigint } | { readonly kind: 'stopped' };

export interface GroupEvents {
  role: [Role];
  observation: [Observation];
  /** A member's observation went away (its lease ended or it withdrew it). */
  withdrawn: [{ member: string; targetId: string }];
  /** etcd trouble this member survived (a lost lease, a campaign error); it campaigns again. */
  trouble: [Error];
}

/** The guard before a write refused: this member does not lead (any more). */
export class NotLeaderError extends Error {
  constructor(
    readonly memberId: string,
    detail: string,
  ) {
    super(`controller ${memberId} may not write: ${detail}`);
    this.name = 'NotLeaderError';
  }
}

export class ControllerGroup extends EventEmitter<GroupEvents> {
  readonly memberId: string;
  readonly #client: Etcd3;
  readonly #ns: Namespace;
  readonly #prefix: string;
  readonly #ttl: number;
  readonly #election: Election;
  readonly #published = new Map<string, Observation>();
  readonly #seen = new Map<string, Observation>();
  #campaign: Campaign | undefined;
  #campaignKey: string | undefined;
  #role: Role = { kind: 'follower' };
  #lease: ReturnType<Namespace['lease']> | undefined;
  #watchCancel: (() => Promise<void>) | undefined;
  #stopped = false;

  constructor(options: GroupOptions) {
    super();
    this.memberId = options.memberId;
    this.#prefix = options.prefix ?? 'mcf/';
    this.#ttl = options.leaseTtlSeconds ?? 5;
    this.#client = new Etcd3({
      ...options.client,
      hosts: [...options.endpoints],
      defaultCallOptions: () => ({ deadline: Date.now() + (options.callTimeoutMs ?? 2000) }),
    });
    this.#ns = this.#client.namespace(this.#prefix);
    this.#election = this.#ns.election('leader', this.#ttl);
  }

  get role(): Role {
    return this.#role;
  }

  /** Observations from every member, as last seen through the watch. */
  observations(): Observation[] {
    return [...this.#seen.values()];
  }

  /** Joins: starts the observation watch, the lease and the campaign. */
  async start(): Promise<void> {
    await this.#watchObservations();
    this.#campaignOnce();
  }

  /**
   * Publishes this member's observation of a target when it changed; bound to the
   * member's lease, so it disappears when the member does.
   */
  async observe(o: Omit<Observation, 'member'>): Promise<void> {
    const full: Observation = { ...o, member: this.memberId };
    if (sameObservation(this.#published.get(o.targetId), full)) return;
    const lease = this.#ensureLease();
    await lease.put(this.#relative(observationKey(this.#prefix, this.memberId, o.targetId))).value(encodeObservation(full));
    this.#published.set(o.targetId, full);
  }

  /**
   * The guard before every write batch: resolves with the epoch when this member leads
   * now (a linearizable read of its election key); throws NotLeaderError otherwise.
   */
  async assertLeader(): Promise<bigint> {
    if (this.#role.kind !== 'leader' || this.#campaignKey === undefined) throw new NotLeaderError(this.memberId, 'not the leader');
    const epoch = this.#role.epoch;
    let kv;
    try {
      const res = await this.#client.get(this.#campaignKey).exec();
      kv = res.kvs[0];
    } catch (err) {
      throw new NotLeaderError(this.memberId, `etcd unreachable (${err instanceof Error ? err.message : String(err)})`);
    }
    if (kv === undefined || BigInt(kv.create_revision) !== epoch) {
      this.#setRole({ kind: 'follower' });
      throw new NotLeaderError(this.memberId, 'the election key is gone: the lease ended');
    }
    return epoch;
  }

  /** Leaves the group: resigns (the lease is revoked, so a peer takes over at once) and closes the client. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#setRole({ kind: 'stopped' });
    await Promise.allSettled([this.#campaign?.resign(), this.#lease?.revoke(), this.#watchCancel?.()]);
    this.#client.close();
  }

  /** Closes the client without resigning or revoking: what a crash looks like to the peers. */
  abandon(): void {
    this.#stopped = true;
    this.#setRole({ kind: 'stopped' });
    this.#client.close();
  }

  #relative(key: string): string {
    return key.slice(this.#prefix.length);
  }

  #ensureLease(): ReturnType<Namespace['lease']> {
    if (this.#lease !== undefined) return this.#lease;
    const lease = this.#ns.lease(this.#ttl);
    lease.on('lost', (err) => {
      if (this.#lease === lease) this.#lease = undefined;
      // Everything bound to the lease is gone: publish again on the next observation.
      this.#published.clear();
      if (!this.#stopped) this.emit('trouble', err);
    });
    this.#lease = lease;
    return lease;
  }

  #campaignOnce(): void {
    if (this.#stopped) return;
    const campaign = this.#election.campaign(this.memberId);
    this.#campaign = campaign;
    campaign.on('elected', () => {
      void (async () => {
        try {
          const key = await campaign.getCampaignKey();
          const res = await this.#client.get(key).exec();
          const kv = res.kvs[0];
          if (kv === undefined || this.#campaign !== campaign) throw new Error('elected, but the election key is gone');
          this.#campaignKey = key;
          this.#setRole({ kind: 'leader', epoch: parseEpoch(kv.create_revision) });
        } catch (err) {
          this.#retryCampaign(campaign, err);
        }
      })();
    });
    campaign.on('error', (err) => this.#retryCampaign(campaign, err));
  }

  #retryCampaign(campaign: Campaign, err: unknown): void {
    if (this.#campaign !== campaign) return;
    this.#campaign = undefined;
    this.#campaignKey = undefined;
    if (this.#stopped) return;
    this.#setRole({ kind: 'follower' });
    this.emit('trouble', err instanceof Error ? err : new Error(String(err)));
    campaign.resign().catch(() => undefined);
    // A fresh lease and key: the old campaign's lease is lost or revoked.
    setTimeout(() => this.#campaignOnce(), 200).unref();
  }

  #setRole(role: Role): void {
    const before = this.#role;
    const same = before.kind === role.kind && (before.kind !== 'leader' || role.kind !== 'leader' || before.epoch === role.epoch);
    this.#role = role;
    if (!same) this.emit('role', role);
  }

  async #watchObservations(): Promise<void> {
    const prefix = observationsPrefix(this.#prefix);
    const initial = await this.#client.getAll().prefix(prefix).exec();
    for (const kv of initial.kvs) this.#accept(kv.key.toString(), kv.value.toString());
    const watcher = await this.#client
      .watch()
      .prefix(prefix)
      .startRevision(String(BigInt(initial.header.revision) + 1n))
      .create();
    watcher.on('put', (kv) => this.#accept(kv.key.toString(), kv.value.toString()));
    watcher.on('delete', (kv) => {
      const key = kv.key.toString();
      const o = this.#seen.get(key);
      this.#seen.delete(key);
      if (o !== undefined) this.emit('withdrawn', { member: o.member, targetId: o.targetId });
    });
    watcher.on('error', (err) => this.emit('trouble', err));
    this.#watchCancel = () => watcher.cancel();
  }

  #accept(key: string, value: string): void {
    try {
      const o = decodeObservation(this.#prefix, key, value);
      this.#seen.set(key, o);
      this.emit('observation', o);
    } catch (err) {
      this.emit('trouble', err instanceof Error ? err : new Error(String(err)));
    }
  }
}
