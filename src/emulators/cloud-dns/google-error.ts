/**
 * Google API errors as Cloud DNS sends them. The official client turns this body
 * into an `ApiError` with `.code` and `.errors[0].reason`, and its retry logic
 * keys on the status (408/429/5xx) and on the reasons `rateLimitExceeded` and
 * `userRateLimitExceeded`. The inner message is kept equal to the outer one,
 * because the client joins distinct messages into a "Multiple errors" text.
 */
export type GoogleErrorReason =
  | 'alreadyExists'
  | 'authError'
  | 'backendError'
  | 'badRequest'
  | 'conditionNotMet'
  | 'containerNotEmpty'
  | 'cnameResourceRecordSetConflict'
  | 'invalid'
  | 'notFound'
  | 'notImplemented'
  | 'parseError'
  | 'quotaExceeded'
  | 'rateLimitExceeded'
  | 'required'
  | 'resourceInUseByAnotherResource'
  | 'uploadTooLarge';

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  408: 'DEADLINE_EXCEEDED',
  409: 'ALREADY_EXISTS',
  412: 'FAILED_PRECONDITION',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
};

export interface GoogleErrorBody {
  error: {
    code: number;
    message: string;
    errors: { reason: GoogleErrorReason; domain: string; message: string; location?: string; locationType?: string }[];
    status: string;
  };
}

export class GoogleApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: GoogleErrorReason,
    message: string,
    readonly domain = 'global',
    readonly location?: { location: string; locationType: 'header' | 'parameter' },
  ) {
    super(message);
    this.name = 'GoogleApiError';
  }

  toBody(): GoogleErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        errors: [{ reason: this.reason, domain: this.domain, message: this.message, ...this.location }],
        status: STATUS_NAMES[this.code] ?? 'UNKNOWN',
      },
    };
  }
}

/** `'entity.change.additions[0].ttl'`-style path, as Google names fields in messages. */
export function fieldPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `.${String(p)}`;
  return out;
}

/** A value quoted in a message, cut so one huge field cannot make a huge error. */
function shortJson(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 200 ? `${text.slice(0, 197)}...` : text;
}

export const googleErrors = {
  required: (field: string) => new GoogleApiError(400, 'required', `Required field '${field}' not specified`),
  invalid: (field: string, value: unknown, why?: string) =>
    new GoogleApiError(400, 'invalid', `Invalid value for '${field}': ${shortJson(value)}${why ? ` (${why})` : ''}`),
  notFound: (parameter: string, name: string) =>
    new GoogleApiError(404, 'notFound', `The 'parameters.${parameter}' resource named '${name}' does not exist.`),
  alreadyExists: (entity: string, name: string) =>
    new GoogleApiError(409, 'alreadyExists', `The resource '${entity}' named '${name}' already exists`),
  conditionNotMet: (entity: string, why: string) =>
    new GoogleApiError(412, 'conditionNotMet', `Precondition not met for '${entity}': ${why}`),
  quotaExceeded: (what: string) => new GoogleApiError(403, 'quotaExceeded', `The change would exceed quota for ${what}.`),
  rateLimited: () => new GoogleApiError(429, 'rateLimitExceeded', 'Rate Limit Exceeded', 'usageLimits'),
  backend: () => new GoogleApiError(503, 'backendError', 'Backend Error (injected fault)'),
  /**
   * A real Cloud DNS feature this emulator does not implement: 501, which the
   * client does not retry, with a message that names the feature and what asked for it.
   */
  notEmulated: (feature: string, where: string) =>
    new GoogleApiError(
      501,
      'notImplemented',
      `not emulated: ${feature} (${where}); the Cloud DNS emulator does not implement this feature`,
    ),
};
