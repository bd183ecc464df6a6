/**
 * Which of a zone's name servers to ask next, the way recursive resolvers choose
 * among the NS set of a multi-provider delegation: spread queries at random over
 * the servers that have been answering, and keep a server that just failed
 * (timeout, REFUSED, SERVFAIL) at the back of the line for a while. BIND does
 * this with smoothed round-trip times that a timeout inflates and that decay
 * back; a fixed penalty window is the same behaviour, simplified.
 */
import type { Nameserver } from './nameserver.js';

interface Standing {
  readonly server: Nameserver;
  /** Until this time (ms, on the injected clock) the server is only tried last. */
  penalisedUntil: number;
}

export class NameserverSelection {
  private readonly standings: Standing[];

  constructor(
    servers: readonly Nameserver[],
    private readonly options: { penaltyMs: number; now: () => number; random: () => number },
  ) {
    this.standings = servers.map((server) => ({ server, penalisedUntil: -Infinity }));
  }

  /**
   * Every server, in the order to try them for one question: the servers in good
   * standing shuffled, then the penalised ones, the soonest forgiven first (so a
   * query still gets an answer when every server has failed lately).
   */
  order(): Nameserver[] {
    const now = this.options.now();
    const good = this.standings
      .filter((s) => s.penalisedUntil <= now)
      .map((s) => ({ s, key: this.options.random() }))
      .sort((a, b) => a.key - b.key)
      .map(({ s }) => s.server);
    const penalised = this.standings
      .filter((s) => s.penalisedUntil > now)
      .sort((a, b) => a.penalisedUntil - b.penalisedUntil)
      .map((s) => s.server);
    return [...good, ...penalised];
  }

  failed(server: Nameserver): void {
    const s = this.standings.find((x) => x.server === server);
    if (s) s.penalisedUntil = this.options.now() + this.options.penaltyMs;
  }

  answered(server: Nameserver): void {
    const s = this.standings.find((x) => x.server === server);
    if (s) s.penalisedUntil = -Infinity;
  }

  /** Labels of the servers currently at the back of the line. */
  penalised(): string[] {
    const now = this.options.now();
    return this.standings.filter((s) => s.penalisedUntil > now).map((s) => s.server.label);
  }
}
