/**
 * Watches what every provider's name server says about one name, directly and
 * without a cache, a few dozen times a second: the drills read `rto_ms` and
 * `empty_answers` from it, and the race test uses it to catch an empty answer or
 * a stale plan winning, even for a moment. Each provider is polled on its own
 * loop, so one silent server does not slow the others down.
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { AnswerHistory, type AnswerSpan, type Observation } from './answer-history.js';
import { DnsQueryError, queryA } from '../dns/query.js';
import { toNameserver, type Nameserver } from './nameserver.js';

export const DEFAULT_POLL_INTERVAL_MS = 20;
export const DEFAULT_POLL_TIMEOUT_MS = 250;
export const DEFAULT_POLL_MAX_DURATION_MS = 10 * 60_000;

export interface PolledServer {
  /** e.g. `aws`, `azure`, `gcp`. */
  provider: string;
  host: string;
  port: number;
}

export interface DnsPollerOptions {
  servers: readonly PolledServer[];
  name: string;
  intervalMs?: number;
  /** Deadline of one question; a server that misses it is recorded as `timeout`. */
  timeoutMs?: number;
  /** Clock of the history (ms). */
  now?: () => number;
  /** Stops by itself after this long. */
  maxDurationMs?: number;
}

export interface DnsPollerEvents {
  /** Every poll's result. */
  observation: [provider: string, observation: Observation];
  /** A provider's answer differs from its previous one (or is its first). */
  change: [provider: string, span: AnswerSpan];
}

export class DnsPoller extends EventEmitter<DnsPollerEvents> {
  readonly name: string;
  private readonly servers: readonly { provider: string; server: Nameserver }[];
  private readonly intervalMs: number;
  private readonly timeoutMs: number;
  private readonly maxDurationMs: number;
  private readonly now: () => number;
  private readonly answers = new AnswerHistory();
  private readonly pollCounts = new Map<string, number>();
  private abort: AbortController | undefined;
  private loops: Promise<void>[] = [];
  private deadline: ReturnType<typeof setTimeout> | undefined;

  constructor(options: DnsPollerOptions) {
    super();
    if (options.servers.length === 0) throw new RangeError('DnsPoller needs at least one server to poll');
    const providers = new Set(options.servers.map((s) => s.provider));
    if (providers.size !== options.servers.length) throw new RangeError('DnsPoller: each provider may appear once in servers');
    this.name = options.name.toLowerCase().replace(/\.$/, '');
    this.servers = options.servers.map((s) => ({
      provider: s.provider,
      server: toNameserver({ host: s.host, port: s.port, label: s.provider }),
    }));
    this.intervalMs = options.intervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_POLL_TIMEOUT_MS;
    this.maxDurationMs = options.maxDurationMs ?? DEFAULT_POLL_MAX_DURATION_MS;
    this.now = options.now ?? Date.now;
    for (const s of this.servers) this.pollCounts.set(s.provider, 0);
  }

  get running(): boolean {
    return this.abort !== undefined && !this.abort.signal.aborted;
  }

  start(): void {
    if (this.abort) throw new Error('DNS poller already started; make a new one for another run');
    const abort = new AbortController();
    this.abort = abort;
    this.loops = this.servers.map((s) => this.loop(s.provider, s.server, abort.signal));
    // An observer must not keep a process alive, nor run forever if forgotten.
    this.deadline = setTimeout(() => void this.stop(), this.maxDurationMs);
    this.deadline.unref();
  }

  /** Stop polling; resolves once the questions in flight have ended (each within timeoutMs). */
  async stop(): Promise<void> {
    clearTimeout(this.deadline);
    this.abort?.abort();
    await Promise.all(this.loops);
  }

  /** Polls answered (or timed out) so far for `provider`. */
  polls(provider: string): number {
    return this.pollCounts.get(provider) ?? 0;
  }

  history(provider: string): AnswerSpan[] {
    return this.answers.history(provider);
  }

  /** The answer `provider` gave most recently. */
  latest(provider: string): AnswerSpan | undefined {
    return this.answers.history(provider).at(-1);
  }

  /** Empty answers (NOERROR without an address, or NXDOMAIN) from `provider`, or from all. */
  emptyAnswers(provider?: string): number {
    return this.answers.emptyAnswers(provider);
  }

  /** The earliest time ≥ afterMs when all `providers` (default: all polled) answered exactly `addresses`. */
  firstTimeAllServe(
    addresses: readonly string[],
    afterMs: number,
    providers: readonly string[] = this.servers.map((s) => s.provider),
  ): number | undefined {
    return this.answers.firstTimeAllServe(addresses, afterMs, providers);
  }

  private async loop(provider: string, server: Nameserver, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const started = performance.now();
      const observation = await this.ask(server);
      this.pollCounts.set(provider, (this.pollCounts.get(provider) ?? 0) + 1);
      const { changed, span } = this.answers.record(provider, observation);
      this.emit('observation', provider, observation);
      if (changed) this.emit('change', provider, span);
      const wait = this.intervalMs - (performance.now() - started);
      if (wait > 0 && !signal.aborted) await sleep(wait, undefined, { signal, ref: false }).catch(() => undefined);
    }
  }

  private async ask(server: Nameserver): Promise<Observation> {
    try {
      const answer = await queryA(server, this.name, this.timeoutMs);
      const at = this.now();
      if (answer.rcode !== 'NOERROR' && answer.rcode !== 'NXDOMAIN') return { at, outcome: 'error', addresses: [], rcode: answer.rcode };
      if (answer.addresses.length === 0) return { at, outcome: 'empty', addresses: [], rcode: answer.rcode };
      return { at, outcome: 'answer', addresses: [...answer.addresses].sort(), rcode: answer.rcode };
    } catch (err) {
      return { at: this.now(), outcome: err instanceof DnsQueryError && err.kind === 'timeout' ? 'timeout' : 'error', addresses: [] };
    }
  }
}
