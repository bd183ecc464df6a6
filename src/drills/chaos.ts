/**
 * The chaos vocabulary of the local topology, shared by `failover chaos`, the
 * topology's in-process chaosCloud/chaosProvider and the drills:
 *
 * - a cloud (aws, azure, gcp) gets a sample-service chaos mode;
 * - a DNS provider (route53, azuredns, clouddns) gets an emulator fault:
 *   `api-down` (its control plane refuses connections), `dns-down` (its
 *   nameserver stops answering), `throttle` (every API call is throttled) or
 *   `heal` (every fault cleared).
 *
 * The remote half talks to the running demo from another process: the sample
 * service's own chaos listener (PUT /chaos with its token) and the emulators'
 * admin API (PUT /faults/:kind, POST /faults/:kind/heal).
 */
import type { FaultPatch } from '../emulators/core/faults.js';
import type { EmulatorKind } from '../emulators/defaults.js';
import type { Cloud } from '../routing/answer.js';
import { TOPOLOGY_CLOUDS } from './topology-config.js';

/** The sample service's chaos modes (apps/sample-service/chaos.ts), plus `heal` for `healthy`. */
export const CLOUD_CHAOS_MODES = ['healthy', 'down', 'blackhole', 'slow', 'error', 'dependency-dns-empty'] as const;
export type CloudChaosMode = (typeof CLOUD_CHAOS_MODES)[number];
export const CLOUD_CHAOS_ACTIONS = ['down', 'blackhole', 'slow', 'error', 'dependency-dns-empty', 'heal', 'healthy'] as const;

export const PROVIDER_CHAOS_ACTIONS = ['api-down', 'dns-down', 'throttle', 'heal'] as const;
export type ProviderChaosAction = (typeof PROVIDER_CHAOS_ACTIONS)[number];

/** Names a person may type for each DNS provider; the first is the one shown. */
export const PROVIDER_TARGET_NAMES: Readonly<Record<EmulatorKind, readonly string[]>> = {
  route53: ['route53', 'route-53'],
  azure: ['azuredns', 'azure-dns'],
  clouddns: ['clouddns', 'cloud-dns'],
};

export type ChaosCommand =
  | { readonly kind: 'cloud'; readonly cloud: Cloud; readonly mode: CloudChaosMode; readonly delayMs?: number }
  | { readonly kind: 'provider'; readonly provider: EmulatorKind; readonly action: ProviderChaosAction };

/** A chaos target or action that does not exist; the message lists what does. */
export class ChaosArgumentError extends Error {
  override readonly name = 'ChaosArgumentError';
}

/** What `failover chaos --help` and error messages list. */
export function chaosChoices(): string {
  const providers = Object.values(PROVIDER_TARGET_NAMES)
    .map((names) => names.join('|'))
    .join(', ');
  return [
    `clouds: ${TOPOLOGY_CLOUDS.join(', ')} with ${CLOUD_CHAOS_ACTIONS.filter((a) => a !== 'healthy').join('|')}`,
    `DNS providers: ${providers} with ${PROVIDER_CHAOS_ACTIONS.join('|')}`,
  ].join('; ');
}

/** `heal` on a cloud means the sample service's `healthy` mode. */
export function cloudMode(action: string): CloudChaosMode | undefined {
  if (action === 'heal') return 'healthy';
  return (CLOUD_CHAOS_MODES as readonly string[]).includes(action) ? (action as CloudChaosMode) : undefined;
}

export function providerOf(target: string): EmulatorKind | undefined {
  const t = target.toLowerCase();
  return (Object.keys(PROVIDER_TARGET_NAMES) as EmulatorKind[]).find((k) => PROVIDER_TARGET_NAMES[k].includes(t));
}

/** Validate `failover chaos TARGET ACTION [--delay-ms N]`. */
export function parseChaosCommand(target: string, action: string, options: { delayMs?: number } = {}): ChaosCommand {
  const t = target.toLowerCase();
  const a = action.toLowerCase();
  if ((TOPOLOGY_CLOUDS as readonly string[]).includes(t)) {
    const mode = cloudMode(a);
    if (mode === undefined)
      throw new ChaosArgumentError(
        `unknown action '${action}' for cloud ${t}: expected one of ${CLOUD_CHAOS_ACTIONS.filter((x) => x !== 'healthy').join(', ')}`,
      );
    if (options.delayMs !== undefined && mode !== 'slow') throw new ChaosArgumentError(`--delay-ms only applies to 'slow', not '${a}'`);
    return { kind: 'cloud', cloud: t as Cloud, mode, ...(options.delayMs !== undefined ? { delayMs: options.delayMs } : {}) };
  }
  const provider = providerOf(t);
  if (provider !== undefined) {
    if (!(PROVIDER_CHAOS_ACTIONS as readonly string[]).includes(a)) {
      throw new ChaosArgumentError(
        `unknown action '${action}' for DNS provider ${PROVIDER_TARGET_NAMES[provider][0]}: expected one of ${PROVIDER_CHAOS_ACTIONS.join(', ')}`,
      );
    }
    if (options.delayMs !== undefined) throw new ChaosArgumentError(`--delay-ms only applies to a cloud's 'slow' action`);
    return { kind: 'provider', provider, action: a as ProviderChaosAction };
  }
  throw new ChaosArgumentError(
    `unknown target '${target}': expected a cloud (${TOPOLOGY_CLOUDS.join(', ')}) or a DNS provider (${Object.values(PROVIDER_TARGET_NAMES)
      .map((n) => n[0])
      .join(', ')}; also ${Object.values(PROVIDER_TARGET_NAMES)
      .map((n) => n[1])
      .join(', ')})`,
  );
}

/** The emulator fault a provider action sets; `heal` is FaultInjector.heal() instead. */
export function providerFault(action: Exclude<ProviderChaosAction, 'heal'>): FaultPatch {
  switch (action) {
    case 'api-down':
      return { apiDown: true };
    case 'dns-down':
      return { dnsDown: true };
    case 'throttle':
      return { throttle: 'always' };
  }
}

/** The running demo could not be reached or refused the change; says which and why. */
export class ChaosRequestFailed extends Error {
  override readonly name = 'ChaosRequestFailed';
}

const REMOTE_TIMEOUT_MS = 5_000;

async function send(url: string, init: RequestInit, what: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(REMOTE_TIMEOUT_MS) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new ChaosRequestFailed(`${what}: cannot reach ${url} (${cause}); is the demo still running?`);
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON: keep the text for the message */
  }
  if (!res.ok) {
    const message =
      (body as { message?: string; error?: { message?: string } })?.message ??
      (body as { error?: { message?: string } })?.error?.message ??
      text;
    throw new ChaosRequestFailed(`${what}: ${url} answered ${res.status}: ${message}`);
  }
  return body;
}

export interface RemoteCloudChaos {
  /** The sample service's chaos listener, e.g. http://127.0.0.11:40123 (stays up while the service is `down`). */
  readonly chaosUrl: string;
  readonly chaosToken: string;
}

/** PUT /chaos on the service's chaos listener; resolves with the state it reports. */
export async function applyRemoteCloudChaos(endpoint: RemoteCloudChaos, mode: CloudChaosMode, delayMs?: number): Promise<unknown> {
  return send(
    `${endpoint.chaosUrl}/chaos`,
    {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-chaos-token': endpoint.chaosToken },
      body: JSON.stringify({ mode, ...(delayMs !== undefined ? { delayMs } : {}) }),
    },
    `setting ${mode}`,
  );
}

/** The emulators' admin API: set the fault, or heal every fault of that provider. */
export async function applyRemoteProviderChaos(adminUrl: string, provider: EmulatorKind, action: ProviderChaosAction): Promise<unknown> {
  if (action === 'heal') return send(`${adminUrl}/faults/${provider}/heal`, { method: 'POST' }, `healing ${provider}`);
  return send(
    `${adminUrl}/faults/${provider}`,
    { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(providerFault(action)) },
    `${action} on ${provider}`,
  );
}
