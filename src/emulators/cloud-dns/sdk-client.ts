/**
 * Point the official, unmodified `@google-cloud/dns` client at this emulator.
 * Only the endpoint and the credentials differ from production:
 *
 * - auth: an `OAuth2Client` holding a static access token (no key file, no
 *   metadata-server lookup, since the project id is given);
 * - endpoint: the client always builds `https://{apiEndpoint}/dns/v1`, so the
 *   public `dns.baseUrl` is replaced (zones and changes inherit it);
 * - retries: options given to `new DNS()` are not passed on to the request
 *   layer, so the client retries 408/429/5xx 3 times with 2^n s (+ up to 1 s
 *   jitter) between attempts. The one knob that works is `reqOpts.maxRetries`,
 *   set by a request interceptor (@google-cloud/common `util.makeRequest`).
 *   It does not change the delays, nor the retries of connection errors
 *   (`noResponseRetries`, fixed at 3).
 */
import { DNS } from '@google-cloud/dns';
import { OAuth2Client } from 'google-auth-library';

export interface CloudDnsClientOptions {
  /** e.g. `http://127.0.0.1:4530` (RunningApi.endpoint). */
  endpoint: string;
  projectId: string;
  token: string;
  /** Retries after a 408/429/5xx answer; the client's default is 3. */
  maxRetries?: number;
}

type DecoratedRequest = ReturnType<DNS['interceptors'][number]['request']>;

/** Make every request of `dns` (and of its zones and changes) retry at most `maxRetries` times. */
export function limitCloudDnsRetries(dns: DNS, maxRetries: number): void {
  dns.interceptors.push({
    // The interceptor sees the request after its URI is built (`uri` is a string).
    request: (reqOpts) => ({ ...reqOpts, maxRetries }) as DecoratedRequest,
  });
}

export function cloudDnsClient(options: CloudDnsClientOptions): DNS {
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: options.token });
  const dns = new DNS({ projectId: options.projectId, authClient });
  dns.baseUrl = `${options.endpoint.replace(/\/+$/, '')}/dns/v1`;
  if (options.maxRetries !== undefined) limitCloudDnsRetries(dns, options.maxRetries);
  return dns;
}
