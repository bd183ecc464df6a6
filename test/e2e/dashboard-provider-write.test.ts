/**
 * The dashboard in headless Chromium with the controller's newer event kind
 * and a demo without drills: `provider-write` events (one per provider's
 * acknowledgement) are hidden from the timeline by default and render
 * compactly when ticked, without a console error; with chaos buttons but no
 * drills, no "Drills" heading stands over nothing.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountDashboard } from '../../apps/controller/dashboard.js';
import { createEventStream } from '../../apps/controller/sse.js';
import { EventLog } from '../../src/observability/events.js';

const SERVICE = 'app.example.test';
const AZURE = '198.51.100.20';

const now = Date.now();
const events = new EventLog({ clock: { now: () => now } });
const status = {
  owner: 'e2e',
  zone: 'example.test.',
  phase: 'running',
  generation: 2,
  at: now,
  services: [],
  targets: [],
  providers: [],
  overrides: { drainedClouds: [], pins: {}, paused: [] },
  lastDecisions: [],
  lastEventId: 0,
};

let server: Server;
let base: string;
let browser: Browser;
let stopStream: () => void = () => {};

beforeAll(async () => {
  for (const [provider, latencyMs] of [
    ['route53', 95],
    ['clouddns', 80],
  ] as const) {
    events.record({
      type: 'provider-write',
      provider,
      generation: 2,
      services: [SERVICE],
      changes: [{ kind: 'update', name: `${SERVICE}.`, records: [{ type: 'A', ttl: 5, values: [AZURE] }] }],
      apiCalls: 2,
      latencyMs,
      reason: `${provider} acknowledged update ${SERVICE}. [${AZURE}] at generation 2 after ${latencyMs} ms`,
    });
  }
  events.record({ type: 'override', action: 'drain', operator: 'alice', cloud: 'aws', actor: 'operator', reason: 'maintenance' });
  const { hub } = createEventStream(events, { heartbeatMs: 5_000 });
  stopStream = () => hub.close();
  const app = express();
  app.get('/status', (_req, res) => void res.json(status));
  app.get('/events/stream', hub.handler);
  mountDashboard(app, {
    uiConfig: { demo: true, adminEnabled: false, chaos: [{ target: 'aws', cloud: 'aws', actions: ['down', 'heal'] }], drills: [] },
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
});

afterAll(async () => {
  stopStream();
  await browser?.close();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

describe('dashboard: provider-write events and a demo without drills', () => {
  it('hides provider-write by default, shows it compactly when ticked, and shows no empty Drills heading', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    await page.goto(base);

    // The override arrives over the stream; the two provider-write events before it do not show.
    await expect.poll(() => page.locator('#events li[data-kind="override"]').count()).toBe(1);
    expect(await page.locator('#events li[data-kind="provider-write"]').count()).toBe(0);
    const box = page.locator('#filters input[value="provider-write"]');
    expect(await box.isChecked()).toBe(false);

    await box.check();
    await expect.poll(() => page.locator('#events li[data-kind="provider-write"]').count()).toBe(2);
    const newest = page.locator('#events li[data-kind="provider-write"]').first();
    expect(await newest.locator('.meta .chip').allTextContents()).toEqual(['gen 2', 'Cloud DNS', '1 change · 80 ms', SERVICE]);
    expect(await newest.textContent()).toContain(`clouddns acknowledged update ${SERVICE}. [${AZURE}] at generation 2`);

    // Chaos buttons, but no drills: the drills block (and its heading) is hidden.
    await expect.poll(() => page.locator('#chaos button').allTextContents()).toEqual(['down', 'heal']);
    expect(await page.locator('#drills').isHidden()).toBe(true);
    expect(await page.locator('#drills h3').count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});
