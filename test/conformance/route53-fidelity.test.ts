/**
 * Route 53 fidelity: what third-party clients (Terraform-style tools, DNS-as-code
 * diffing, strict XML parsers) need the emulator to do exactly as Route 53 does.
 * Through the official, unmodified AWS SDK, and raw HTTP where the SDK cannot
 * send the input. Each test names the reference it follows: botocore's route53
 * 2013-04-01 model (botocore/data/route53/2013-04-01/service-2.json), the Route 53
 * API Reference and Developer Guide, or public reports of the service's messages.
 */
import { Resolver } from 'node:dns/promises';
import { readFile } from 'node:fs/promises';
import {
  ChangeResourceRecordSetsCommand,
  ChangeTagsForResourceCommand,
  CreateHostedZoneCommand,
  CreateReusableDelegationSetCommand,
  CreateTrafficPolicyCommand,
  GetCheckerIpRangesCommand,
  GetDNSSECCommand,
  GetHostedZoneCommand,
  InvalidChangeBatch,
  InvalidInput,
  ListResourceRecordSetsCommand,
  ListTagsForResourceCommand,
  ListTagsForResourcesCommand,
  NoSuchHealthCheck,
  NoSuchHostedZone,
  Route53Client,
  UpdateHostedZoneCommentCommand,
  type Change,
  type ResourceRecordSet,
  type Tag,
} from '@aws-sdk/client-route-53';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { XMLParser } from 'fast-xml-parser';
import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../../src/emulators/core/api.js';
import { FaultInjector } from '../../src/emulators/core/faults.js';
import { ZoneStore } from '../../src/emulators/core/zone-store.js';
import { EMULATOR_DEFAULTS } from '../../src/emulators/defaults.js';
import { startDnsServer } from '../../src/emulators/dns/index.js';
import { seedRoute53Zone, startRoute53Api } from '../../src/emulators/route53/index.js';
import { NOT_EMULATED_FEATURES, NOT_EMULATED_ROUTES } from '../../src/emulators/route53/not-emulated.js';

const NS = 'https://route53.amazonaws.com/doc/2013-04-01/';
const AUTH = 'AWS4-HMAC-SHA256 Credential=AKIDTEST/20250101/us-east-1/route53/aws4_request, SignedHeaders=host, Signature=00';

const store = new ZoneStore();
const faults = new FaultInjector({ bucket: EMULATOR_DEFAULTS.buckets.route53 });
const xml = new XMLParser({ parseTagValue: false });
let api: RunningApi;
let r53: Route53Client;
let zoneId: string;

beforeAll(async () => {
  api = await startRoute53Api({ host: '127.0.0.1', port: 0, store, faults });
  r53 = new Route53Client({
    region: 'us-east-1',
    endpoint: api.endpoint,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    retryStrategy: new ConfiguredRetryStrategy(3, 10),
  });
  zoneId = seedRoute53Zone(store, 'fidelity.test').hostedZoneId;
});

afterAll(async () => {
  r53?.destroy();
  await api?.stop();
});

type SdkError = Error & { name: string; message: string; $metadata: { httpStatusCode?: number; attempts?: number } };

async function failure(p: Promise<unknown>): Promise<SdkError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Error);
  return err as SdkError;
}

const change = (Action: Change['Action'], ResourceRecordSet: ResourceRecordSet): Change => ({ Action, ResourceRecordSet });
const rrs = (Name: string, Type: string, TTL: number, ...values: string[]): ResourceRecordSet => ({
  Name,
  Type: Type as ResourceRecordSet['Type'],
  TTL,
  ResourceRecords: values.map((Value) => ({ Value })),
});
const apply = (changes: Change[], id = zoneId, Comment?: string) =>
  r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: id, ChangeBatch: { Changes: changes, ...(Comment ? { Comment } : {}) } }));

async function values(name: string, type: string, id = zoneId): Promise<string[] | undefined> {
  const out = await r53.send(
    new ListResourceRecordSetsCommand({ HostedZoneId: id, StartRecordName: name, StartRecordType: type as never, MaxItems: 1 }),
  );
  const set = out.ResourceRecordSets?.[0];
  return set?.Name === name && set.Type === type ? set.ResourceRecords?.map((r) => r.Value ?? '') : undefined;
}

interface RawAnswer {
  status: number;
  text: string;
}

async function raw(method: string, path: string, body?: string): Promise<RawAnswer> {
  const res = await fetch(`${api.endpoint}${path}`, { method, headers: { authorization: AUTH }, ...(body !== undefined ? { body } : {}) });
  return { status: res.status, text: await res.text() };
}

/** A strict XML 1.0 parse (saxes): throws on any well-formedness error, including characters outside the Char production. */
function strictParse(text: string): void {
  const parser = new SaxesParser({ xmlns: true });
  let failed: Error | undefined;
  parser.on('error', (e) => {
    failed ??= e;
  });
  parser.write(text).close();
  if (failed) throw failed;
}

function errorOf(answer: RawAnswer): { Type: string; Code: string; Message: string } {
  strictParse(answer.text);
  const doc = xml.parse(answer.text) as { ErrorResponse?: { Error?: { Type: string; Code: string; Message: string } } };
  const error = doc.ErrorResponse?.Error;
  expect(error).toBeDefined();
  return error as { Type: string; Code: string; Message: string };
}

const batchXml = (name: string, type = 'A', value = '192.0.2.1') =>
  `<ChangeResourceRecordSetsRequest xmlns="${NS}"><ChangeBatch><Changes><Change><Action>CREATE</Action><ResourceRecordSet><Name>${name}</Name><Type>${type}</Type><TTL>60</TTL><ResourceRecords><ResourceRecord><Value>${value}</Value></ResourceRecord></ResourceRecords></ResourceRecordSet></Change></Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`;

describe('UpdateHostedZoneComment', () => {
  // botocore model: UpdateHostedZoneComment, POST /2013-04-01/hostedzone/{Id}; Comment is ResourceDescription (max 256),
  // and API Reference UpdateHostedZoneComment: "If you don't specify a value for Comment, Route 53 deletes the existing value".
  it('sets, replaces and removes the comment and returns the hosted zone', async () => {
    const created = await r53.send(
      new CreateHostedZoneCommand({ Name: 'comment.test', CallerReference: 'ref-comment', HostedZoneConfig: { Comment: 'first' } }),
    );
    const id = created.HostedZone?.Id ?? '';
    const updated = await r53.send(new UpdateHostedZoneCommentCommand({ Id: id, Comment: 'second comment' }));
    expect(updated.HostedZone).toMatchObject({ Id: id, Name: 'comment.test.', Config: { Comment: 'second comment', PrivateZone: false } });
    expect((await r53.send(new GetHostedZoneCommand({ Id: id }))).HostedZone?.Config?.Comment).toBe('second comment');

    const removed = await r53.send(new UpdateHostedZoneCommentCommand({ Id: id }));
    expect(removed.HostedZone?.Config?.Comment).toBeUndefined();
    expect((await r53.send(new GetHostedZoneCommand({ Id: id }))).HostedZone?.Config?.Comment).toBeUndefined();

    const tooLong = await failure(r53.send(new UpdateHostedZoneCommentCommand({ Id: id, Comment: 'c'.repeat(257) })));
    expect(tooLong).toBeInstanceOf(InvalidInput);
    expect(tooLong.message).toMatch(
      /^Invalid XML ; cvc-maxLength-valid: .* with length = '257' is not facet-valid with respect to maxLength '256'/,
    );

    const missing = await failure(r53.send(new UpdateHostedZoneCommentCommand({ Id: 'ZNOSUCHZONE0000000000', Comment: 'x' })));
    expect(missing).toBeInstanceOf(NoSuchHostedZone);
    expect(missing.$metadata.httpStatusCode).toBe(404);
  });
});

describe('tags', () => {
  // botocore model: ChangeTagsForResource POST /2013-04-01/tags/{ResourceType}/{ResourceId}; ListTagsForResource GET same path;
  // TagResourceType enum [healthcheck, hostedzone]; TagList max 10; TagKeyList max 10; TagKey max 128; TagValue max 256.
  it('adds, overwrites, removes and lists the tags of a hosted zone', async () => {
    const tags = (Tags: Tag[]) =>
      r53.send(new ChangeTagsForResourceCommand({ ResourceType: 'hostedzone', ResourceId: zoneId, AddTags: Tags }));
    const list = async () =>
      (await r53.send(new ListTagsForResourceCommand({ ResourceType: 'hostedzone', ResourceId: zoneId }))).ResourceTagSet;

    expect(await list()).toMatchObject({ ResourceType: 'hostedzone', ResourceId: zoneId });
    expect((await list())?.Tags ?? []).toEqual([]);
    await tags([
      { Key: 'env', Value: 'test' },
      { Key: 'team', Value: 'dns @ edge' },
    ]);
    expect((await list())?.Tags).toEqual([
      { Key: 'env', Value: 'test' },
      { Key: 'team', Value: 'dns @ edge' },
    ]);
    await r53.send(
      new ChangeTagsForResourceCommand({
        ResourceType: 'hostedzone',
        ResourceId: zoneId,
        AddTags: [{ Key: 'env', Value: 'prod' }],
        RemoveTagKeys: ['team'],
      }),
    );
    expect((await list())?.Tags).toEqual([{ Key: 'env', Value: 'prod' }]);

    const other = seedRoute53Zone(store, 'tagged-other.test').hostedZoneId;
    const both = await r53.send(new ListTagsForResourcesCommand({ ResourceType: 'hostedzone', ResourceIds: [zoneId, other] }));
    expect(both.ResourceTagSets).toEqual([
      { ResourceType: 'hostedzone', ResourceId: zoneId, Tags: [{ Key: 'env', Value: 'prod' }] },
      { ResourceType: 'hostedzone', ResourceId: other, Tags: [] },
    ]);
  });

  // Same model shapes; the tag alphabet in Route 53's own message as reported in octodns/octodns-route53#136;
  // at most 50 tags per resource (AWS "Tagging AWS resources", tag quotas).
  it('refuses keys and values the model or the service does not allow, changing nothing', async () => {
    const zone = seedRoute53Zone(store, 'tag-limits.test').hostedZoneId;
    const add = (AddTags: Tag[]) =>
      failure(r53.send(new ChangeTagsForResourceCommand({ ResourceType: 'hostedzone', ResourceId: zone, AddTags })));

    const longKey = await add([{ Key: 'k'.repeat(129), Value: 'v' }]);
    expect(longKey).toBeInstanceOf(InvalidInput);
    expect(longKey.message).toContain("with length = '129' is not facet-valid with respect to maxLength '128' for type 'TagKey'");
    const longValue = await add([{ Key: 'k', Value: 'v'.repeat(257) }]);
    expect(longValue.message).toContain("maxLength '256' for type 'TagValue'");
    const eleven = await add(Array.from({ length: 11 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })));
    expect(eleven).toBeInstanceOf(InvalidInput);
    expect(eleven.message).toContain('AddTags holds at most 10 Tag elements');
    const star = await add([{ Key: 'name', Value: '*.api.example.com' }]);
    expect(star).toBeInstanceOf(InvalidInput);
    expect(star.message).toBe(
      'Invalid parameter : Tags can only contain letters, numbers, spaces, and the following special characters: _ . : / = + - @',
    );
    for (let i = 0; i < 5; i++) {
      await r53.send(
        new ChangeTagsForResourceCommand({
          ResourceType: 'hostedzone',
          ResourceId: zone,
          AddTags: Array.from({ length: 10 }, (_, j) => ({ Key: `k${i * 10 + j}`, Value: 'v' })),
        }),
      );
    }
    const fiftyFirst = await add([{ Key: 'one-more', Value: 'v' }]);
    expect(fiftyFirst).toBeInstanceOf(InvalidInput);
    expect(fiftyFirst.message).toContain('at most 50 tags');
    const listed = await r53.send(new ListTagsForResourceCommand({ ResourceType: 'hostedzone', ResourceId: zone }));
    expect(listed.ResourceTagSet?.Tags).toHaveLength(50);
  });

  // botocore model: ChangeTagsForResource and ListTagsForResource list NoSuchHealthCheck and NoSuchHostedZone among their errors.
  it('answers NoSuchHealthCheck for health checks (none exist) and NoSuchHostedZone for an unknown zone', async () => {
    const hc = await failure(r53.send(new ListTagsForResourceCommand({ ResourceType: 'healthcheck', ResourceId: 'abcdef01-2345' })));
    expect(hc).toBeInstanceOf(NoSuchHealthCheck);
    expect(hc.$metadata.httpStatusCode).toBe(404);
    const zone = await failure(
      r53.send(
        new ChangeTagsForResourceCommand({ ResourceType: 'hostedzone', ResourceId: 'ZNOSUCH', AddTags: [{ Key: 'a', Value: 'b' }] }),
      ),
    );
    expect(zone).toBeInstanceOf(NoSuchHostedZone);
    const badType = errorOf(await raw('GET', `/2013-04-01/tags/bucket/${zoneId}`));
    expect(badType.Code).toBe('InvalidInput');
    expect(badType.Message).toContain('Member must satisfy enum value set: [healthcheck, hostedzone]');
  });
});

describe('operations that are not emulated', () => {
  // botocore model operations the emulator does not serve answer in Route 53's ErrorResponse envelope
  // (API Reference, "REST Responses" / error responses), with a code the SDK does not retry.
  it('answer NotImplemented (501), not retried by the SDK, with a message naming the feature', async () => {
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => r53.send(new CreateReusableDelegationSetCommand({ CallerReference: 'ds-1' })), 'not emulated: reusable delegation sets'],
      [() => r53.send(new GetCheckerIpRangesCommand({})), 'not emulated: health-check checker IP ranges'],
      [() => r53.send(new GetDNSSECCommand({ HostedZoneId: zoneId })), 'not emulated: DNSSEC signing'],
      [() => r53.send(new CreateTrafficPolicyCommand({ Name: 'p', Document: '{}' })), 'not emulated: traffic policies'],
    ];
    for (const [call, message] of cases) {
      const err = await failure(call());
      expect(err.name).toBe('NotImplemented');
      expect(err.message.startsWith(`${message} (`)).toBe(true);
      expect(err.$metadata).toMatchObject({ httpStatusCode: 501, attempts: 1 });
    }
  });

  it('cover every other operation of the model, each in the envelope with a well-formed body', async () => {
    // 61 operations before the eight health-check operations became served.
    expect(NOT_EMULATED_ROUTES.length).toBeGreaterThanOrEqual(53);
    for (const route of NOT_EMULATED_ROUTES) {
      const path = route.path.replace(/:(\w+)/g, 'x1');
      const answer = await raw(route.method.toUpperCase(), path, route.method === 'post' ? `<x xmlns="${NS}"/>` : undefined);
      expect(answer.status, `${route.method} ${path}`).toBe(501);
      const error = errorOf(answer);
      expect(error).toMatchObject({ Type: 'Receiver', Code: 'NotImplemented' });
      expect(error.Message).toContain(`(${route.operation} is not served by this Route 53 emulator)`);
    }
  });

  it('are each listed in docs/emulators.md', async () => {
    const docs = await readFile(new URL('../../docs/emulators.md', import.meta.url), 'utf8');
    const section = docs.slice(docs.indexOf('### Route 53: emulated and not emulated'));
    for (const feature of NOT_EMULATED_FEATURES) expect(section, feature).toContain(feature.replace(/ \(.*\)$/, ''));
  });
});

describe('values are returned as written', () => {
  // API Reference, ResourceRecord: "Value ... the current or new DNS record value"; Route 53 returns values as they were
  // submitted (no case folding, no trailing dot added), and compares names case-insensitively for DELETE and duplicates.
  it('keeps case and the absence of a trailing dot for CNAME, MX, NS, SRV, PTR and SOA', async () => {
    const zone = seedRoute53Zone(store, 'written.test').hostedZoneId;
    const written: Array<[string, string, string]> = [
      ['www.written.test.', 'CNAME', 'Target.Example.NET'],
      ['written.test.', 'MX', '10 Mail.Written.TEST'],
      ['sub.written.test.', 'NS', 'NS1.Elsewhere.example'],
      ['_sip._tcp.written.test.', 'SRV', '1 10 5060 SIP.written.test'],
      ['1.2.0.192.in-addr.written.test.', 'PTR', 'Host.Written.test'],
    ];
    await apply(
      written.map(([name, type, value]) => change('CREATE', rrs(name, type, 300, value))),
      zone,
    );
    for (const [name, type, value] of written) expect(await values(name, type, zone), `${type}`).toEqual([value]);

    const soa = (await values('written.test.', 'SOA', zone))?.[0] ?? '';
    const custom = `NS-1.Written.test Hostmaster.Written.TEST ${soa.split(' ')[2]} 7200 900 1209600 86400`;
    await apply([change('UPSERT', rrs('written.test.', 'SOA', 900, custom))], zone);
    const fields = ((await values('written.test.', 'SOA', zone))?.[0] ?? '').split(' ');
    expect([fields[0], fields[1], ...fields.slice(3)]).toEqual([
      'NS-1.Written.test',
      'Hostmaster.Written.TEST',
      '7200',
      '900',
      '1209600',
      '86400',
    ]);

    // Comparisons are canonical: a DELETE in another spelling matches, and two spellings of one value are duplicates.
    await apply([change('DELETE', rrs('www.written.test.', 'CNAME', 300, 'target.example.net.'))], zone);
    expect(await values('www.written.test.', 'CNAME', zone)).toBeUndefined();
    const dup = await failure(
      apply([change('CREATE', rrs('mx2.written.test.', 'MX', 60, '10 a.written.test', '10 A.Written.Test.'))], zone),
    );
    expect(dup).toBeInstanceOf(InvalidChangeBatch);
    expect(dup.message).toContain('Duplicate Resource Record');
  });
});

describe('values written as-is still answer over DNS', () => {
  // RFC 1035 §2.3.3 and RFC 4343: DNS names compare case-insensitively, so a value kept as written (mixed case, no
  // trailing dot) names the same target; the name server answers and follows it like Route 53's name servers do.
  it('resolves a CNAME written in mixed case without a trailing dot to the in-zone address', async () => {
    const zone = seedRoute53Zone(store, 'served.test').hostedZoneId;
    await apply(
      [
        change('CREATE', rrs('app.served.test.', 'A', 60, '192.0.2.77')),
        change('CREATE', rrs('www.served.test.', 'CNAME', 60, 'App.Served.TEST')),
        change('CREATE', rrs('served.test.', 'MX', 60, '10 App.Served.test')),
      ],
      zone,
    );
    const dns = await startDnsServer({ store, faults, host: '127.0.0.1', port: 0 });
    try {
      const resolver = new Resolver({ timeout: 2_000, tries: 1 });
      resolver.setServers([`127.0.0.1:${dns.port}`]);
      expect(await resolver.resolve4('www.served.test')).toEqual(['192.0.2.77']);
      expect((await resolver.resolveCname('www.served.test')).map((n) => n.toLowerCase())).toEqual(['app.served.test']);
      expect((await resolver.resolveMx('served.test')).map((m) => [m.priority, m.exchange.toLowerCase()])).toEqual([
        [10, 'app.served.test'],
      ]);
    } finally {
      await dns.stop();
    }
  });
});

describe('names, comments and characters Route 53 refuses', () => {
  // API Reference ListResourceRecordSets (StartRecordName is a DNSName) and Developer Guide "DNS domain name format":
  // characters outside a-z0-9-_ must be written as \DDD escapes; the service's wording as reported in moto's
  // Route 53 validation (getmoto/moto#8004) and plesk/ext-route53#13: "UnsupportedCharacter (Value contains unsupported characters)".
  it('refuses a StartRecordName with raw whitespace as InvalidInput UnsupportedCharacter', async () => {
    const err = await failure(r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: 'a b.fidelity.test.' })));
    expect(err).toBeInstanceOf(InvalidInput);
    expect(err.message).toBe("FATAL problem: UnsupportedCharacter (Value contains unsupported characters) encountered with ' '");
    const tab = errorOf(await raw('GET', `/2013-04-01/hostedzone/${zoneId}/rrset?name=a%09b.fidelity.test.`));
    expect(tab.Code).toBe('InvalidInput');
    expect(tab.Message).toContain('UnsupportedCharacter');
  });

  // botocore model: ChangeBatch.Comment is ResourceDescription, max length 256.
  it('refuses a change batch Comment over 256 characters', async () => {
    const ok = await apply([change('CREATE', rrs('comment256.fidelity.test.', 'A', 60, '192.0.2.1'))], zoneId, 'c'.repeat(256));
    expect(ok.ChangeInfo?.Comment).toHaveLength(256);
    const err = await failure(apply([change('CREATE', rrs('comment257.fidelity.test.', 'A', 60, '192.0.2.1'))], zoneId, 'c'.repeat(257)));
    expect(err).toBeInstanceOf(InvalidInput);
    expect(err.message).toContain("with length = '257' is not facet-valid with respect to maxLength '256' for type 'ResourceDescription'");
    expect(await values('comment257.fidelity.test.', 'A')).toBeUndefined();
  });

  // XML 1.0 §2.2 (Char production) and §4.1 (well-formedness: legal character references, declared entities); Route 53
  // parses requests with a validating XML parser and answers InvalidInput "Invalid XML ; ..." for what it cannot parse.
  it('refuses character references to non-characters and undeclared entities in names', async () => {
    const path = `/2013-04-01/hostedzone/${zoneId}/rrset`;
    const cases: Array<[string, RegExp]> = [
      ['a&#0;b.fidelity.test.', /Character reference "&#0" is an invalid XML character/],
      ['a&#x110000;b.fidelity.test.', /Character reference "&#x110000" is an invalid XML character/],
      ['a&#xFFFE;b.fidelity.test.', /is an invalid XML character/],
      ['a&nbsp;b.fidelity.test.', /The entity "nbsp" was referenced, but not declared/],
      ['a&bogus;b.fidelity.test.', /The entity "bogus" was referenced, but not declared/],
    ];
    for (const [name, message] of cases) {
      const answer = await raw('POST', path, batchXml(name));
      expect(answer.status, name).toBe(400);
      const error = errorOf(answer);
      expect(error.Code).toBe('InvalidInput');
      expect(error.Message).toMatch(/^Invalid XML ; /);
      expect(error.Message).toMatch(message);
    }
    // The five predefined entities and legal references still work.
    const fine = await raw('POST', path, batchXml('entity.fidelity.test.', 'TXT', '"a &amp; b &#x41; &lt;c&gt;"'));
    expect(fine.status).toBe(200);
    expect(await values('entity.fidelity.test.', 'TXT')).toEqual(['"a & b A <c>"']);
  });

  // Developer Guide, "Supported DNS record types", AAAA: "an IPv6 address in colon-separated hexadecimal format";
  // a zone index (RFC 4007 §11) is not part of an address record.
  it('refuses an AAAA value with an IPv6 zone index', async () => {
    const err = await failure(apply([change('CREATE', rrs('zoned.fidelity.test.', 'AAAA', 60, 'fe80::1%eth0'))]));
    expect(err).toBeInstanceOf(InvalidChangeBatch);
    expect(err.message).toBe(
      "[Invalid Resource Record: 'FATAL problem: AAAARRDATAIllegalIPv6Address (Value is not a valid IPv6 address) encountered with 'fe80::1%eth0'']",
    );
    expect(await values('zoned.fidelity.test.', 'AAAA')).toBeUndefined();
  });

  // XML 1.0 §2.2: a document may not contain U+0000 or other characters outside the Char production, so an error
  // that echoes one from the URL must escape it to stay parseable by strict parsers.
  it('never echoes control characters: an error caused by a NUL in the URL is well-formed XML', async () => {
    const nul = await raw('GET', '/2013-04-01/hostedzone/Z%00ABC');
    expect(nul.status).toBe(404);
    expect(() => strictParse(nul.text)).not.toThrow();
    const error = errorOf(nul);
    expect(error.Code).toBe('NoSuchHostedZone');
    expect(error.Message).toBe('No hosted zone found with ID: Z\\u0000ABC');
    const echoed = await raw('GET', '/2013-04-01/hostedzonesbyname?dnsname=a%01b.test');
    expect(() => strictParse(echoed.text)).not.toThrow();
  });
});

describe('delegation set', () => {
  // API Reference, CreateHostedZone / GetHostedZone examples and DelegationSet: name servers are listed without a trailing dot
  // (e.g. ns-2048.awsdns-64.com); the zone's NS record values keep it.
  it('lists name servers without the trailing dot', async () => {
    const created = await r53.send(new CreateHostedZoneCommand({ Name: 'delegation.test', CallerReference: 'ref-delegation' }));
    const servers = created.DelegationSet?.NameServers ?? [];
    expect(servers).toHaveLength(4);
    for (const ns of servers) expect(ns.endsWith('.')).toBe(false);
    const id = created.HostedZone?.Id ?? '';
    expect((await r53.send(new GetHostedZoneCommand({ Id: id }))).DelegationSet?.NameServers).toEqual(servers);
    expect(await values('delegation.test.', 'NS', id.replace('/hostedzone/', ''))).toEqual(servers.map((ns) => `${ns}.`));
  });
});

describe("Route 53's wording", () => {
  // botocore model: Change.Action enum [CREATE, DELETE, UPSERT]; Route 53 validates the body against its schema and sends
  // Xerces' message, as moto reproduces it (getmoto/moto#5222).
  it('words an invalid Action as a schema enumeration error', async () => {
    const err = await failure(apply([change('RENAME' as Change['Action'], rrs('act.fidelity.test.', 'A', 60, '192.0.2.1'))]));
    expect(err).toBeInstanceOf(InvalidInput);
    expect(err.message).toBe(
      "Invalid XML ; cvc-enumeration-valid: Value 'RENAME' is not facet-valid with respect to enumeration '[CREATE, DELETE, UPSERT]'. It must be a value from the enumeration.",
    );
  });

  // Developer Guide, quotas on ChangeResourceRecordSets (1,000 ResourceRecord elements, 32,000 characters, UPSERT twice);
  // the service's text as clients report it: DNSControl/dnscontrol#1114, kubernetes-sigs/external-dns#515.
  it('words the record and character limits as Route 53 does', async () => {
    const ips = Array.from({ length: 1001 }, (_, i) => `10.9.${i >> 8}.${i & 255}`);
    const records = await failure(apply([change('CREATE', rrs('many.fidelity.test.', 'A', 60, ...ips))]));
    expect(records).toBeInstanceOf(InvalidChangeBatch);
    expect(records.message).toBe('[Number of records limit of 1000 exceeded.]');
    const txt = Array.from({ length: 130 }, (_, i) => `"${String(i).padStart(3, '0')}${'x'.repeat(250)}"`);
    const chars = await failure(apply([change('CREATE', rrs('chars.fidelity.test.', 'TXT', 60, ...txt))]));
    expect(chars.message).toBe('[RDATA character limit of 32000 exceeded.]');
  });

  // API Reference ListResourceRecordSets: "If you specify Type but not Name, Amazon Route 53 returns the InvalidInput error."
  it('refuses StartRecordType without StartRecordName with InvalidInput', async () => {
    const err = await failure(r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordType: 'A' })));
    expect(err).toBeInstanceOf(InvalidInput);
    expect(err.$metadata.httpStatusCode).toBe(400);
    expect(err.message).toMatch(/^The input is not valid: /);
  });

  // Developer Guide, CNAME record type ("you can't create any other records for that name"); the two messages as clients
  // report them: ansible-collections/amazon.aws#2694 (CNAME beside others) and boto/boto3#1475 (other type beside a CNAME).
  it('words CNAME conflicts in both directions as Route 53 does', async () => {
    await apply([
      change('CREATE', rrs('cn.fidelity.test.', 'A', 60, '192.0.2.1')),
      change('CREATE', rrs('cn2.fidelity.test.', 'CNAME', 60, 'x.test')),
    ]);
    const cname = await failure(apply([change('CREATE', rrs('cn.fidelity.test.', 'CNAME', 60, 'y.test'))]));
    expect(cname.message).toBe(
      '[RRSet of type CNAME with DNS name cn.fidelity.test. is not permitted as it conflicts with other records with the same DNS name in zone fidelity.test.]',
    );
    const caa = await failure(apply([change('CREATE', rrs('cn2.fidelity.test.', 'CAA', 60, '0 issue "ca.example"'))]));
    expect(caa.message).toBe(
      '[RRSet of type CAA with DNS name cn2.fidelity.test. is not permitted because a conflicting RRSet of type CNAME with the same DNS name already exists in zone fidelity.test.]',
    );
  });
});

describe('record types', () => {
  // botocore model RRType enum and Developer Guide "Supported DNS record types" (value formats and examples per type).
  const valid: Array<[string, string, string]> = [
    ['t-a', 'A', '192.0.2.235'],
    ['t-aaaa', 'AAAA', '2001:0db8:85a3:0:0:8a2e:0370:7334'],
    ['t-caa', 'CAA', '0 issue "ca.example.net"'],
    ['t-cname', 'CNAME', 'hostname.example.com'],
    ['t-ds', 'DS', '123 4 5 1234567890abcdef1234567890abcdef'],
    ['t-https', 'HTTPS', '1 . alpn="h3,h2" ipv4hint="192.0.2.1"'],
    ['t-mx', 'MX', '10 mail.example.com'],
    ['t-naptr', 'NAPTR', '100 100 "U" "" "!^.*$!sip:info@example.com!" .'],
    ['t-ns', 'NS', 'ns-1.example.com'],
    ['t-ptr', 'PTR', 'hostname.example.com'],
    ['t-spf', 'SPF', '"v=spf1 ip4:192.168.0.1/16 -all"'],
    ['t-srv', 'SRV', '10 5 80 hostname.example.com'],
    ['t-sshfp', 'SSHFP', '1 1 09F6A01D2175742B257C6B98B7C72C44C4040683'],
    ['t-svcb', 'SVCB', '0 svc.example.com.'],
    ['t-tlsa', 'TLSA', '3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6'],
    ['t-txt', 'TXT', '"This string includes \\"quotation marks\\"."'],
  ];

  it('accepts every documented type and returns each value as written', async () => {
    await apply(valid.map(([label, type, value]) => change('CREATE', rrs(`${label}.fidelity.test.`, type, 300, value))));
    for (const [label, type, value] of valid) expect(await values(`${label}.fidelity.test.`, type), type).toEqual([value]);
    expect((await values('fidelity.test.', 'SOA'))?.[0]).toMatch(/ awsdns-hostmaster\.amazon\.com\. /);
  });

  it('validates the value format of the newly accepted types', async () => {
    const invalid: Array<[string, string, string]> = [
      ['DS', '123 4 5 xyz', 'DSRDATAInvalid'],
      ['DS', '70000 4 5 abcd', 'DSRDATAInvalid'],
      ['HTTPS', 'one . alpn="h2"', 'HTTPSRDATAInvalid'],
      ['HTTPS', '1 . colour="blue"', 'HTTPSRDATAInvalid'],
      ['SVCB', '0 . alpn="h2"', 'SVCBRDATAInvalid'],
      ['NAPTR', '100 100 U "" "" .', 'NAPTRRDATAInvalid'],
      ['NAPTR', '100 100 "U" "" "!^.*$!sip:x@example.com!" other.example.com.', 'NAPTRRDATAInvalid'],
      ['SPF', 'v=spf1 -all', 'InvalidCharacterString'],
      ['SSHFP', '1 1 not-hex', 'SSHFPRDATAInvalid'],
      ['TLSA', '3 1 1', 'TLSARDATAInvalid'],
    ];
    for (const [type, value, code] of invalid) {
      const err = await failure(apply([change('CREATE', rrs('bad-type.fidelity.test.', type, 60, value))]));
      expect(err, `${type} ${value}`).toBeInstanceOf(InvalidChangeBatch);
      expect(err.message).toContain(`FATAL problem: ${code} `);
    }
    expect(await values('bad-type.fidelity.test.', 'DS')).toBeUndefined();
  });
});
