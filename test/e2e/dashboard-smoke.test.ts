/**
 * The dashboard in a real browser (Debian's headless Chromium through
 * playwright-core; no browser download), against an in-test server that speaks
 * the controller's /status, /events/stream, /api/csrf and override endpoints
 * with a scripted state: three healthy clouds, then an AWS outage and the
 * failover to Azure. The full controller e2e lives beside it.
 */
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminAuth } from '../../apps/controller/auth.js';
import { mountDashboard } from '../../apps/controller/dashboard.js';
import { createEventStream } from '../../apps/controller/sse.js';
import type { ControllerStatus, ServiceStatus, TargetStatus } from '../../apps/controller/status.js';
import { EventLog } from '../../src/observability/events.js';

const TOKEN = 'e2e-admin-token-0123456789abcdef';
const SERVICE = 'app.example.test.';
const ADDR = { aws: '192.0.2.10', azure: '198.51.100.20', gcp: '203.0.113.30' } as const;
const SHOTS = 'test-results';

let now = Date.now();
const events = new EventLog({ clock: { now: () => now } });

function target(cloud: keyof typeof ADDR, verdict: 'up' | 'down', priority: number): TargetStatus {
  const down = verdict === 'down';
  return {
    id: cloud,
    cloud,
    address: ADDR[cloud],
    services: [SERVICE],
    verdict,
    verdictSince: now,
    reason: down ? '3 of 3 fresh vantage points say down (quorum 2)' : `3 of 3 fresh vantage points say up (priority ${priority})`,
    vantages: ['vp-1', 'vp-2', 'vp-3'].map((id, i) => ({
      id,
      state: verdict,
      breaker: down ? 'open' : 'closed',
      partitioned: false,
      lastProbeAt: now,
      lastLatencyMs: down ? 500 : 3 + i,
      lastError: down ? 'timeout after 500 ms' : null,
      consecutiveSuccesses: down ? 0 : 12,
      consecutiveFailures: down ? 4 : 0,
    })),
  };
}

function service(addresses: string[], generation: number): ServiceStatus {
  const serving = { ok: true as const, addresses, checkedAt: now, generation };
  const p = { serving, sync: 'in-sync' as const, reason: 'serves the published answer', lastWriteAt: now };
  return {
    name: SERVICE,
    type: 'A',
    policy: 'failover',
    published: { addresses, generation, changedAt: now },
    pending: null,
    decision: { kind: 'keep', addresses, reason: 'the published answer is the wanted one', at: now, failOpen: false, paused: false },
    overrides: { paused: false, pinnedTargetId: null, drainedClouds: [] },
    providers: { route53: p, azure: p, clouddns: p },
    lastWrite: null,
    lastVerify: null,
  };
}

let status: ControllerStatus;
function setStatus(aws: 'up' | 'down', addresses: string[], generation: number, drained: string[] = []): void {
  const svc = service(addresses, generation);
  status = {
    owner: 'e2e',
    zone: 'example.test.',
    phase: 'running',
    generation,
    at: now,
    services: [{ ...svc, overrides: { ...svc.overrides, drainedClouds: drained } }],
    targets: [target('aws', aws, 10), target('azure', 'up', 20), target('gcp', 'up', 30)],
    providers: (['route53', 'azure', 'clouddns'] as const).map((provider) => ({
      provider,
      sync: 'in-sync' as const,
      reason: 'serves the published answer',
      since: now,
    })),
    overrides: { drainedClouds: drained as never, pins: {}, paused: [] },
    lastDecisions: [],
    lastEventId: events.lastId,
  };
}

let server: Server;
let base: string;
let browser: Browser;
let stopStream: () => void = () => {};
const drains: { csrf: string | undefined; body: unknown }[] = [];

beforeAll(async () => {
  setStatus('up', [ADDR.aws], 1);
  const { hub } = createEventStream(events, { heartbeatMs: 5_000 });
  stopStream = () => hub.close();
  const auth = createAdminAuth({ token: TOKEN });
  const app = express();
  app.get('/status', (_req, res) => void res.json(status));
  app.get('/events/stream', hub.handler);
  app.get('/api/csrf', ...auth.guard, auth.csrfHandler);
  app.post('/overrides/drain', ...auth.guard, (req, res) => {
    drains.push({ csrf: req.get('x-csrf-token'), body: req.body });
    const body = req.body as { cloud: string; reason: string; operator: string };
    const event = events.record({
      type: 'override',
      action: 'drain',
      operator: body.operator,
      cloud: body.cloud as 'azure',
      actor: 'operator',
      reason: body.reason,
    });
    setStatus('down', [ADDR.azure], status.generation, [body.cloud]);
    res.json({ event });
  });
  mountDashboard(app, {
    uiConfig: {
      demo: true,
      adminEnabled: true,
      chaos: [{ target: 'aws', cloud: 'aws', actions: ['down', 'slow', 'heal'] }],
      drills: [{ scenario: 'oct-2025', label: 'us-east-1 outage', description: 'Route 53 API down while AWS fails' }],
    },
  });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
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
  });
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  stopStream();
  await browser?.close();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

/** A page that records console errors, page errors and any request leaving this origin. */
async function open(colorScheme: 'light' | 'dark') {
  const context = await browser.newContext({ colorScheme, viewport: { width: 1440, height: 1000 } });
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
  return { page, context, problems };
}

const card = (page: Page, cloud: string) => page.locator(`article.card[data-cloud="${cloud}"]`);
const servingCell = (page: Page, provider: string) => page.locator(`.service tr[data-provider="${provider}"] td`).first();

describe('dashboard in headless Chromium', () => {
  it('shows three healthy clouds and each provider answer, then the failover, with no console errors', async () => {
    const { page, context, problems } = await open('light');
    for (const cloud of ['aws', 'azure', 'gcp']) await expect.poll(() => card(page, cloud).locator('.verdict').textContent()).toBe('▲ UP');
    for (const provider of ['route53', 'azure', 'clouddns'])
      await expect.poll(() => servingCell(page, provider).textContent()).toContain(ADDR.aws);
    expect(await page.locator('#zone').textContent()).toBe('example.test.');
    expect(await card(page, 'aws').locator('tr[data-vantage="vp-2"] td').nth(3).textContent()).toBe('4 ms');
    expect(await page.locator('#conn').textContent()).toBe('live');
    // Demo mode renders chaos and drill buttons.
    expect(await page.locator('#chaos button').allTextContents()).toEqual(['down', 'slow', 'heal']);
    expect(await page.locator('#drills button').allTextContents()).toEqual(['us-east-1 outage']);

    // AWS goes down: the controller's events arrive over SSE, /status follows.
    now += 1000;
    events.record({
      type: 'probe-state',
      targetId: 'aws',
      vantageId: 'vp-1',
      before: 'up',
      after: 'suspect',
      reason: 'vp-1 sees aws suspect',
    });
    now += 1500;
    events.record({
      type: 'verdict',
      targetId: 'aws',
      before: 'up',
      after: 'down',
      reason: '2 of 3 fresh vantage points say down (quorum 2)',
    });
    events.record({
      type: 'decision',
      service: SERVICE,
      kind: 'change',
      before: [ADDR.aws],
      after: [ADDR.azure],
      basedOnGeneration: 1,
      held: false,
      failOpen: false,
      paused: false,
      urgent: true,
      reason: 'aws is down: failing over to azure',
    });
    setStatus('down', [ADDR.azure], 2);
    now += 120;
    events.record({
      type: 'write',
      service: SERVICE,
      generation: 2,
      status: 'in-sync',
      before: [ADDR.aws],
      after: [ADDR.azure],
      providers: [
        { provider: 'route53', result: 'ok', latencyMs: 95, apiCalls: 2, changes: 2 },
        { provider: 'azure', result: 'ok', latencyMs: 120, apiCalls: 3, changes: 2 },
        { provider: 'clouddns', result: 'ok', latencyMs: 80, apiCalls: 2, changes: 2 },
      ],
      reason: `in-sync: [${ADDR.aws}] → [${ADDR.azure}] at generation 2`,
    });
    now += 60;
    events.record({
      type: 'verify',
      service: SERVICE,
      generation: 2,
      expected: [ADDR.azure],
      allOk: true,
      providers: (['route53', 'azure', 'clouddns'] as const).map((provider, i) => ({
        provider,
        ok: true,
        addresses: [ADDR.azure],
        afterDecisionMs: 150 + i * 10,
        attempts: 1,
      })),
      reason: 'every nameserver answers',
    });

    await expect.poll(() => card(page, 'aws').locator('.verdict').textContent()).toBe('▼ DOWN');
    expect(await card(page, 'aws').getAttribute('data-verdict')).toBe('down');
    for (const provider of ['route53', 'azure', 'clouddns'])
      await expect.poll(() => servingCell(page, provider).textContent()).toContain(ADDR.azure);
    await expect.poll(() => page.locator('#events li[data-kind="write"]').first().textContent()).toContain('gen 2');
    expect(await page.locator('#events li[data-kind="verdict"]').first().textContent()).toContain('2 of 3 fresh vantage points say down');
    // Every event line names the cloud (or DNS provider) it is about.
    expect(await page.locator('#events li[data-kind="verdict"]').first().textContent()).toContain('AWS: 2 of 3 fresh vantage points');
    expect(await page.locator('#events li[data-kind="probe-state"]').first().textContent()).toContain('AWS from vp-1: ');
    // Figures computed from the events: first failure → down 1.5 s; first failure → all nameservers: 1.5 s + 170 ms.
    const figures = await page.locator('#failover .figure .value').allTextContents();
    expect(figures.slice(0, 3)).toEqual(['1.50 s', '120 ms', '1.67 s']);
    await page.screenshot({ path: `${SHOTS}/dashboard-light.png`, fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('drains a cloud with the admin token and CSRF header, and renders dark', async () => {
    const { page, context, problems } = await open('dark');
    await expect.poll(() => page.locator('#events li').count()).toBeGreaterThan(3);
    const drain = page.locator('[data-control="drain-azure"] button');
    expect(await drain.isDisabled()).toBe(true);
    await page.fill('#token', TOKEN);
    await page.click('#token-form button[type="submit"]');
    await expect.poll(() => page.locator('#admin-state').textContent()).toBe('token accepted');
    await page.fill('#reason', 'maintenance in westeurope');
    // A drain moves traffic: the page asks first, and Cancel sends nothing.
    await drain.click();
    await expect.poll(() => page.locator('#confirm').isVisible()).toBe(true);
    expect(await page.locator('#confirm-text').textContent()).toContain('maintenance in westeurope');
    await page.click('#confirm-no');
    await expect.poll(() => page.locator('#confirm').isVisible()).toBe(false);
    expect(drains).toHaveLength(0);
    await drain.click();
    await page.click('#confirm-yes');
    await expect.poll(() => page.locator('#action-result').textContent()).toContain('done');
    expect(drains).toHaveLength(1);
    expect(drains[0]?.csrf).toMatch(/^[0-9a-f]{64}$/);
    expect(drains[0]?.body).toEqual({ cloud: 'azure', reason: 'maintenance in westeurope', operator: 'dashboard' });
    await expect.poll(() => page.locator('#events li[data-kind="override"]').first().textContent()).toContain('maintenance in westeurope');
    await expect.poll(() => card(page, 'azure').locator('.chip').first().textContent()).toBe('drained');
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(13, 17, 23)');
    await page.screenshot({ path: `${SHOTS}/dashboard-dark.png`, fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it('labels a pin, an unpin, a fail-back and a recovery as what they are, and keeps showing the last failover', async () => {
    const { page, context, problems } = await open('light');
    await expect.poll(() => page.locator('#failover').getAttribute('data-generation')).toBe('2');
    const publish = (generation: number, before: string[], after: string[], reason: string) => {
      now += 50;
      events.record({
        type: 'decision',
        service: SERVICE,
        kind: 'change',
        before,
        after,
        basedOnGeneration: generation - 1,
        held: false,
        failOpen: false,
        paused: false,
        urgent: false,
        reason,
      });
      now += 100;
      events.record({
        type: 'write',
        service: SERVICE,
        generation,
        status: 'in-sync',
        before,
        after,
        providers: (['route53', 'azure', 'clouddns'] as const).map((provider) => ({
          provider,
          result: 'ok',
          latencyMs: 90,
          apiCalls: 2,
          changes: 2,
        })),
        reason: `in-sync: [${before.join(', ')}] → [${after.join(', ')}] at generation ${generation}`,
      });
    };
    const override = (action: 'pin' | 'unpin', reason: string) =>
      events.record({ type: 'override', action, operator: 'alice', service: SERVICE, targetId: 'gcp', actor: 'operator', reason });
    const verdict = (targetId: string, before: 'down' | 'unknown', after: 'up') =>
      events.record({ type: 'verdict', targetId, before, after, reason: `3 of 3 fresh vantage points say ${after}` });

    now += 1000;
    override('pin', 'test gcp');
    publish(3, [ADDR.azure], [ADDR.gcp], 'pinned to gcp');
    override('unpin', 'done');
    publish(4, [ADDR.gcp], [ADDR.azure], 'unpinned');
    verdict('aws', 'down', 'up');
    publish(5, [ADDR.azure], [ADDR.aws], 'aws is back: failing back');
    verdict('gcp', 'unknown', 'up');
    publish(6, [ADDR.aws], [ADDR.aws, ADDR.gcp], 'gcp is usable again');

    await expect
      .poll(() => page.locator('#answer-moves li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-move'))))
      .toEqual(['recovery', 'fail-back', 'unpin', 'pin', 'failover']);
    // None of them is a failover: the panel still shows the one of generation 2, and says what came since.
    expect(await page.locator('#failover').getAttribute('data-generation')).toBe('2');
    expect(await page.locator('#failover-when').textContent()).toContain('since then: recovery');
    expect(await page.locator('#answer-moves li[data-move="pin"]').textContent()).toContain(
      `${ADDR.azure} (Azure) → ${ADDR.gcp} (Google Cloud) by alice: test gcp`,
    );
    expect(await page.locator('#answer-moves li[data-move="fail-back"]').textContent()).toContain(
      `${ADDR.azure} (Azure) → ${ADDR.aws} (AWS)`,
    );
    expect(await page.locator('#answer-moves li[data-move="recovery"]').textContent()).toContain(`adds ${ADDR.gcp} (Google Cloud)`);
    await page.screenshot({ path: `${SHOTS}/dashboard-moves.png`, fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });
});
