/**
 * Request bodies that stall, that declare a size over the limit, or that nest
 * JSON absurdly deep: each emulator answers promptly, in its provider's own
 * error envelope, and closes the connection (the unread rest of the body must
 * not be read as a next request). Raw HTTP, since the official SDKs never send
 * such bodies.
 *
 * Envelopes: Route 53 `ErrorResponse` (botocore route53 2013-04-01 service-2.json,
 * protocol rest-xml: errors are `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>`);
 * ARM `{"error":{"code","message"}}` (Azure REST API specs, common-types v2 ErrorResponse);
 * Google `{"error":{"code","message","errors":[{reason,domain,message}],"status"}}`
 * (Cloud DNS REST reference, "Standard error responses"). Status codes: RFC 9110 §15.5.9
 * (408 Request Timeout) and §15.5.14 (413 Content Too Large: the server may close the connection).
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureDnsApi, type RunningAzureDnsApi } from '../../src/emulators/azure-dns/server.js';
import { startCloudDnsApi } from '../../src/emulators/cloud-dns/server.js';
import type { RunningApi } from '../../src/emulators/core/api.js';
import { FaultInjector } from '../../src/emulators/core/faults.js';
import { ZoneStore } from '../../src/emulators/core/zone-store.js';
import { EMULATOR_DEFAULTS } from '../../src/emulators/defaults.js';
import { startRoute53Api } from '../../src/emulators/route53/server.js';

const HOST = '127.0.0.1';
/** Short, so the test is quick; the default is DEFAULT_HTTP_LIMITS.bodyTimeoutMs (5 s). */
const BODY_TIMEOUT_MS = 1000;
/** Node's own request timeout on these servers is 15–30 s, checked every 30 s: anything under that is "our" answer. */
const PROMPT_MS = 8000;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  ms: number;
}

interface Target {
  name: string;
  url: () => URL;
  method: string;
  headers: Record<string, string>;
  ca?: () => string;
  /** The provider's error code (Route 53 Code, ARM error.code, Google status code + reason) from an answer. */
  errorOf: (a: Answer) => { code: string };
}

const bucket = { capacity: 1000, refillPerSecond: 1000 };
let route53: RunningApi;
let azure: RunningAzureDnsApi;
let clouddns: RunningApi;

beforeAll(async () => {
  const http = { bodyTimeoutMs: BODY_TIMEOUT_MS };
  route53 = await startRoute53Api({ host: HOST, port: 0, store: new ZoneStore(), faults: new FaultInjector({ bucket }), http });
  azure = await startAzureDnsApi({ host: HOST, port: 0, store: new ZoneStore(), faults: new FaultInjector({ bucket }), http });
  clouddns = await startCloudDnsApi({ host: HOST, port: 0, store: new ZoneStore(), faults: new FaultInjector({ bucket }), http });
});
afterAll(async () => {
  await Promise.all([route53?.stop(), azure?.stop(), clouddns?.stop()]);
});

const xmlCode = (a: Answer) => ({
  code: /<ErrorResponse[\s\S]*<Code>([^<]+)<\/Code>/.exec(a.body)?.[1] ?? `not an ErrorResponse: ${a.body}`,
});
const armCode = (a: Answer) => ({ code: (JSON.parse(a.body) as { error: { code: string } }).error.code });
const googleCode = (a: Answer) => {
  const e = (JSON.parse(a.body) as { error: { code: number; status: string; errors: { reason: string }[] } }).error;
  return { code: `${e.code} ${e.status} ${e.errors[0]?.reason}` };
};

const { azure: az, clouddns: gcp } = EMULATOR_DEFAULTS;
const TARGETS: Target[] = [
  {
    // CreateHostedZone: POST /2013-04-01/hostedzone (botocore route53 service-2.json).
    name: 'Route 53',
    url: () => new URL('/2013-04-01/hostedzone', route53.endpoint),
    method: 'POST',
    headers: {
      authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/route53/aws4_request',
      'content-type': 'text/xml',
    },
    errorOf: xmlCode,
  },
  {
    // Zones_CreateOrUpdate: PUT .../Microsoft.Network/dnsZones/{zoneName}?api-version=2018-05-01 (azure-rest-api-specs dns.json).
    name: 'Azure DNS',
    url: () =>
      new URL(
        `/subscriptions/${az.subscriptionId}/resourceGroups/${az.resourceGroup}/providers/Microsoft.Network/dnsZones/limits.test?api-version=2018-05-01`,
        azure.endpoint,
      ),
    method: 'PUT',
    headers: { authorization: 'Bearer token', 'content-type': 'application/json' },
    ca: () => azure.caCertPem,
    errorOf: armCode,
  },
  {
    // managedZones.create: POST /dns/v1/projects/{project}/managedZones (Cloud DNS REST reference).
    name: 'Cloud DNS',
    url: () => new URL(`/dns/v1/projects/${gcp.projectId}/managedZones`, clouddns.endpoint),
    method: 'POST',
    headers: { authorization: `Bearer ${gcp.token}`, 'content-type': 'application/json' },
    errorOf: googleCode,
  },
];

/**
 * Sends the headers (with `headers` overriding), then `body` (without ending the
 * request when `stall`), and resolves with the first answer and its time.
 */
function send(t: Target, extra: Record<string, string>, body: Buffer, stall: boolean): Promise<Answer> {
  const url = t.url();
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const options = { method: t.method, headers: { ...t.headers, ...extra }, agent: false as const };
    const req = url.protocol === 'https:' ? httpsRequest(url, { ...options, ca: t.ca?.() }) : httpRequest(url, options);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
          ms: performance.now() - started,
        });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.flushHeaders();
    if (body.length > 0) req.write(body);
    if (!stall) req.end();
  });
}

const EXPECTED = {
  timeout: { 'Route 53': 'RequestTimeout', 'Azure DNS': 'RequestTimeout', 'Cloud DNS': '408 DEADLINE_EXCEEDED badRequest' },
  tooLarge: {
    'Route 53': 'RequestEntityTooLarge',
    'Azure DNS': 'RequestEntityTooLarge',
    'Cloud DNS': '413 INVALID_ARGUMENT uploadTooLarge',
  },
} as const;

describe.each(TARGETS)('$name API: bounded request bodies', (t) => {
  it('answers a body that stalls with 408 in its own error envelope after the body timeout, not after Node’s 15–70 s', async () => {
    const a = await send(t, { 'content-length': '100' }, Buffer.from('{"partial'), true);
    expect(a.status).toBe(408);
    expect(t.errorOf(a).code).toBe(EXPECTED.timeout[t.name as keyof typeof EXPECTED.timeout]);
    expect(a.headers.connection).toBe('close');
    expect(a.ms).toBeGreaterThanOrEqual(BODY_TIMEOUT_MS - 50); // the timer's floor
    expect(a.ms).toBeLessThan(PROMPT_MS);
  });

  it('answers a declared oversize Content-Length with 413 at once, without reading the body', async () => {
    const a = await send(t, { 'content-length': String(1024 ** 3) }, Buffer.alloc(0), true);
    expect(a.status).toBe(413);
    expect(t.errorOf(a).code).toBe(EXPECTED.tooLarge[t.name as keyof typeof EXPECTED.tooLarge]);
    expect(a.headers.connection).toBe('close');
    // Well under the body timeout: nothing was waited for.
    expect(a.ms).toBeLessThan(BODY_TIMEOUT_MS);
  });
});

describe.each(TARGETS.filter((t) => t.name !== 'Route 53'))('$name API: JSON nesting is bounded before parsing', (t) => {
  it('refuses a deeply nested body quickly with 400 in its own envelope', async () => {
    // About 1 MB (Azure's body limit is 1 MiB, Cloud DNS's 2 MiB): half a million nested arrays.
    const depth = 500_000;
    const body = Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    const a = await send(t, { 'content-length': String(body.length) }, body, false);
    console.log(`${t.name}: ${body.length} bytes nested ${depth} deep answered ${a.status} in ${a.ms.toFixed(0)} ms`);
    expect(a.status).toBe(400);
    // ARM (Json.NET MaxDepth 64): InvalidRequestFormat; Google (protobuf JSON, 100 levels): 'invalid', "Invalid JSON payload received".
    expect(t.errorOf(a).code).toBe(t.name === 'Azure DNS' ? 'InvalidRequestFormat' : '400 INVALID_ARGUMENT invalid');
    expect(a.body).toMatch(
      t.name === 'Azure DNS' ? /deeper than 64 levels/ : /Invalid JSON payload received\. Message too deep: .* deeper than 100 levels/,
    );
  });

  it('still reads a body nested as deep as its limit', async () => {
    const depth = t.name === 'Azure DNS' ? 64 : 100;
    const a = await send(t, {}, Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`), false);
    // Past the body reader: the resource logic refuses the unknown fields in the API's own words.
    expect(a.status).toBe(400);
    expect(a.body).not.toMatch(/deeper than/);
  });
});
