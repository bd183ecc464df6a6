/**
 * Route 53 wire form ↔ the product's record model, and Route 53 errors →
 * ProviderError kinds. Pure: no client, no I/O (route53.ts does the calls).
 */
import type { Change as WireChange, ResourceRecordSet } from '@aws-sdk/client-route-53';
import { MANAGED_TYPES, canonicalRecordSet } from '../dns/record.js';
import type { RecordSet, RecordType } from '../dns/record.js';
import type { Route53Action } from '../plan/batching.js';
import { isConnectionError } from './call.js';
import { ProviderError } from './provider.js';

// ── records ───────────────────────────────────────────────────────────────

/** Route 53 lists names with special characters as octal escapes (`\052` is `*`). */
export function decodeRoute53Name(name: string): string {
  return name.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

function isManagedType(type: string | undefined): type is RecordType {
  return (MANAGED_TYPES as readonly string[]).includes(type ?? '');
}

/**
 * A listed record set in canonical form, or undefined for what the product
 * does not manage (SOA, NS, MX, ..., alias and routing-policy records).
 */
export function fromResourceRecordSet(rrs: ResourceRecordSet): RecordSet | undefined {
  if (!isManagedType(rrs.Type) || rrs.Name === undefined) return undefined;
  if (rrs.AliasTarget !== undefined || rrs.SetIdentifier !== undefined || rrs.TTL === undefined) return undefined;
  const values = (rrs.ResourceRecords ?? []).map((r) => r.Value).filter((v): v is string => v !== undefined);
  return canonicalRecordSet({ name: decodeRoute53Name(rrs.Name), type: rrs.Type, ttl: rrs.TTL, values });
}

/** Values go out in presentation form (TXT quoted), exactly as they were observed or planned. */
export function toResourceRecordSet(rs: RecordSet): ResourceRecordSet {
  const c = canonicalRecordSet(rs);
  return { Name: c.name, Type: c.type, TTL: c.ttl, ResourceRecords: c.values.map((Value) => ({ Value })) };
}

export function toWireChanges(actions: readonly Route53Action[]): WireChange[] {
  return actions.map(({ action, record }) => ({ Action: action, ResourceRecordSet: toResourceRecordSet(record) }));
}

// ── errors ────────────────────────────────────────────────────────────────

/**
 * InvalidChangeBatch problems that mean "the zone is no longer as it was read":
 * a DELETE that did not match or found nothing, a CREATE of something that
 * exists, or a CNAME clash with a set that appeared since. Anything else in an
 * InvalidChangeBatch is a malformed request.
 */
const CAS_PROBLEMS = [
  /tried to delete resource record set .* but it was not found/i,
  /tried to delete resource record set .* but the values provided do not match/i,
  /tried to create resource record set .* but it already exists/i,
  /conflicts with other records with the same DNS name/i,
  /conflicting RRSet of type \S+ with the same DNS name already exists/i,
];

const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'PriorRequestNotComplete',
  'TooManyRequestsException',
  'RequestLimitExceeded',
]);
const AUTH_CODES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'MissingAuthenticationToken',
  'IncompleteSignature',
  'ExpiredToken',
  'ExpiredTokenException',
  'UnrecognizedClientException',
  'CredentialsProviderError',
]);

interface SdkErrorShape {
  readonly name?: string;
  readonly message?: string;
  readonly messages?: readonly string[];
  readonly $fault?: 'client' | 'server';
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $response?: { readonly headers?: Readonly<Record<string, string | undefined>> };
}

/** Every problem text of an error (InvalidChangeBatch may carry a `messages` list). */
export function errorText(err: unknown): string {
  const e = (err ?? {}) as SdkErrorShape;
  return [e.message ?? String(err), ...(e.messages ?? [])].filter((m) => m !== '').join('; ');
}

export function isCasProblem(text: string): boolean {
  return CAS_PROBLEMS.some((re) => re.test(text));
}

/** Retry-After in ms when a response carried one (Route 53 usually does not). */
function retryAfterMs(e: SdkErrorShape): number | undefined {
  const headers = e.$response?.headers ?? {};
  const key = Object.keys(headers).find((k) => k.toLowerCase() === 'retry-after');
  const raw = key === undefined ? undefined : headers[key];
  if (raw === undefined) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** Map any error of a Route 53 call to a ProviderError kind (see provider.ts). */
export function classifyRoute53Error(err: unknown, hostedZoneId: string): { error: ProviderError; retryAfterMs?: number } {
  const e = (err ?? {}) as SdkErrorShape;
  const code = e.name ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  const text = errorText(err);
  const make = (kind: ProviderError['kind'], message: string) => new ProviderError('route53', kind, message, { cause: err });

  if (isConnectionError(err)) return { error: make('unavailable', `Route 53 API not reachable: ${text}`) };
  if (code === 'InvalidChangeBatch') {
    return isCasProblem(text)
      ? { error: make('conflict', `change batch refused, the zone changed since it was read: ${text}`) }
      : { error: make('invalid', `change batch refused as malformed: ${text}`) };
  }
  if (THROTTLING_CODES.has(code) || status === 429) {
    const after = retryAfterMs(e);
    return { error: make('throttled', `${code}: ${text}`), ...(after !== undefined ? { retryAfterMs: after } : {}) };
  }
  if (code === 'NoSuchHostedZone') {
    return {
      error: make(
        'invalid',
        `hosted zone '${hostedZoneId}' does not exist for these credentials (${text}); check providers.route53.hostedZoneId`,
      ),
    };
  }
  if (AUTH_CODES.has(code) || status === 401 || status === 403) {
    return {
      error: make(
        'auth',
        `credentials refused (${code}: ${text}); check providers.route53.credentials or the AWS default credential chain and its route53 permissions`,
      ),
    };
  }
  if ((status !== undefined && status >= 500) || e.$fault === 'server')
    return { error: make('unavailable', `${code} (HTTP ${status ?? '5xx'}): ${text}`) };
  if (status !== undefined && status >= 400) return { error: make('invalid', `${code} (HTTP ${status}): ${text}`) };
  // No HTTP answer at all (socket closed mid-response, DNS failure, ...): the API is not reachable.
  return { error: make('unavailable', `${code}: ${text}`) };
}
