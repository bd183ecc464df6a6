/**
 * `.failover/demo.json`: how other processes find the running demo — its pid,
 * every endpoint and the tokens to change things (the sample services' chaos
 * token, the controller's admin token). Written atomically with mode 0600 once
 * the demo is up, removed when it stops; `failover chaos` reads it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { EndpointsFileSchema } from '../../src/emulators/endpoints.js';
import type { Topology } from './topology.js';

export const DEFAULT_STATE_DIR = '.failover';
export const DEMO_STATE_FILE = 'demo.json';
export const ADMIN_TOKEN_FILE = 'admin-token';
export const DEMO_LOG_FILE = 'demo.log';

const cloudEntry = z.strictObject({
  address: z.string().min(1),
  url: z.url(),
  chaosUrl: z.url(),
  chaosToken: z.string().min(8),
});

export const DemoStateSchema = z.strictObject({
  version: z.literal(1),
  pid: z.number().int().positive(),
  startedAt: z.string().min(1),
  serviceName: z.string().min(1),
  servicePort: z.number().int().min(1).max(65535),
  clouds: z.strictObject({ aws: cloudEntry, azure: cloudEntry, gcp: cloudEntry }),
  api: z.strictObject({ url: z.url(), token: z.string().min(16), tokenFile: z.string().min(1) }),
  dashboard: z.url().optional(),
  emulators: EndpointsFileSchema,
  logFile: z.string().min(1).optional(),
});

export type DemoState = z.infer<typeof DemoStateSchema>;

export const demoStatePath = (stateDir: string) => join(stateDir, DEMO_STATE_FILE);

/** No demo.json, or one left behind by a demo that is gone; the message says how to start one. */
export class DemoNotRunningError extends Error {
  override readonly name = 'DemoNotRunningError';
}

/** A demo.json that cannot be used (not JSON, wrong shape). */
export class DemoStateError extends Error {
  override readonly name = 'DemoStateError';
}

export function demoStateOf(
  t: Topology,
  extra: { pid: number; startedAt: Date; tokenFile: string; dashboard?: string; logFile?: string },
): DemoState {
  const cloud = (c: keyof Topology['clouds']) => ({
    address: t.clouds[c].address,
    url: t.clouds[c].url,
    chaosUrl: t.clouds[c].chaosUrl,
    chaosToken: t.clouds[c].chaosToken,
  });
  return {
    version: 1,
    pid: extra.pid,
    startedAt: extra.startedAt.toISOString(),
    serviceName: t.serviceName,
    servicePort: t.servicePort,
    clouds: { aws: cloud('aws'), azure: cloud('azure'), gcp: cloud('gcp') },
    api: { url: t.api.url, token: t.api.token, tokenFile: extra.tokenFile },
    ...(extra.dashboard !== undefined ? { dashboard: extra.dashboard } : {}),
    emulators: t.emulators.endpoints(),
    ...(extra.logFile !== undefined ? { logFile: extra.logFile } : {}),
  };
}

/** Write a secret file atomically (temp + rename), readable by its owner only. */
export async function writePrivateFile(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, text, { mode: 0o600 });
  await rename(tmp, path);
}

export async function writeDemoState(stateDir: string, state: DemoState): Promise<string> {
  const path = demoStatePath(stateDir);
  await writePrivateFile(path, `${JSON.stringify(DemoStateSchema.parse(state), null, 2)}\n`);
  return path;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, it is just not ours to signal.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The running demo's state; DemoNotRunningError when there is none. */
export async function readDemoState(stateDir: string): Promise<DemoState> {
  const path = demoStatePath(stateDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new DemoNotRunningError(`no running demo found (${path}); start one with npm run demo`);
    throw new DemoStateError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DemoStateError(`${path} is not valid JSON (${(err as Error).message}); remove it and start the demo again with npm run demo`);
  }
  const parsed = DemoStateSchema.safeParse(json);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new DemoStateError(`${path} is not a demo state file (${where}); remove it and start the demo again with npm run demo`);
  }
  if (!alive(parsed.data.pid))
    throw new DemoNotRunningError(
      `no running demo found (${path} is left from process ${parsed.data.pid}, which is gone); start one with npm run demo`,
    );
  return parsed.data;
}

/** The demo already running in this state directory, if any (a stale file does not count). */
export async function runningDemo(stateDir: string): Promise<DemoState | undefined> {
  try {
    return await readDemoState(stateDir);
  } catch (err) {
    if (err instanceof DemoNotRunningError || err instanceof DemoStateError) return undefined;
    throw err;
  }
}

/** Remove demo.json and the admin token file; missing files are fine. */
export async function removeDemoState(stateDir: string): Promise<void> {
  await Promise.all([rm(demoStatePath(stateDir), { force: true }), rm(join(stateDir, ADMIN_TOKEN_FILE), { force: true })]);
}
