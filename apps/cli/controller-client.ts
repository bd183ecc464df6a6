/**
 * How the operator commands (`failover status`, `drain`, `pin`, `pause`,
 * `resume`) reach a running controller's API: where it is and which admin
 * token to send, and one request helper whose errors say what went wrong in
 * words (unreachable, token refused, admin API off, unknown service).
 *
 * Where the controller is, first match wins:
 *   --url, then FAILOVER_API_URL, then the running demo's state file
 *   (<state-dir>/demo.json), then http://127.0.0.1:4600.
 * The admin token, first match wins:
 *   --token-file, then FAILOVER_ADMIN_TOKEN (the variable the controller reads),
 *   then the demo's state file when the URL came from it.
 * The token is never taken as a command-line argument: other users see argv.
 */
import { readFile } from 'node:fs/promises';
import { DemoNotRunningError, DemoStateError, readDemoState } from '../topology/demo-state.js';
import { CommandInputError } from './commands/plan.js';

export const API_URL_ENV = 'FAILOVER_API_URL';
export const ADMIN_TOKEN_ENV = 'FAILOVER_ADMIN_TOKEN';
export const DEFAULT_API_URL = 'http://127.0.0.1:4600';
/** A request that takes longer is reported as a controller that does not answer. */
export const REQUEST_TIMEOUT_MS = 10_000;

export interface ConnectionOptions {
  readonly url?: string;
  readonly tokenFile?: string;
  readonly stateDir: string;
}

export interface Connection {
  readonly url: string;
  /** Where the URL came from, for messages ("from .failover/demo.json"). */
  readonly source: string;
  readonly token: string | undefined;
  readonly tokenSource: string | undefined;
}

/** The controller did not answer, or answered something the command cannot use. */
export class ControllerRequestError extends Error {
  override readonly name = 'ControllerRequestError';
}

function checkUrl(text: string, from: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CommandInputError(`${from}: expected the controller's URL, e.g. ${DEFAULT_API_URL}, got '${text}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CommandInputError(`${from}: expected an http:// or https:// URL, got '${text}'`);
  return url.href.replace(/\/$/, '');
}

async function tokenFrom(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new CommandInputError(`--token-file ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const token = text.trim();
  if (token === '') throw new CommandInputError(`--token-file ${file}: the file is empty; expected the controller's admin token`);
  return token;
}

/** Where the controller is and which token to send (see the module comment for the order). */
export async function resolveConnection(opts: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): Promise<Connection> {
  const envUrl = env[API_URL_ENV];
  const envToken = env[ADMIN_TOKEN_ENV] !== undefined && env[ADMIN_TOKEN_ENV] !== '' ? env[ADMIN_TOKEN_ENV] : undefined;
  const fileToken = opts.tokenFile !== undefined ? await tokenFrom(opts.tokenFile) : undefined;
  const chosenToken = fileToken ?? envToken;
  const chosenTokenSource =
    fileToken !== undefined ? `--token-file ${opts.tokenFile}` : envToken !== undefined ? ADMIN_TOKEN_ENV : undefined;
  if (opts.url !== undefined)
    return { url: checkUrl(opts.url, '--url'), source: '--url', token: chosenToken, tokenSource: chosenTokenSource };
  if (envUrl !== undefined && envUrl !== '')
    return { url: checkUrl(envUrl, API_URL_ENV), source: API_URL_ENV, token: chosenToken, tokenSource: chosenTokenSource };
  try {
    const demo = await readDemoState(opts.stateDir);
    const from = `${opts.stateDir}/demo.json`;
    return {
      url: demo.api.url.replace(/\/$/, ''),
      source: from,
      token: chosenToken ?? demo.api.token,
      tokenSource: chosenTokenSource ?? from,
    };
  } catch (err) {
    if (!(err instanceof DemoNotRunningError || err instanceof DemoStateError)) throw err;
  }
  return { url: DEFAULT_API_URL, source: 'the default', token: chosenToken, tokenSource: chosenTokenSource };
}

interface ErrorBody {
  readonly error?: string;
  readonly message?: string;
}

/** The error message of an API answer, in the words a person acts on. */
function failureOf(conn: Connection, status: number, body: ErrorBody): Error {
  const said = body.message ?? `HTTP ${status}`;
  switch (status) {
    case 401:
      return new ControllerRequestError(
        `the controller at ${conn.url} refused the admin token (from ${conn.tokenSource ?? 'nowhere'}): check ${ADMIN_TOKEN_ENV} or --token-file against the controller's token`,
      );
    case 503:
      return body.error === 'admin-disabled'
        ? new ControllerRequestError(
            `the controller at ${conn.url} has its admin API off (no admin token configured): set ${ADMIN_TOKEN_ENV} or api.tokenFile where the controller runs and restart it`,
          )
        : new ControllerRequestError(`the controller at ${conn.url} is not ready: ${said}`);
    case 429:
      return new ControllerRequestError(`the controller at ${conn.url} is rate-limiting admin requests; wait a minute and try again`);
    case 400:
    case 404:
      // Unknown service, target or cloud: the controller's message lists the choices.
      return new CommandInputError(said);
    default:
      return new ControllerRequestError(`the controller at ${conn.url} answered ${status}: ${said}`);
  }
}

/** One JSON request to the controller; unsafe methods send the admin token. */
export async function request<T>(conn: Connection, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const mutating = method !== 'GET';
  if (mutating && conn.token === undefined) {
    throw new CommandInputError(
      `no admin token for ${conn.url} (from ${conn.source}): set ${ADMIN_TOKEN_ENV}, pass --token-file <file>, or run the demo (its token is in <state-dir>/demo.json)`,
    );
  }
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (mutating && conn.token !== undefined) headers.authorization = `Bearer ${conn.token}`;
  let res: Response;
  try {
    res = await fetch(`${conn.url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why =
      (err as Error).name === 'TimeoutError'
        ? `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`
        : (cause?.code ?? cause?.message ?? (err as Error).message);
    throw new ControllerRequestError(
      `cannot reach the controller at ${conn.url} (from ${conn.source}): ${why}; is it running? (--url, ${API_URL_ENV}, or --state-dir for a demo)`,
    );
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new ControllerRequestError(
      `${conn.url}${path} answered ${res.status} with something that is not JSON; is this a failover controller?`,
    );
  }
  if (!res.ok) throw failureOf(conn, res.status, json as ErrorBody);
  return json as T;
}
