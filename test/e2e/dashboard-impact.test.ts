/**
 * What a user sees of a failover, end to end: the real local topology with its
 * traffic generator feeding the controller's GET /client-impact, and the
 * dashboard in headless Chromium (Debian's chromium through playwright-core).
 *
 * 1. A drain (confirmed in the page's dialog) moves the answer off AWS: the
 *    "Last failover" panel still shows no failover, and lists the move as a drain.
 * 2. AWS goes down (the dashboard's chaos button): the panel shows the
 *    detection, publish and served-over-DNS figures of that outage, equal to
 *    the controller's own events after the fault; the client-impact chart
 *    shows the errors the traffic generator saw in that outage, second by
 *    second, with a failover marker; the injected fault is on AWS's card.
 * 3. Route 53's API goes down, then Azure: Route 53's nameserver keeps sending
 *    resolvers to Azure, which is down, and the page says so in words.
 * Screenshots go to test-results/; any console error fails the test.
 */
import { mkdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControllerEvent, ProbeStateEvent, VerdictChangeEvent, VerifyEvent, WriteEvent } from '../../src/observability/events.js';
import { CLOUD_ADDRESSES } from '../../src/drills/topology-config.js';
import { startTopology, type Topology } from '../../apps/topology/topology.js';

const SHOTS = 'test-results';
/**
 * Slower than the drills' timings on purpose: on a loaded machine a 500 ms
 * probe timeout trips without any fault, and a spurious failover during the
 * drain would be a different test.
 */
const HEALTH = { intervalMs: 2000, fastIntervalMs: 1000, timeoutMs: 1000, rise: 2, fall: 3 };
const MOVE_PATIENCE_MS = 30_000;

let topo: Topology;
let browser: Browser;
let context: BrowserContext | undefined;

beforeAll(async () => {
  [topo, browser] = await Promise.all([
    startTopology({ freePorts: true, health: HEALTH, dwellMs: 1000, ttl: 1, traffic: { ratePerSecond: 20 }, demoControls: true }),
    chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking'],
    }),
  ]);
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await topo?.stop();
});

/** The page's own duration format (apps/controller/public/app.js duration()). */
function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** Until every provider's nameserver (or those given) answers `address` after `from`; the time it first did. */
async function servedEverywhere(address: string, from: number, providers?: string[]): Promise<number> {
  for (;;) {
    const at = topo.poller.firstTimeAllServe([address], from, providers);
    if (at !== undefined) return at;
    expect(Date.now() - from, `the answer never moved to ${address} on every nameserver`).toBeLessThan(MOVE_PATIENCE_MS);
    await sleep(20);
  }
}

async function clientsOn(cloud: string): Promise<void> {
  const since = Date.now();
  await expect
    .poll(
      () =>
        topo.traffic
          ?.timeline()
          .filter((o) => o.endedAt > since)
          .slice(-10),
      { timeout: MOVE_PATIENCE_MS },
    )
    .toSatisfy(
      (last: { ok: boolean; cloud?: string }[] | undefined) =>
        last !== undefined && last.length === 10 && last.every((o) => o.ok && o.cloud === cloud),
    );
}

const events = () => topo.controller.events.since(0);
const figures = (page: Page) => page.locator('#failover .figure .value').allTextContents();

describe('the dashboard tells a failover from a drain, with its figures and its client impact', () => {
  it('drain: no failover; AWS outage: its detection, publish, served figures and client errors; a provider serving a dead target in words', async () => {
    context = await browser.newContext({ colorScheme: 'light', viewport: { width: 1440, height: 1200 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    await page.goto(topo.api.url);
    await page.fill('#token', topo.api.token);
    await page.click('#token-form button[type="submit"]');
    await expect.poll(() => page.locator('#admin-state').textContent()).toBe('token accepted');
    await clientsOn('aws');
    // The chart is fed: answers from AWS, no errors yet.
    await expect.poll(() => page.locator('#impact rect.ok-aws').count()).toBeGreaterThan(0);
    expect(await page.locator('#impact-source').textContent()).toContain('traffic generator');

    // 1. Drain AWS, confirmed in the dialog: the answer moves, but nothing failed.
    await page.fill('#reason', 'planned maintenance');
    const drainFrom = Date.now();
    await page.click('[data-control="drain-aws"] button');
    expect(await page.locator('#confirm-text').textContent()).toContain('planned maintenance');
    await page.click('#confirm-yes');
    await servedEverywhere(CLOUD_ADDRESSES.azure, drainFrom);
    await expect.poll(() => page.locator('#answer-moves li[data-move="drain"]').count()).toBe(1);
    expect(await page.locator('#failover .figure').count()).toBe(0);
    expect(await page.locator('#failover').textContent()).toMatch(
      /No failover yet\. The answer last changed by drain at .*: not a failover/,
    );
    expect(await page.locator('#answer-moves li[data-move="failover"]').count()).toBe(0);
    const drainLine = await page.locator('#answer-moves li[data-move="drain"]').textContent();
    expect(drainLine).toContain(`${CLOUD_ADDRESSES.aws} (AWS) → ${CLOUD_ADDRESSES.azure} (Azure) by dashboard`);
    expect(drainLine).toContain('planned maintenance');
    await page.screenshot({ path: `${SHOTS}/dashboard-impact-drain.png`, fullPage: true });

    // Undrain (no confirmation needed to undo) and wait for clients back on AWS.
    const undrainFrom = Date.now();
    await page.click('[data-control="drain-aws"] button');
    await servedEverywhere(CLOUD_ADDRESSES.aws, undrainFrom);
    await clientsOn('aws');
    await expect.poll(() => page.locator('#answer-moves li[data-move="undrain"]').count()).toBe(1);
    expect(await page.locator('#failover .figure').count()).toBe(0);

    // 2. AWS goes down.
    const faultAt = Date.now();
    await page.click('[data-chaos="aws"] button:text-is("down")');
    const servedAt = await servedEverywhere(CLOUD_ADDRESSES.azure, faultAt);
    await clientsOn('azure');

    const after = events().filter((e: ControllerEvent) => e.at >= faultAt);
    const write = after.find(
      (e): e is WriteEvent => e.type === 'write' && e.before.includes(CLOUD_ADDRESSES.aws) && e.after.includes(CLOUD_ADDRESSES.azure),
    );
    const verdict = after.find((e): e is VerdictChangeEvent => e.type === 'verdict' && e.after === 'down');
    expect(write).toBeDefined();
    expect(verdict?.targetId).toBe('aws');
    const firstFailure = after.find(
      (e): e is ProbeStateEvent =>
        e.type === 'probe-state' && e.targetId === 'aws' && e.before === 'up' && e.id < (verdict as VerdictChangeEvent).id,
    );
    const decision = after.filter((e) => e.type === 'decision' && e.id < (write as WriteEvent).id).at(-1);
    let verify: VerifyEvent | undefined;
    await expect
      .poll(() => (verify = events().find((e): e is VerifyEvent => e.type === 'verify' && e.generation === write?.generation && e.allOk)))
      .toBeDefined();
    if (!write || !verdict || !firstFailure || !decision || !verify) throw new Error('the outage left no complete record');

    await expect.poll(() => page.locator('#failover').getAttribute('data-generation')).toBe(String(write.generation));
    const served = verify.providers.map((p) => p.afterDecisionMs as number);
    const expected = [
      duration(verdict.at - firstFailure.at),
      duration(Math.max(...write.providers.map((p) => p.latencyMs as number))),
      duration(decision.at - firstFailure.at + Math.max(...served)),
    ];
    expect((await figures(page)).slice(0, 3)).toEqual(expected);
    for (const p of write.providers) {
      const row = page.locator(`#failover tr[data-provider="${p.provider}"] td`);
      expect(await row.nth(1).textContent()).toBe(duration(p.latencyMs as number));
      const v = verify.providers.find((x) => x.provider === p.provider);
      expect(await row.nth(2).textContent()).toBe(duration(v?.afterDecisionMs as number));
    }
    expect(await page.locator('#answer-moves li').first().getAttribute('data-move')).toBe('failover');
    // The injected fault is on AWS's card.
    await expect.poll(() => page.locator('article.card[data-cloud="aws"] .chip.fault').textContent()).toBe('fault: down');

    // The chart: every error the generator saw in the outage, second by second, and a failover marker at the publish.
    const bucket = (t: number) => Math.floor(t / 1000) * 1000;
    const outage = { from: bucket(faultAt), to: bucket(servedAt + 3000) };
    const seen = topo.traffic?.timeline().filter((o) => !o.ok && o.endedAt >= outage.from && o.endedAt < outage.to + 1000) ?? [];
    expect(seen.length).toBeGreaterThan(0);
    const charted = async () => {
      const rects = await page
        .locator('#impact rect.err')
        .evaluateAll((els) => els.map((el) => ({ at: Number(el.getAttribute('data-at')), n: Number(el.getAttribute('data-n')) })));
      return rects.filter((r) => r.at >= outage.from && r.at <= outage.to).reduce((n, r) => n + r.n, 0);
    };
    await expect.poll(charted, { timeout: 5000 }).toBe(seen.length);
    expect(await page.locator(`#impact g.marker[data-move="failover"][data-at="${write.at}"]`).count()).toBe(1);
    expect(await page.locator('#impact g.marker[data-move="drain"]').count()).toBe(1);
    expect(Number(await page.locator('#impact-errors').getAttribute('data-errors'))).toBeGreaterThanOrEqual(seen.length);
    await page.screenshot({ path: `${SHOTS}/dashboard-impact-outage.png`, fullPage: true });

    // 3. Route 53's API down, then Azure down: Route 53's nameserver keeps answering Azure, which is dead.
    await page.click('[data-chaos="route53"] button:text-is("api-down")');
    await expect.poll(() => page.locator('.service tr[data-provider="route53"] th .chip.fault').textContent()).toBe('fault: api down');
    const azureDownAt = Date.now();
    await page.click('[data-chaos="azure"] button:text-is("down")');
    await servedEverywhere(CLOUD_ADDRESSES.gcp, azureDownAt, ['azure', 'clouddns']);
    await expect
      .poll(() => page.locator('.service tr[data-provider="route53"] .dead-target').textContent(), { timeout: MOVE_PATIENCE_MS })
      .toBe(
        `Route 53 sends resolvers to Azure (${CLOUD_ADDRESSES.azure}), which is down: clients whose resolver asks it fail until it serves the published answer.`,
      );
    // Azure DNS already serves Google Cloud (servedEverywhere above); its row says so once the page has the new status.
    await expect.poll(() => page.locator('.service tr[data-provider="azure"] .dead-target').count(), { timeout: MOVE_PATIENCE_MS }).toBe(0);
    await page.screenshot({ path: `${SHOTS}/dashboard-impact-dead-target.png`, fullPage: true });
    expect(problems).toEqual([]);
  }, 180_000);
});
