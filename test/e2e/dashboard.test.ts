/**
 * The dashboard end to end: the real local topology (three sample services,
 * the three provider emulators with their nameservers, the controller over the
 * official SDKs and its API) and the page in headless Chromium (Debian's
 * chromium through playwright-core; never a browser download).
 *
 * Three healthy clouds and every provider answering AWS; then AWS goes down
 * (injected with the dashboard's own chaos button, admin token and CSRF), and within the drill's RTO (fault → every provider's nameserver answers
 * Azure, measured by the topology's DNS poller) plus 2 s the page shows AWS
 * down, Azure's address from all three providers, and the write event.
 * Screenshots go to test-results/; any console error fails the test.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOUD_ADDRESSES, TOPOLOGY_PROVIDERS } from '../../src/drills/topology-config.js';
import { startTopology, type Topology } from '../../apps/topology/topology.js';
import { readAuditLog } from '../../src/observability/audit-log.js';

const SHOTS = 'test-results';
/** The drill command's timings (src/drills/run-drill.ts DRILL_DEFAULTS). */
const HEALTH = { intervalMs: 1000, fastIntervalMs: 500, timeoutMs: 500, rise: 2, fall: 3 };
const PAGE_SLACK_MS = 2000;

const dir = mkdtempSync(join(tmpdir(), 'dashboard-e2e-'));
const auditPath = join(dir, 'audit.jsonl');
let topo: Topology;
let browser: Browser;
let context: BrowserContext | undefined;

beforeAll(async () => {
  [topo, browser] = await Promise.all([
    startTopology({ freePorts: true, health: HEALTH, dwellMs: 1000, ttl: 1, traffic: false, auditLog: auditPath, demoControls: true }),
    chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    }),
  ]);
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await topo?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A page that records console errors and warnings, page errors, failed requests and requests leaving the controller's origin. */
async function open(base: string): Promise<{ page: Page; problems: string[] }> {
  // A fresh profile: launch() gives every context its own temporary user-data-dir.
  context = await browser.newContext({ colorScheme: 'light', viewport: { width: 1440, height: 1100 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('request', (r) => {
    if (!r.url().startsWith(base)) problems.push(`external request: ${r.url()}`);
  });
  page.on('requestfailed', (r) => problems.push(`failed request: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  await page.goto(base);
  return { page, problems };
}

const card = (page: Page, cloud: string) => page.locator(`article.card[data-cloud="${cloud}"]`);
const servingCell = (page: Page, provider: string) => page.locator(`.service tr[data-provider="${provider}"] td`).first();

/** The little of the DOM the page predicate uses (the project compiles without the DOM library). */
interface PageNode {
  readonly textContent: string | null;
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): Iterable<PageNode>;
}
declare const document: PageNode;

/** Runs in the page: AWS down, every provider's nameserver answers `address` (and matches the published answer), and the write to it is in the timeline. */
function failedOverTo(address: string): boolean {
  const verdict = document.querySelector('article.card[data-cloud="aws"] .verdict')?.textContent;
  const rows = [...document.querySelectorAll('.service tr[data-provider]')];
  const served =
    rows.length === 3 &&
    rows.every((row) => {
      const cell = row.querySelector('td');
      return (
        cell !== null &&
        [...cell.querySelectorAll('.addr')].map((a) => a.textContent).join() === address &&
        cell.querySelector('.match.ok') !== null
      );
    });
  const write = [...document.querySelectorAll('#events li[data-kind="write"]')].some((li) => li.textContent?.includes(`→ [${address}]`));
  return verdict === '▼ DOWN' && served && write;
}

describe('dashboard against the real controller', () => {
  it('shows three healthy clouds and every provider answering AWS, then the AWS outage, the new answer everywhere and the write, within RTO + 2 s', async () => {
    const { page, problems } = await open(topo.api.url);

    for (const cloud of ['aws', 'azure', 'gcp']) await expect.poll(() => card(page, cloud).locator('.verdict').textContent()).toBe('▲ UP');
    for (const provider of TOPOLOGY_PROVIDERS) {
      await expect.poll(() => servingCell(page, provider).textContent()).toBe(`${CLOUD_ADDRESSES.aws} ✓ matches`);
    }
    expect(await page.locator('#zone').textContent()).toBe(topo.config.zone);
    expect(await page.locator('#conn').textContent()).toBe('live');
    expect(await card(page, 'aws').locator('.chip').first().textContent()).toBe('in the answer');
    expect(await card(page, 'aws').locator('tr[data-vantage]').count()).toBe(topo.config.health.vantagePoints.length);
    // The first publish is in the timeline, from the SSE replay.
    await expect.poll(() => page.locator('#events li[data-kind="write"]').first().textContent()).toContain(`→ [${CLOUD_ADDRESSES.aws}]`);
    await page.screenshot({ path: `${SHOTS}/dashboard-e2e-healthy.png`, fullPage: true });

    // The operator's way in: the admin token, then the demo's chaos button for AWS.
    await page.fill('#token', topo.api.token);
    await page.click('#token-form button[type="submit"]');
    await expect.poll(() => page.locator('#admin-state').textContent()).toBe('token accepted');
    const down = page.locator('[data-chaos="aws"] button', { hasText: /^down$/ });
    expect(await down.isEnabled()).toBe(true);

    const faultAt = Date.now();
    await down.click();

    // The drill's RTO: fault → every provider's nameserver answers Azure (the poller asks every 20 ms).
    let servedAt: number | undefined;
    while ((servedAt = topo.poller.firstTimeAllServe([CLOUD_ADDRESSES.azure], faultAt)) === undefined) {
      expect(Date.now() - faultAt, 'the failover never reached every nameserver').toBeLessThan(20_000);
      await sleep(20);
    }
    const rtoMs = servedAt - faultAt;
    // Detection alone needs at least (fall - 1) fast re-probes after the first failure.
    expect(rtoMs).toBeGreaterThanOrEqual((HEALTH.fall - 1) * HEALTH.fastIntervalMs);

    const bound = faultAt + rtoMs + PAGE_SLACK_MS;
    await page.waitForFunction(failedOverTo, CLOUD_ADDRESSES.azure, { timeout: Math.max(1, bound - Date.now()), polling: 50 });
    const shownAfterFaultMs = Date.now() - faultAt;
    await page.screenshot({ path: `${SHOTS}/dashboard-e2e-failover.png`, fullPage: true });

    expect(shownAfterFaultMs).toBeLessThanOrEqual(rtoMs + PAGE_SLACK_MS + 100);
    expect(await card(page, 'aws').getAttribute('data-verdict')).toBe('down');
    expect(await card(page, 'azure').locator('.verdict').textContent()).toBe('▲ UP');
    expect(await card(page, 'azure').locator('.chip').first().textContent()).toBe('in the answer');
    for (const provider of TOPOLOGY_PROVIDERS)
      expect(await servingCell(page, provider).textContent()).toBe(`${CLOUD_ADDRESSES.azure} ✓ matches`);
    const write = await page.locator('#events li[data-kind="write"]').first().textContent();
    expect(write).toContain(`[${CLOUD_ADDRESSES.aws}] → [${CLOUD_ADDRESSES.azure}]`);
    for (const label of ['Route 53 ok', 'Azure DNS ok', 'Cloud DNS ok']) expect(write).toContain(label);
    await expect.poll(() => page.locator('#events li[data-kind="verdict"]').first().textContent()).toMatch(/say down/);
    // The write the page shows is the one the controller recorded.
    const recorded = topo.controller.events.ofType('write').at(-1);
    expect(recorded).toMatchObject({ status: 'in-sync', before: [CLOUD_ADDRESSES.aws], after: [CLOUD_ADDRESSES.azure] });
    expect(write).toContain(`gen ${recorded?.generation}`);
    expect(await page.locator('#action-result').textContent()).toContain('POST /demo/chaos: done');
    expect(topo.clouds.aws.service.chaos.mode).toBe('down');

    // The chaos action and both publishes are in the audit log.
    const audit = await readAuditLog(auditPath);
    expect(audit.problems).toEqual([]);
    expect(audit.records.find((r) => r.kind === 'demo-chaos')).toMatchObject({
      actor: 'operator',
      detail: { target: 'aws', action: 'down' },
    });
    expect(audit.records.filter((r) => r.kind === 'write').map((r) => r.after)).toEqual([[CLOUD_ADDRESSES.aws], [CLOUD_ADDRESSES.azure]]);

    expect(problems).toEqual([]);
  });
});
