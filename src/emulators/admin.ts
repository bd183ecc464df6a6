/**
 * The emulators' admin API (loopback only): read and change fault settings,
 * read and reset request counters, dump a zone store. This is how drills, the
 * `chaos` command and anyone's tests break a provider from outside the process;
 * in-process code can use each emulator's `faults` directly.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import { isIPv4, type AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { FaultInjector, FaultPatch, FaultSettings, OperationCount } from './core/faults.js';
import type { EmuZone, ZoneStore } from './core/zone-store.js';
import { EMULATOR_KINDS, type EmulatorKind } from './defaults.js';

export interface AdminTarget {
  faults: FaultInjector;
  store: ZoneStore;
  /** Resolves when the API listener reflects `apiDown`; awaited before answering a change. */
  settled?: () => Promise<void>;
  /** The provider's failover engine (e.g. Route 53 health checkers), whose probe interval drills may speed up. */
  engine?: EngineKnob;
}

/** A failover engine's interval override: undefined means the provider's real intervals. */
export interface EngineKnob {
  readonly intervalMs: number | undefined;
  setIntervalMs(ms: number | undefined): void;
}

const EngineSchema = z.strictObject({ intervalMs: z.number().int().nullable() });

export interface AdminApiOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  targets: Record<EmulatorKind, AdminTarget>;
  log?: (line: Record<string, unknown>) => void;
}

export interface RunningAdminApi {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface CountersView {
  total: number;
  operations: Record<string, OperationCount>;
}

const FAULT_FIELDS = ['apiDown', 'dnsDown', 'errorRate', 'latencyMs', 'throttle', 'bucket'] as const;

/** Shape and types; ranges are FaultInjector.set's job (it throws a RangeError naming the field). */
const FaultPatchSchema = z
  .strictObject({
    apiDown: z.boolean(),
    dnsDown: z.boolean(),
    errorRate: z.number(),
    latencyMs: z.number(),
    throttle: z.enum(['off', 'always', 'bucket']),
    bucket: z.strictObject({ capacity: z.number(), refillPerSecond: z.number() }).partial(),
  })
  .partial();

/** Emulators accept any credentials, so nothing of them listens beyond loopback. */
export class NotLoopbackError extends Error {
  constructor(
    readonly host: string,
    what: string,
  ) {
    super(`${what} must listen on a loopback address (127.0.0.0/8), got '${host}'`);
  }
}

export function isLoopbackHost(host: string): boolean {
  return isIPv4(host) && host.split('.')[0] === '127';
}

export function assertLoopback(host: string, what: string): void {
  if (!isLoopbackHost(host)) throw new NotLoopbackError(host, what);
}

class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function patchError(error: z.ZodError): AdminError {
  const issue = error.issues[0]!;
  const where = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    const field = [...issue.path, issue.keys[0]].join('.');
    const known = issue.path.length ? 'capacity or refillPerSecond' : `${FAULT_FIELDS.slice(0, -1).join(', ')} or ${FAULT_FIELDS.at(-1)}`;
    return new AdminError(400, 'UnknownFaultSetting', `fault setting '${field}' does not exist: expected ${known}`);
  }
  return new AdminError(400, 'InvalidFaultSetting', `fault setting '${where || '(body)'}': ${issue.message}`);
}

export function zoneDump(zone: EmuZone): Record<string, unknown> {
  return {
    id: zone.id,
    name: zone.name,
    serial: zone.serial,
    createdAt: zone.createdAt.toISOString(),
    attributes: zone.attributes,
    nameServers: zone.nameServers,
    records: [...zone.records.values()]
      .sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type))
      .map((rs) => ({
        name: rs.name,
        type: rs.type,
        ttl: rs.ttl,
        values: rs.values,
        version: rs.version,
        ...(rs.metadata ? { metadata: rs.metadata } : {}),
      })),
  };
}

export function countersView(faults: FaultInjector): CountersView {
  return { total: faults.totalRequests(), operations: faults.counters() };
}

export function adminApp(targets: Record<EmulatorKind, AdminTarget>, log?: AdminApiOptions['log']): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Any content type: `curl -d '{...}'` sends form encoding by default.
  app.use(express.json({ type: () => true, limit: '16kb' }));
  if (log) {
    app.use((req, res, next) => {
      const started = Date.now();
      res.on('finish', () => log({ admin: true, method: req.method, path: req.path, status: res.statusCode, ms: Date.now() - started }));
      next();
    });
  }

  const target = (kind: string | string[] | undefined): AdminTarget => {
    const found =
      typeof kind === 'string' && (EMULATOR_KINDS as readonly string[]).includes(kind) ? targets[kind as EmulatorKind] : undefined;
    if (!found) throw new AdminError(404, 'UnknownEmulator', `unknown emulator '${String(kind)}': expected ${EMULATOR_KINDS.join(', ')}`);
    return found;
  };
  const all = <T>(view: (t: AdminTarget) => T): Record<EmulatorKind, T> =>
    Object.fromEntries(EMULATOR_KINDS.map((k) => [k, view(targets[k])])) as Record<EmulatorKind, T>;
  const settle = async (t: AdminTarget): Promise<FaultSettings> => {
    await t.settled?.();
    return t.faults.settings;
  };

  // The one deviation from the providers: how often their failover engines probe (null: the real intervals).
  const engineOf = (kind: string | string[] | undefined): EngineKnob => {
    const engine = target(kind).engine;
    if (!engine) throw new AdminError(404, 'NoEngine', `emulator '${String(kind)}' runs no failover engine here`);
    return engine;
  };
  app.get('/engines/:kind', (req, res) => {
    res.json({ intervalMs: engineOf(req.params.kind).intervalMs ?? null });
  });
  app.put('/engines/:kind', (req, res) => {
    const engine = engineOf(req.params.kind);
    const parsed = EngineSchema.safeParse(req.body);
    if (!parsed.success)
      throw new AdminError(
        400,
        'InvalidEngineSetting',
        'expected {"intervalMs": <integer ms>} or {"intervalMs": null} for the real intervals',
      );
    try {
      engine.setIntervalMs(parsed.data.intervalMs ?? undefined);
    } catch (err) {
      if (err instanceof RangeError) throw new AdminError(400, 'InvalidEngineSetting', err.message);
      throw err;
    }
    res.json({ intervalMs: engine.intervalMs ?? null });
  });

  app.get('/faults', (_req, res) => {
    res.json(all((t) => t.faults.settings));
  });
  app.get('/faults/:kind', (req, res) => {
    res.json(target(req.params.kind).faults.settings);
  });
  app.put('/faults/:kind', async (req, res) => {
    const t = target(req.params.kind);
    if (typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
      throw new AdminError(
        400,
        'InvalidFaultSetting',
        `expected a JSON object of fault settings (${FAULT_FIELDS.join(', ')}), e.g. {"apiDown": true}`,
      );
    }
    const parsed = FaultPatchSchema.safeParse(req.body);
    if (!parsed.success) throw patchError(parsed.error);
    try {
      t.faults.set(parsed.data as FaultPatch);
    } catch (err) {
      if (err instanceof RangeError) throw new AdminError(400, 'InvalidFaultSetting', err.message);
      throw err;
    }
    res.json(await settle(t));
  });
  app.post('/faults/heal', async (_req, res) => {
    for (const k of EMULATOR_KINDS) targets[k].faults.heal();
    await Promise.all(EMULATOR_KINDS.map((k) => targets[k].settled?.()));
    res.json(all((t) => t.faults.settings));
  });
  app.post('/faults/:kind/heal', async (req, res) => {
    const t = target(req.params.kind);
    t.faults.heal();
    res.json(await settle(t));
  });
  app.get('/counters', (_req, res) => {
    res.json(all((t) => countersView(t.faults)));
  });
  app.get('/counters/:kind', (req, res) => {
    res.json(countersView(target(req.params.kind).faults));
  });
  app.post('/counters/reset', (_req, res) => {
    for (const k of EMULATOR_KINDS) targets[k].faults.resetCounters();
    res.json(all((t) => countersView(t.faults)));
  });
  app.post('/counters/:kind/reset', (req, res) => {
    const t = target(req.params.kind);
    t.faults.resetCounters();
    res.json(countersView(t.faults));
  });
  app.get('/zones/:kind', (req, res) => {
    res.json({ zones: target(req.params.kind).store.listZones().map(zoneDump) });
  });

  app.use((req, _res, next) =>
    next(new AdminError(404, 'NotFound', `no admin route ${req.method} ${req.path}: see docs/emulators.md#fault-injection`)),
  );
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof AdminError) {
      res.status(err.status).json({ error: { code: err.code, message: err.message } });
      return;
    }
    const status = (err as { status?: number }).status;
    if (status === 400 || status === 413) {
      res
        .status(status)
        .json({ error: { code: 'InvalidJson', message: `request body is not acceptable JSON: ${(err as Error).message}` } });
      return;
    }
    res.status(500).json({ error: { code: 'InternalError', message: (err as Error).message } });
  });
  return app;
}

export async function startAdminApi(options: AdminApiOptions): Promise<RunningAdminApi> {
  assertLoopback(options.host, 'the admin API');
  const server: Server = adminApp(options.targets, options.log).listen(options.port, options.host);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([err]) => Promise.reject(err as Error))]);
  const port = (server.address() as AddressInfo).port;
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `http://${options.host}:${port}`,
    port,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}
