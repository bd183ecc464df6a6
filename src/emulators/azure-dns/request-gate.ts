/**
 * What ARM checks before any resource logic: a Bearer token and a supported
 * api-version. Errors carry ARM's codes for the same failures.
 */
import type { IncomingMessage } from 'node:http';
import { ArmError } from './arm-error.js';

export const SUPPORTED_API_VERSIONS = ['2018-05-01'] as const;
/** Traffic Manager's api-version: the one @azure/arm-trafficmanager 6.x sends. */
export const TRAFFIC_MANAGER_API_VERSIONS = ['2022-04-01'] as const;

const CHALLENGE = 'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token"';

function unauthorized(code: string, message: string): ArmError {
  return new ArmError(401, code, message, undefined, { 'www-authenticate': CHALLENGE });
}

export function checkBearer(req: IncomingMessage, acceptToken: (token: string) => boolean): void {
  const header = req.headers.authorization;
  if (header === undefined || header.trim() === '') {
    throw unauthorized('AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1])
    throw unauthorized('AuthenticationFailed', "Authentication failed. The 'Authorization' header is not in 'Bearer <token>' format.");
  if (!acceptToken(match[1])) throw unauthorized('InvalidAuthenticationToken', 'The access token is invalid.');
}

export function checkApiVersion(query: URLSearchParams, supported: readonly string[] = SUPPORTED_API_VERSIONS): void {
  const v = query.get('api-version');
  if (v === null || v === '') {
    throw new ArmError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
  }
  if (!supported.includes(v)) {
    throw new ArmError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${v}' is invalid. The supported versions are '${supported.join("','")}'.`,
    );
  }
}
