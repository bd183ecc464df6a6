/**
 * Everything that watches one race: the committed-state checker on every
 * emulator's zone store (nothing escapes it) and a DnsPoller per name asking
 * each provider's name server over real DNS, as `dig` would (what clients
 * could actually have seen).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ProviderId } from '../../providers/provider.js';
import { canonicalName } from '../../dns/record.js';
import type { AnswerSpan, Observation } from '../answer-history.js';
import { DnsPoller, type PolledServer } from '../dns-poller.js';
import { queryA } from '../../dns/query.js';
import { toNameserver } from '../nameserver.js';
import { CommittedStateChecker, type GenerationSource } from './committed-states.js';
import type { PlanBook } from './incident.js';
import { POLLED_AS, RACE_PROVIDERS, type RaceFixture } from './race-fixture.js';
import { RACE_OWNER } from './product-writer.js';

/** Fast enough to see short-lived answers, slow enough to leave the writers the CPU. */
export const RACE_POLL_INTERVAL_MS = 5;
const FINAL_POLLS_WITHIN_MS = 2_000;
const FINAL_QUERY_TIMEOUT_MS = 1_000;
const FINAL_QUERY_ATTEMPTS = 3;

export interface DataPlaneView {
  /** Empty answers (NOERROR without A, or NXDOMAIN) over all names and providers. */
  readonly emptyAnswers: number;
  /** The same, per provider's name server. */
  readonly emptyAnswersBy: Readonly<Record<ProviderId, number>>;
  readonly polls: number;
  /** What each provider's name server answered last, per name. */
  readonly lastAnswers: ReadonlyMap<string, ReadonlyMap<ProviderId, readonly string[]>>;
  /** Every distinct answer in order, per name and provider. */
  readonly histories: ReadonlyMap<string, ReadonlyMap<ProviderId, readonly AnswerSpan[]>>;
}

/** A scripted race waited for an answer that the name servers never gave. */
export class AnswerNotSeenError extends Error {
  override readonly name = 'AnswerNotSeenError';
}

const SEEN_WITHIN_MS = 3_000;

export class RaceWatch {
  readonly checker: CommittedStateChecker;
  private readonly pollers: DnsPoller[];
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly fixture: RaceFixture,
    book: PlanBook,
    source: GenerationSource,
    options: { pollIntervalMs?: number } = {},
  ) {
    this.checker = new CommittedStateChecker(book, source, RACE_OWNER);
    for (const p of RACE_PROVIDERS) {
      const emulator = fixture.emulators[p];
      const zoneId = emulator.store.zonesByName(fixture.emulators.zone)[0]?.id;
      const onChange = (changed: string) => {
        const zone = emulator.store.getZone(changed);
        if (changed === zoneId && zone !== undefined) this.checker.observe(p, zone);
      };
      emulator.store.on('change', onChange);
      this.unsubscribe.push(() => emulator.store.off('change', onChange));
    }
    this.pollers = book.names.map(
      (name) => new DnsPoller({ servers: fixture.nameServers, name, intervalMs: options.pollIntervalMs ?? RACE_POLL_INTERVAL_MS }),
    );
    for (const p of this.pollers) p.start();
  }

  /**
   * Resolves once every provider's name server has answered exactly `addresses`
   * for `name` (an empty list: an empty answer), as dig would see it.
   */
  seenEverywhere(name: string, addresses: readonly string[]): Promise<void> {
    const poller = this.pollers.find((p) => p.name === canonicalName(name).slice(0, -1));
    if (poller === undefined) return Promise.reject(new AnswerNotSeenError(`${name} is not polled in this race`));
    const want = [...addresses].sort().join();
    const pending = new Set(this.fixture.nameServers.map((s) => s.provider));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        poller.off('observation', onObservation);
        reject(
          new AnswerNotSeenError(
            `${[...pending].join(', ')} never answered [${addresses.join(', ')}] for ${name} within ${SEEN_WITHIN_MS} ms`,
          ),
        );
      }, SEEN_WITHIN_MS);
      const onObservation = (provider: string, o: Observation) => {
        const got = o.outcome === 'answer' || o.outcome === 'empty' ? o.addresses.join() : undefined;
        if (got === want) pending.delete(provider);
        if (pending.size > 0) return;
        clearTimeout(timer);
        poller.off('observation', onObservation);
        resolve();
      };
      poller.on('observation', onObservation);
    });
  }

  private pollCount(): number[] {
    return this.pollers.flatMap((p) => this.fixture.nameServers.map((s) => p.polls(s.provider)));
  }

  /** Let every name server be polled `polls` more times, so the pollers' histories end with the final answers. */
  async settle(polls: number): Promise<void> {
    const start = this.pollCount();
    const until = Date.now() + FINAL_POLLS_WITHIN_MS;
    while (Date.now() < until && this.pollCount().some((n, i) => n < (start[i] as number) + polls)) await sleep(1);
  }

  /** Ask every name server once, now, for every name: what a client resolving after the race gets. */
  async finalAnswers(): Promise<ReadonlyMap<string, ReadonlyMap<ProviderId, readonly string[]>>> {
    const out = new Map<string, Map<ProviderId, readonly string[]>>();
    await Promise.all(
      this.pollers.map(async (poller) => {
        const byProvider = new Map<ProviderId, readonly string[]>();
        out.set(canonicalName(poller.name), byProvider);
        await Promise.all(
          RACE_PROVIDERS.map(async (p) => {
            const server = this.fixture.nameServers.find((s) => s.provider === POLLED_AS[p]) as PolledServer;
            const ns = toNameserver({ host: server.host, port: server.port, label: server.provider });
            // A busy machine can lose a UDP answer; ask again before calling the answer missing.
            let answer: Awaited<ReturnType<typeof queryA>> | undefined;
            for (let attempt = 0; attempt < FINAL_QUERY_ATTEMPTS && answer === undefined; attempt++)
              answer = await queryA(ns, poller.name, FINAL_QUERY_TIMEOUT_MS).catch(() => undefined);
            byProvider.set(p, [...(answer?.addresses ?? [])].sort());
          }),
        );
      }),
    );
    return out;
  }

  /** Stop watching; what the data plane showed. */
  async stop(): Promise<DataPlaneView> {
    for (const off of this.unsubscribe.splice(0)) off();
    await Promise.all(this.pollers.map((p) => p.stop()));
    const lastAnswers = new Map<string, Map<ProviderId, readonly string[]>>();
    const histories = new Map<string, Map<ProviderId, readonly AnswerSpan[]>>();
    for (const poller of this.pollers) {
      const name = canonicalName(poller.name);
      lastAnswers.set(name, new Map(RACE_PROVIDERS.map((p) => [p, poller.latest(POLLED_AS[p])?.addresses ?? []])));
      histories.set(name, new Map(RACE_PROVIDERS.map((p) => [p, poller.history(POLLED_AS[p])])));
    }
    const emptyAnswersBy = Object.fromEntries(
      RACE_PROVIDERS.map((p) => [p, this.pollers.reduce((n, poller) => n + poller.emptyAnswers(POLLED_AS[p]), 0)]),
    ) as Record<ProviderId, number>;
    return {
      emptyAnswers: this.pollers.reduce((n, p) => n + p.emptyAnswers(), 0),
      emptyAnswersBy,
      polls: this.pollCount().reduce((a, b) => a + b, 0),
      lastAnswers,
      histories,
    };
  }
}
