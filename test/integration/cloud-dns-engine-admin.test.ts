/**
 * The Cloud DNS health engine's interval knob, the emulator's one deviation:
 * `startEmulators({ cloudDnsHealthCheckIntervalMs })` and the admin API
 * (`GET/PUT /engines/clouddns`). Without it the checks' own intervals apply.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulators, type RunningEmulators } from '../../src/emulators/index.js';

let emu: RunningEmulators;

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${emu.admin.endpoint}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  emu = await startEmulators({ freePorts: true, cloudDnsHealthCheckIntervalMs: 500 });
});

afterAll(async () => {
  await emu?.stop();
});

it('starts at the interval given as an option, changes it through the admin API, and restores the real intervals with null', async () => {
  expect(emu.clouddns.engine.settings.intervalMs).toBe(500);
  const got = await admin('GET', '/engines/clouddns');
  expect(got.status).toBe(200);
  expect(got.body).toMatchObject({ settings: { probeIntervalMs: 500 }, state: { targets: [] } });

  const sped = await admin('PUT', '/engines/clouddns', { probeIntervalMs: 250 });
  expect(sped).toMatchObject({ status: 200, body: { settings: { probeIntervalMs: 250 } } });
  expect(emu.clouddns.engine.settings.intervalMs).toBe(250);

  const tooFast = await admin('PUT', '/engines/clouddns', { probeIntervalMs: 10 });
  expect(tooFast.status).toBe(400);
  expect(JSON.stringify(tooFast.body)).toContain('between 50 and 300000');
  expect(emu.clouddns.engine.settings.intervalMs).toBe(250);

  const real = await admin('PUT', '/engines/clouddns', { probeIntervalMs: null });
  expect(real).toMatchObject({ status: 200, body: { settings: { probeIntervalMs: null } } });
  expect(emu.clouddns.engine.settings.intervalMs).toBeUndefined();
});
