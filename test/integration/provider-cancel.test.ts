/**
 * Cancellation reaches the wire: each adapter hands the caller's AbortSignal
 * (or its deadline) to its official SDK, so aborting a read or an apply
 * against a hanging API closes the request's connection at once, long before
 * the emulator would answer; the call rejects with `cancelled` (or `timeout`
 * for a deadline), and nothing is retried after the abort.
 *
 * What the emulator sees is observed through a TCP relay in front of each
 * emulator's API: it counts connections and notes when the client side closes
 * one. Through the relay, the SDKs speak to the emulator unmodified (TLS
 * included, for Azure: the relay only forwards bytes).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulators, type RunningEmulators } from '../../src/emulators/index.js';
import { withDeadline } from '../../src/controller/deadline.js';
import { providersFromEndpoints } from '../../src/drills/emulator-endpoints.js';
import { closeProviders, createProviders } from '../../src/providers/index.js';
import { ProviderError, type DnsProvider, type ProviderId } from '../../src/providers/provider.js';
import type { ProviderPlan } from '../../src/plan/change.js';
import { ownershipRecord } from '../../src/dns/ownership.js';

const HANG_MS = 20_000;
const OWNER = 'it-cancel';

/**
 * A byte relay to `target` that records, for each connection the client sent
 * a request on, when the client closed it. (Connections that carry no bytes,
 * such as a pool's spare socket, are not requests and are not counted.)
 */
class Relay {
  /** Connections that carried request bytes: when their first byte came, and when the client closed them. */
  readonly requests: { sentAt: number; closedAt?: number }[] = [];
  private readonly sockets = new Set<Socket>();
  private server!: Server;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  get open(): number {
    return this.requests.filter((r) => r.closedAt === undefined).length;
  }

  get closed(): number {
    return this.requests.filter((r) => r.closedAt !== undefined).length;
  }

  async start(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      this.sockets.add(client).add(upstream);
      let request: { sentAt: number; closedAt?: number } | undefined;
      client.once('data', () => {
        request = { sentAt: performance.now() };
        this.requests.push(request);
      });
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('close', () => {
        if (request) request.closedAt = performance.now();
        upstream.destroy();
      });
      upstream.on('close', () => client.destroy());
      client.on('error', () => undefined);
      upstream.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function through(endpoint: string, relay: Relay): string {
  const url = new URL(endpoint);
  url.port = String(relay.port);
  return url.toString().replace(/\/$/, '');
}

describe('cancellation against hanging emulators (each SDK aborts its request)', () => {
  let emu: RunningEmulators;
  let providers: Map<ProviderId, DnsProvider>;
  const relays = new Map<ProviderId, Relay>();

  beforeAll(async () => {
    emu = await startEmulators({ freePorts: true });
    const config = providersFromEndpoints(emu.endpoints());
    for (const [id, endpoint] of [
      ['route53', config.route53?.endpoint],
      ['azure', config.azure?.endpoint],
      ['clouddns', config.clouddns?.endpoint],
    ] as const) {
      const url = new URL(endpoint as string);
      const relay = new Relay({ host: url.hostname, port: Number(url.port) });
      await relay.start();
      relays.set(id, relay);
    }
    const relayed = {
      route53: { ...config.route53!, endpoint: through(config.route53!.endpoint!, relays.get('route53')!) },
      azure: { ...config.azure!, endpoint: through(config.azure!.endpoint!, relays.get('azure')!) },
      clouddns: { ...config.clouddns!, endpoint: through(config.clouddns!.endpoint!, relays.get('clouddns')!) },
    };
    // One attempt per call with a long deadline: only the caller's signal can end a hung request here.
    const made = createProviders(relayed, {
      zone: emu.zone,
      policy: { timeoutMs: 60_000, maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 },
    });
    providers = new Map(made.map((p) => [p.id, p]));
    emu.route53.faults.set({ latencyMs: HANG_MS });
    emu.azure.faults.set({ latencyMs: HANG_MS });
    emu.clouddns.faults.set({ latencyMs: HANG_MS });
  });

  afterAll(async () => {
    emu?.route53.faults.heal();
    emu?.azure.faults.heal();
    emu?.clouddns.faults.heal();
    await closeProviders([...(providers?.values() ?? [])]);
    for (const r of relays.values()) await r.stop();
    await emu?.stop();
  });

  /** Wait until a request is on the wire, held by the emulator's latency. */
  async function requestInFlight(relay: Relay): Promise<void> {
    await waitFor(() => relay.open > 0);
    await new Promise((r) => setTimeout(r, 100));
  }

  /** Every request connection of this relay was closed by the client, `abortedAt` or later and within 2 s of it. */
  function allClosedAfter(relay: Relay, abortedAt: number, firstRequest: number): void {
    const mine = relay.requests.slice(firstRequest);
    expect(mine.length).toBeGreaterThan(0);
    for (const r of mine) {
      expect(r.closedAt).toBeDefined();
      expect((r.closedAt as number) - abortedAt).toBeLessThan(2_000);
    }
  }

  const createPlan = (provider: ProviderId, name: string): ProviderPlan => ({
    provider,
    owner: OWNER,
    generation: 1,
    changes: [
      {
        kind: 'create',
        name,
        records: [{ name, type: 'A', ttl: 30, values: ['192.0.2.7'] }],
        ownership: ownershipRecord(name, { owner: OWNER, generation: 1, types: ['A'] }),
      },
    ],
    skipped: [],
    unchanged: 0,
  });

  for (const id of ['route53', 'azure', 'clouddns'] as const) {
    it(`${id}: aborting read() closes the hung request's connection at once and rejects with 'cancelled'`, async () => {
      const relay = relays.get(id)!;
      const provider = providers.get(id)!;
      const first = relay.requests.length;
      const controller = new AbortController();
      const read = provider.read([`${id}-read.example.test.`], { signal: controller.signal }).catch((e: unknown) => e);
      await requestInFlight(relay);
      const abortedAt = performance.now();
      controller.abort(new Error('shutting down'));
      const err = await read;
      expect(err).toBeInstanceOf(ProviderError);
      expect((err as ProviderError).kind).toBe('cancelled');
      expect((err as ProviderError).message).toMatch(/shutting down/);
      // The client side of the connection closed right after the abort (the emulator is still holding it for 20 s).
      await waitFor(() => relay.open === 0);
      allClosedAfter(relay, abortedAt, first);
    });

    it(`${id}: aborting apply() closes the write's connection and sends nothing more (no retry)`, async () => {
      const relay = relays.get(id)!;
      const provider = providers.get(id)!;
      const first = relay.requests.length;
      const controller = new AbortController();
      const apply = provider.apply(createPlan(id, `${id}-apply.example.test.`), { signal: controller.signal }).catch((e: unknown) => e);
      await requestInFlight(relay);
      const abortedAt = performance.now();
      controller.abort(new Error('shutting down'));
      const err = await apply;
      expect((err as ProviderError).kind).toBe('cancelled');
      await waitFor(() => relay.open === 0);
      // No retry after the abort: no new request in the next 300 ms.
      const sent = relay.requests.length;
      await new Promise((r) => setTimeout(r, 300));
      expect(relay.requests.length).toBe(sent);
      allClosedAfter(relay, abortedAt, first);
    });

    it(`${id}: a deadline (withDeadline) aborts the request for real: 'timeout', connection closed`, async () => {
      const relay = relays.get(id)!;
      const provider = providers.get(id)!;
      const first = relay.requests.length;
      const started = performance.now();
      const err = await withDeadline(id, 'read', 300, (signal) => provider.read([`${id}-deadline.example.test.`], { signal })).catch(
        (e: unknown) => e,
      );
      expect((err as ProviderError).kind).toBe('timeout');
      await waitFor(() => relay.open === 0);
      // Closed at the 300 ms deadline, not when the emulator would have answered (20 s).
      allClosedAfter(relay, started + 300, first);
    });
  }
});

async function waitFor(cond: () => boolean, ms = 5_000): Promise<void> {
  const until = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > until) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
