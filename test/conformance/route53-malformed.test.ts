/**
 * What a malformed or hostile request gets from the Route 53 emulator: always
 * Route 53's ErrorResponse envelope with the right status, `text/xml` and an
 * `x-amzn-RequestId`; never a crash, a hang or a 5xx. Raw HTTP here on purpose:
 * the SDK cannot send broken bodies.
 */
import { ChangeResourceRecordSetsCommand, ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../../src/emulators/core/api.js';
import { FaultInjector } from '../../src/emulators/core/faults.js';
import { ZoneStore } from '../../src/emulators/core/zone-store.js';
import { EMULATOR_DEFAULTS } from '../../src/emulators/defaults.js';
import { seedRoute53Zone, startRoute53Api } from '../../src/emulators/route53/index.js';

const NS = 'https://route53.amazonaws.com/doc/2013-04-01/';
const AUTH = 'AWS4-HMAC-SHA256 Credential=AKIDTEST/20250101/us-east-1/route53/aws4_request, SignedHeaders=host;x-amz-date, Signature=00';
const MAX_BODY = 64 * 1024;

const store = new ZoneStore();
const faults = new FaultInjector({ bucket: EMULATOR_DEFAULTS.buckets.route53 });
const xml = new XMLParser({ parseTagValue: false });
let api: RunningApi;
let zoneId: string;

beforeAll(async () => {
  api = await startRoute53Api({ host: '127.0.0.1', port: 0, store, faults, maxBodyBytes: MAX_BODY });
  zoneId = seedRoute53Zone(store, 'fuzz.test').hostedZoneId;
});

afterAll(async () => {
  await api?.stop();
});

interface Answer {
  status: number;
  contentType: string | null;
  requestId: string | null;
  doc: Record<string, Record<string, unknown>>;
}

async function call(
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = { authorization: AUTH },
): Promise<Answer> {
  const res = await fetch(`${api.endpoint}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    requestId: res.headers.get('x-amzn-requestid'),
    doc: xml.parse(text) as Answer['doc'],
  };
}

/** Assert the standard envelope and return its Error element. */
function envelope(answer: Answer, status: number, code: string): { Type: string; Code: string; Message: string } {
  expect(answer.status).toBe(status);
  expect(answer.contentType).toBe('text/xml');
  expect(answer.requestId).toMatch(/^[0-9a-f-]{36}$/);
  const er = answer.doc.ErrorResponse;
  expect(er?.RequestId).toBe(answer.requestId);
  const error = er?.Error as { Type: string; Code: string; Message: string };
  expect(error.Code).toBe(code);
  expect(error.Type).toBe(status >= 500 ? 'Receiver' : 'Sender');
  expect(error.Message.length).toBeGreaterThan(0);
  return error;
}

const rrsetPath = () => `/2013-04-01/hostedzone/${zoneId}/rrset`;
const batch = (changes: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsRequest xmlns="${NS}"><ChangeBatch><Changes>${changes}</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`;
const changeXml = (action: string, name: string, type: string, ttl: string, values: string[]) =>
  `<Change><Action>${action}</Action><ResourceRecordSet><Name>${name}</Name><Type>${type}</Type><TTL>${ttl}</TTL><ResourceRecords>${values
    .map((v) => `<ResourceRecord><Value>${v}</Value></ResourceRecord>`)
    .join('')}</ResourceRecords></ResourceRecordSet></Change>`;
const VALID = batch(changeXml('CREATE', 'www.fuzz.test.', 'A', '60', ['192.0.2.1']));

describe('route53 malformed requests', () => {
  it('answers broken XML, a wrong root, a wrong namespace and entity declarations with InvalidInput', async () => {
    const cases: Array<[string, RegExp]> = [
      ['<ChangeResourceRecordSetsRequest><ChangeBatch>', /Invalid XML/],
      ['not xml at all', /Invalid XML/],
      ['', /request body is empty/],
      [
        VALID.replace(/ChangeResourceRecordSetsRequest/g, 'CreateHostedZoneRequest'),
        /Cannot find the declaration of element 'CreateHostedZoneRequest'/,
      ],
      [VALID.replace(NS, 'https://example.com/other/'), /must be in namespace/],
      [`<!DOCTYPE x [<!ENTITY a "aaaa">]>${VALID}`, /DOCTYPE and ENTITY declarations are not allowed/],
      [
        batch('<Change><Action>RENAME</Action></Change>'),
        /^Invalid XML ; cvc-enumeration-valid: Value 'RENAME' is not facet-valid with respect to enumeration '\[CREATE, DELETE, UPSERT\]'/,
      ],
      [
        batch(changeXml('CREATE', 'www.fuzz.test.', 'A', '60', ['192.0.2.1']).replace('<TTL>', '<Ttl>').replace('</TTL>', '</Ttl>')),
        /Unrecognized key.*Ttl/,
      ],
      [batch(changeXml('CREATE', 'www.fuzz.test.', 'A', 'sixty', ['192.0.2.1'])), /TTL must be an integer/],
      [batch(changeXml('CREATE', 'www.fuzz.test.', 'BOGUS', '60', ['192.0.2.1'])), /not a Route 53 record type/],
      [batch(changeXml('CREATE', 'www.fuzz.test.', 'A', '60', ['192.0.2.1']).replace('<Name>', '<Name>&#0;')), /invalid XML character/],
    ];
    for (const [body, message] of cases) {
      const error = envelope(await call('POST', rrsetPath(), body), 400, 'InvalidInput');
      expect(error.Message).toMatch(message);
    }
    const zone = envelope(
      await call('POST', '/2013-04-01/hostedzone', `<CreateHostedZoneRequest xmlns="${NS}"><Name>x.test</Name></CreateHostedZoneRequest>`),
      400,
      'InvalidInput',
    );
    expect(zone.Message).toContain('CreateHostedZoneRequest.CallerReference');
    expect(store.getZone(zoneId)?.records.size).toBe(2);
  });

  it('answers an invalid value and an oversized batch with InvalidChangeBatch in the standard envelope', async () => {
    const bad = envelope(
      await call('POST', rrsetPath(), batch(changeXml('CREATE', 'www.fuzz.test.', 'A', '60', ['300.1.1.1']))),
      400,
      'InvalidChangeBatch',
    );
    expect(bad.Message).toBe(
      "[Invalid Resource Record: 'FATAL problem: ARRDATAIllegalIPv4Address (Value is not a valid IPv4 address) encountered with '300.1.1.1'']",
    );
    const values = Array.from({ length: 1001 }, (_, i) => `10.0.${i >> 8}.${i & 255}`);
    const big = envelope(
      await call('POST', rrsetPath(), batch(changeXml('CREATE', 'big.fuzz.test.', 'A', '60', values))),
      400,
      'InvalidChangeBatch',
    );
    expect(big.Message).toContain('Number of records limit of 1000 exceeded');
  });

  it('answers an unknown zone, unknown change, unknown route, bad query and missing signature in the envelope', async () => {
    expect(envelope(await call('POST', '/2013-04-01/hostedzone/ZUNKNOWN/rrset', VALID), 404, 'NoSuchHostedZone').Message).toBe(
      'No hosted zone found with ID: ZUNKNOWN',
    );
    envelope(await call('GET', '/2013-04-01/change/CUNKNOWN'), 404, 'NoSuchChange');
    // An operation of the API that is not emulated answers in Route 53's envelope, naming the feature.
    expect(envelope(await call('GET', '/2013-04-01/checkeripranges'), 501, 'NotImplemented').Message).toBe(
      'not emulated: health-check checker IP ranges (GetCheckerIpRanges is not served by this Route 53 emulator)',
    );
    envelope(await call('PUT', rrsetPath(), VALID), 404, 'UnknownOperation');
    expect(envelope(await call('GET', `${rrsetPath()}?maxitems=lots`), 400, 'InvalidInput').Message).toContain(
      "maxitems must be a positive integer, got 'lots'",
    );
    expect(envelope(await call('GET', `${rrsetPath()}?type=A`), 400, 'InvalidInput').Message).toBe(
      'The input is not valid: StartRecordType (type) was given without StartRecordName (name)',
    );
    envelope(await call('GET', `${rrsetPath()}?name=a.fuzz.test.&name=b.fuzz.test.`), 400, 'InvalidInput');
    envelope(await call('GET', rrsetPath(), undefined, {}), 403, 'MissingAuthenticationToken');
    envelope(await call('GET', rrsetPath(), undefined, { authorization: 'Basic dXNlcjpwYXNz' }), 403, 'IncompleteSignature');
    expect(faults.counters().Unknown).toMatchObject({ client_error: 1 });
    expect(faults.counters().GetCheckerIpRanges).toMatchObject({ server_error: 1 });
  });

  it('refuses a body over the size limit with 413 and keeps serving', async () => {
    const huge = batch(
      changeXml(
        'CREATE',
        'www.fuzz.test.',
        'TXT',
        '60',
        Array.from({ length: 400 }, (_, i) => `"${i}${'y'.repeat(200)}"`),
      ),
    );
    expect(huge.length).toBeGreaterThan(MAX_BODY);
    const error = envelope(await call('POST', rrsetPath(), huge), 413, 'RequestEntityTooLarge');
    expect(error.Message).toContain(`${MAX_BODY} bytes`);
    expect((await call('GET', rrsetPath())).status).toBe(200);
  });

  it('survives a few hundred fuzzed bodies and still answers the SDK correctly', async () => {
    const vocabulary = [
      'ChangeBatch',
      'Changes',
      'Change',
      'Action',
      'ResourceRecordSet',
      'Name',
      'Type',
      'TTL',
      'ResourceRecords',
      'ResourceRecord',
      'Value',
      'Comment',
      'AliasTarget',
      'x',
    ];
    const leaf = fc.oneof(
      fc.constantFrom('CREATE', 'DELETE', 'UPSERT', 'A', 'TXT', 'CNAME', '60', '-1', 'fuzz.test.', 'n.fuzz.test.', '192.0.2.7', '"t"', ''),
      fc.string({ maxLength: 12 }),
    );
    const { element } = fc.letrec<{ element: string }>((tie) => ({
      element: fc
        .tuple(
          fc.constantFrom(...vocabulary),
          fc.oneof(
            { depthSize: 'small', withCrossShrink: true },
            leaf.map((t) => t.replace(/[<&]/g, '')),
            fc.array(tie('element'), { maxLength: 4 }).map((xs) => xs.join('')),
          ),
        )
        .map(([name, inner]) => `<${name}>${inner}</${name}>`),
    }));
    const trees = element.map((inner) => `<ChangeResourceRecordSetsRequest xmlns="${NS}">${inner}</ChangeResourceRecordSetsRequest>`);
    const mutations = fc
      .tuple(fc.nat({ max: VALID.length }), fc.nat({ max: 40 }), fc.string({ maxLength: 8, unit: 'binary' }))
      .map(([at, cut, insert]) => VALID.slice(0, at) + insert + VALID.slice(Math.min(VALID.length, at + cut)));
    const noise = fc.string({ maxLength: 300, unit: 'binary' });
    // Well-formed batches of odd changes reach the semantic checks (and sometimes succeed).
    const oddChange = fc
      .record({
        action: fc.constantFrom('CREATE', 'DELETE', 'UPSERT'),
        name: fc.constantFrom('fuzz.test.', 'a.fuzz.test.', '*.fuzz.test.', 'b.other.test.', 'x..fuzz.test.', 'A.Fuzz.Test'),
        type: fc.constantFrom('A', 'AAAA', 'CNAME', 'TXT', 'NS', 'SOA', 'MX'),
        ttl: fc.oneof(
          { arbitrary: fc.constantFrom('0', '60', '300'), weight: 8 },
          { arbitrary: fc.constantFrom('-5', '99999999999', 'x'), weight: 1 },
        ),
        values: fc.array(
          fc.constantFrom('192.0.2.1', '2001:db8::1', '"txt"', 'target.fuzz.test.', '10 mx.fuzz.test.', 'bad value', '&amp;'),
          { maxLength: 3 },
        ),
      })
      .map((c) => changeXml(c.action, c.name, c.type, c.ttl, c.values));
    const oddBatches = fc.array(oddChange, { minLength: 1, maxLength: 5 }).map((cs) => batch(cs.join('')));
    const bodies = fc.oneof(trees, mutations, noise, oddBatches);

    let sent = 0;
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        sent += 1;
        const answer = await call('POST', rrsetPath(), body);
        expect(answer.contentType).toBe('text/xml');
        expect(answer.requestId).toBeTruthy();
        if (answer.status === 200) {
          expect(answer.doc.ChangeResourceRecordSetsResponse?.ChangeInfo).toMatchObject({ Status: 'PENDING' });
        } else {
          const code = (answer.doc.ErrorResponse?.Error as { Code?: string } | undefined)?.Code;
          expect(answer.status).toBe(400);
          expect(['InvalidInput', 'InvalidChangeBatch']).toContain(code);
        }
      }),
      { numRuns: 300, seed: 20251020 },
    );
    expect(sent).toBeGreaterThanOrEqual(300);
    expect(faults.counters().ChangeResourceRecordSets?.server_error ?? 0).toBe(0);
    // Whatever was accepted, the zone keeps its apex SOA and NS.
    expect(store.getZone(zoneId)?.records.get('fuzz.test.|SOA')).toBeDefined();
    expect(store.getZone(zoneId)?.records.get('fuzz.test.|NS')?.values).toHaveLength(4);

    const r53 = new Route53Client({
      region: 'us-east-1',
      endpoint: api.endpoint,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
      retryStrategy: new ConfiguredRetryStrategy(1),
    });
    try {
      const before = (await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }))).ResourceRecordSets ?? [];
      expect(before.map((s) => `${s.Name} ${s.Type}`)).toContain('fuzz.test. SOA');
      const out = await r53.send(
        new ChangeResourceRecordSetsCommand({
          HostedZoneId: zoneId,
          ChangeBatch: {
            Changes: [
              {
                Action: 'UPSERT',
                ResourceRecordSet: { Name: 'after-fuzz.fuzz.test.', Type: 'A', TTL: 60, ResourceRecords: [{ Value: '192.0.2.200' }] },
              },
            ],
          },
        }),
      );
      expect(out.ChangeInfo?.Status).toBe('PENDING');
      expect(store.getZone(zoneId)?.records.get('after-fuzz.fuzz.test.|A')?.values).toEqual(['192.0.2.200']);
    } finally {
      r53.destroy();
    }
  });
});
