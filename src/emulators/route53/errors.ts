/**
 * Route 53 errors as the service sends them: a code, an HTTP status and a
 * message in the `ErrorResponse` envelope. The official SDK maps the code to its
 * typed exception (`InvalidChangeBatch`, `NoSuchHostedZone`, ...), so codes and
 * statuses here follow the SDK's error shapes.
 */
export type ErrorType = 'Sender' | 'Receiver';

export class Route53Error extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    readonly type: ErrorType = 'Sender',
  ) {
    super(message);
    this.name = code;
  }
}

export const invalidInput = (message: string): Route53Error => new Route53Error('InvalidInput', message, 400);

/**
 * Route 53 now sends InvalidChangeBatch in the standard envelope, with every
 * problem of the batch listed in one bracketed, comma-separated message.
 */
export const invalidChangeBatch = (messages: readonly string[]): Route53Error =>
  new Route53Error('InvalidChangeBatch', `[${messages.join(', ')}]`, 400);

export const noSuchHostedZone = (id: string): Route53Error =>
  new Route53Error('NoSuchHostedZone', `No hosted zone found with ID: ${id}`, 404);

export const noSuchChange = (id: string): Route53Error =>
  new Route53Error('NoSuchChange', `A change with the specified change ID does not exist: ${id}`, 404);

export const hostedZoneNotEmpty = (): Route53Error =>
  new Route53Error(
    'HostedZoneNotEmpty',
    'The specified hosted zone contains non-required resource record sets and so cannot be deleted.',
    400,
  );

export const hostedZoneAlreadyExists = (callerReference: string): Route53Error =>
  new Route53Error(
    'HostedZoneAlreadyExists',
    `A hosted zone has already been created with the specified caller reference: ${callerReference}`,
    409,
  );

export const invalidDomainName = (name: string, why: string): Route53Error =>
  new Route53Error('InvalidDomainName', `${name} is not a valid domain name: ${why}`, 400);

export const throttling = (): Route53Error => new Route53Error('Throttling', 'Rate exceeded', 400);

export const injectedFailure = (): Route53Error =>
  new Route53Error('InternalFailure', 'An internal error occurred (injected by the emulator fault settings)', 500, 'Receiver');

export const missingAuthentication = (): Route53Error =>
  new Route53Error('MissingAuthenticationToken', 'Request is missing an Authorization header (AWS SigV4 signature expected)', 403);

export const incompleteSignature = (): Route53Error =>
  new Route53Error('IncompleteSignature', "Authorization header must be an AWS SigV4 signature ('AWS4-HMAC-SHA256 Credential=...')", 403);

export const noSuchHealthCheck = (id: string): Route53Error =>
  new Route53Error('NoSuchHealthCheck', `A health check with id ${id} does not exist.`, 404);

/**
 * An operation of the Route 53 API that this emulator does not serve. 501 with
 * code NotImplemented: the SDKs neither retry it (their transient statuses are
 * 500, 502, 503 and 504) nor mistake it for a missing resource or bad input.
 */
export const notEmulated = (feature: string, operation: string): Route53Error =>
  new Route53Error('NotImplemented', `not emulated: ${feature} (${operation} is not served by this Route 53 emulator)`, 501, 'Receiver');
