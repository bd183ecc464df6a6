/**
 * Route 53 health checks and routing record sets through the official,
 * unmodified @aws-sdk/client-route-53. Each test cites the reference it
 * follows: botocore's route53 2013-04-01 model
 * (botocore/data/route53/2013-04-01/service-2.json) and the Route 53 API
 * Reference / Developer Guide pages named in the test.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ChangeResourceRecordSetsCommand,
  ChangeTagsForResourceCommand,
  HealthCheckInUse,
  InvalidChangeBatch,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
  CreateHealthCheckCommand,
  DeleteHealthCheckCommand,
  GetHealthCheckCommand,
  GetHealthCheckCountCommand,
  GetHealthCheckLastFailureReasonCommand,
  GetHealthCheckStatusCommand,
  HealthCheckAlreadyExists,
  HealthCheckVersionMismatch,
  InvalidInput,
  ListHealthChecksCommand,
  ListTagsForResourceCommand,
  NoSuchHealthCheck,
  Route53Client,
  UpdateHealthCheckCommand,
  type HealthCheckConfig,
} from '@aws-sdk/client-route-53';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultInjector } from '../../src/emulators/core/faults.js';
import { ZoneStore } from '../../src/emulators/core/zone-store.js';
import { EMULATOR_DEFAULTS } from '../../src/emulators/defaults.js';
import { seedRoute53Zone, startRoute53Api } from '../../src/emulators/route53/index.js';
import type { RunningRoute53Api } from '../../src/emulators/route53/server.js';

const store = new ZoneStore();
const faults = new FaultInjector({ bucket: { capacity: 10_000, refillPerSecond: 10_000 } });
let api: RunningRoute53Api;
let r53: Route53Client;
let zoneId: string;
let target: Server;
let targetPort: number;
let targetStatus = 200;

const HTTP: HealthCheckConfig = { Type: 'HTTP', IPAddress: '127.0.0.1', Port: 1, ResourcePath: '/healthz' };
let refs = 0;
const ref = () => `ref-${Date.now()}-${++refs}`;

beforeAll(async () => {
  void EMULATOR_DEFAULTS;
  target = createServer((_req, res) => {
    res.statusCode = targetStatus;
    res.end('x');
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  targetPort = (target.address() as AddressInfo).port;
  HTTP.Port = targetPort;
  api = await startRoute53Api({ host: '127.0.0.1', port: 0, store, faults, healthCheckIntervalMs: 100 });
  r53 = new Route53Client({
    region: 'us-east-1',
    endpoint: api.endpoint,
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    retryStrategy: new ConfiguredRetryStrategy(1, 10),
  });
  zoneId = seedRoute53Zone(store, 'hc.test').hostedZoneId;
});

afterAll(async () => {
  r53.destroy();
  await api.stop();
  await new Promise<void>((r) => target.close(() => r()));
});

describe('CreateHealthCheck / GetHealthCheck', () => {
  // API Reference, CreateHealthCheck: 201 with a Location header and the HealthCheck; defaults of HealthCheckConfig (RequestInterval 30, FailureThreshold 3).
  it('creates an HTTP check with Route 53 defaults filled in', async () => {
    const out = await r53.send(new CreateHealthCheckCommand({ CallerReference: ref(), HealthCheckConfig: HTTP }));
    expect(out.Location).toBe(`${api.endpoint}/2013-04-01/healthcheck/${out.HealthCheck?.Id}`);
    expect(out.HealthCheck?.HealthCheckVersion).toBe(1);
    expect(out.HealthCheck?.HealthCheckConfig).toMatchObject({
      Type: 'HTTP',
      IPAddress: '127.0.0.1',
      Port: targetPort,
      ResourcePath: '/healthz',
      RequestInterval: 30,
      FailureThreshold: 3,
      Inverted: false,
      Disabled: false,
    });
    const got = await r53.send(new GetHealthCheckCommand({ HealthCheckId: out.HealthCheck?.Id }));
    expect(got.HealthCheck).toEqual(out.HealthCheck);
  });

  // API Reference, CreateHealthCheck: "same CallerReference and settings" returns the existing check; other settings, or a deleted check's reference, HealthCheckAlreadyExists.
  it('is idempotent by CallerReference', async () => {
    const r = ref();
    const a = await r53.send(new CreateHealthCheckCommand({ CallerReference: r, HealthCheckConfig: HTTP }));
    const b = await r53.send(new CreateHealthCheckCommand({ CallerReference: r, HealthCheckConfig: HTTP }));
    expect(b.HealthCheck?.Id).toBe(a.HealthCheck?.Id);
    await expect(
      r53.send(new CreateHealthCheckCommand({ CallerReference: r, HealthCheckConfig: { ...HTTP, FailureThreshold: 5 } })),
    ).rejects.toBeInstanceOf(HealthCheckAlreadyExists);
    await r53.send(new DeleteHealthCheckCommand({ HealthCheckId: a.HealthCheck?.Id }));
    await expect(r53.send(new CreateHealthCheckCommand({ CallerReference: r, HealthCheckConfig: HTTP }))).rejects.toBeInstanceOf(
      HealthCheckAlreadyExists,
    );
  });

  // botocore model, HealthCheckConfig: Port 1-65535, FailureThreshold 1-10, RequestInterval 10-30 (the reference: 10 or 30), ResourcePath ≤ 255; Type enum.
  it.each<[string, HealthCheckConfig, RegExp]>([
    ['FailureThreshold 0', { ...HTTP, FailureThreshold: 0 }, /FailureThreshold must be an integer from 1 to 10/],
    ['FailureThreshold 11', { ...HTTP, FailureThreshold: 11 }, /FailureThreshold must be an integer from 1 to 10/],
    ['RequestInterval 20', { ...HTTP, RequestInterval: 20 }, /RequestInterval must be 10 or 30/],
    ['Port 70000', { ...HTTP, Port: 70000 }, /Port must be an integer from 1 to 65535/],
    ['no address', { Type: 'HTTP', Port: 80 }, /needs IPAddress or FullyQualifiedDomainName/],
    ['bad address', { ...HTTP, IPAddress: '999.1.1.1' }, /not an IPv4 or IPv6 address/],
    ['TCP without port', { Type: 'TCP', IPAddress: '127.0.0.1' }, /TCP health check needs a Port/],
    ['TCP with path', { Type: 'TCP', IPAddress: '127.0.0.1', Port: 80, ResourcePath: '/x' }, /ResourcePath applies to HTTP and HTTPS/],
    ['long path', { ...HTTP, ResourcePath: `/${'a'.repeat(255)}` }, /cvc-maxLength-valid/],
    ['two regions', { ...HTTP, Regions: ['us-east-1', 'eu-west-1'] }, /at least three/],
    ['unknown Type', { ...HTTP, Type: 'FTP' as never }, /cvc-enumeration-valid: Value 'FTP'/],
  ])('refuses %s with InvalidInput', async (_name, config, message) => {
    const err = await r53
      .send(new CreateHealthCheckCommand({ CallerReference: ref(), HealthCheckConfig: config }))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidInput);
    expect((err as Error).message).toMatch(message);
  });

  // botocore model, HealthCheckType: CALCULATED, CLOUDWATCH_METRIC, *_STR_MATCH and RECOVERY_CONTROL exist in the API but are not emulated: 501 naming the type.
  it('answers NotImplemented naming a type that is not emulated', async () => {
    const err = await r53
      .send(
        new CreateHealthCheckCommand({
          CallerReference: ref(),
          HealthCheckConfig: { Type: 'CALCULATED', HealthThreshold: 1, ChildHealthChecks: [] },
        }),
      )
      .catch((e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode: number } });
    expect(err).toMatchObject({ name: 'NotImplemented', $metadata: { httpStatusCode: 501 } });
    expect((err as Error).message).toMatch(/CALCULATED health checks/);
  });

  // API Reference, GetHealthCheck: NoSuchHealthCheck (404) for an unknown id.
  it('answers NoSuchHealthCheck for an unknown id', async () => {
    await expect(r53.send(new GetHealthCheckCommand({ HealthCheckId: 'f0000000-0000-0000-0000-000000000000' }))).rejects.toBeInstanceOf(
      NoSuchHealthCheck,
    );
  });
});

describe('ListHealthChecks / GetHealthCheckCount', () => {
  // API Reference, ListHealthChecks: Marker / NextMarker / IsTruncated / MaxItems paging; GetHealthCheckCount.
  it('pages through every check and counts them', async () => {
    for (let i = 0; i < 5; i++) await r53.send(new CreateHealthCheckCommand({ CallerReference: ref(), HealthCheckConfig: HTTP }));
    const count = (await r53.send(new GetHealthCheckCountCommand({}))).HealthCheckCount ?? 0;
    expect(count).toBeGreaterThanOrEqual(5);
    const ids: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await r53.send(new ListHealthChecksCommand({ MaxItems: 2, ...(marker ? { Marker: marker } : {}) }));
      expect(page.MaxItems).toBe(2);
      expect(page.HealthChecks?.length).toBeLessThanOrEqual(2);
      ids.push(...(page.HealthChecks ?? []).map((h) => h.Id ?? ''));
      marker = page.IsTruncated ? page.NextMarker : undefined;
      pages++;
    } while (marker);
    expect(ids).toHaveLength(count);
    expect(new Set(ids).size).toBe(count);
    expect(pages).toBe(Math.ceil(count / 2));
  });
});

describe('UpdateHealthCheck', () => {
  // API Reference, UpdateHealthCheck: HealthCheckVersion must match the current version or HealthCheckVersionMismatch (409); the version increments.
  it('is a compare-and-swap on HealthCheckVersion', async () => {
    const id = (await r53.send(new CreateHealthCheckCommand({ CallerReference: ref(), HealthCheckConfig: HTTP }))).HealthCheck?.Id;
    const up = await r53.send(
      new UpdateHealthCheckCommand({ HealthCheckId: id, HealthCheckVersion: 1, FailureThreshold: 5, Inverted: true }),
    );
    expect(up.HealthCheck?.HealthCheckVersion).toBe(2);
    expect(up.HealthCheck?.HealthCheckConfig).toMatchObject({ FailureThreshold: 5, Inverted: true, Type: 'HTTP' });
    await expect(
      r53.send(new UpdateHealthCheckCommand({ HealthCheckId: id, HealthCheckVersion: 1, Disabled: true })),
    ).rejects.toBeInstanceOf(HealthCheckVersionMismatch);
    const now = await r53.send(new GetHealthCheckCommand({ HealthCheckId: id }));
    expect(now.HealthCheck?.HealthCheckConfig?.Disabled).toBe(false);
    expect(now.HealthCheck?.HealthCheckVersion).toBe(2);
  });

  // API Reference, UpdateHealthCheck: ResetElements resets ResourcePath / Regions / FullyQualifiedDomainName to defaults.
  it('resets elements', async () => {
    const id = (
      await r53.send(
        new CreateHealthCheckCommand({
          CallerReference: ref(),
          HealthCheckConfig: { ...HTTP, Regions: ['us-east-1', 'eu-west-1', 'sa-east-1'] },
        }),
      )
    ).HealthCheck?.Id;
    const up = await r53.send(new UpdateHealthCheckCommand({ HealthCheckId: id, ResetElements: ['ResourcePath', 'Regions'] }));
    expect(up.HealthCheck?.HealthCheckConfig?.ResourcePath).toBeUndefined();
    expect(up.HealthCheck?.HealthCheckConfig?.Regions).toBeUndefined();
  });
});

describe('GetHealthCheckStatus / GetHealthCheckLastFailureReason', () => {
  // API Reference, GetHealthCheckStatus: one HealthCheckObservation per checker region (botocore HealthCheckRegion, 8 values) with Region, IPAddress, StatusReport.
  it('reports every checker region, then the failures once the target fails', async () => {
    targetStatus = 200;
    const id = (
      await r53.send(new CreateHealthCheckCommand({ CallerReference: ref(), HealthCheckConfig: { ...HTTP, FailureThreshold: 1 } }))
    ).HealthCheck?.Id;
    await until(async () => {
      const s = await r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }));
      return (s.HealthCheckObservations ?? []).every((o) => o.StatusReport?.Status?.startsWith('Success: HTTP Status Code 200'));
    });
    const status = await r53.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }));
    expect(status.HealthCheckObservations?.map((o) => o.Region).sort()).toEqual([
      'ap-northeast-1',
      'ap-southeast-1',
      'ap-southeast-2',
      'eu-west-1',
      'sa-east-1',
      'us-east-1',
      'us-west-1',
      'us-west-2',
    ]);
    expect(status.HealthCheckObservations?.[0]?.StatusReport?.CheckedTime).toBeInstanceOf(Date);
    expect((await r53.send(new GetHealthCheckLastFailureReasonCommand({ HealthCheckId: id }))).HealthCheckObservations).toEqual([]);
    targetStatus = 503;
    await until(async () => {
      const f = await r53.send(new GetHealthCheckLastFailureReasonCommand({ HealthCheckId: id }));
      return (f.HealthCheckObservations ?? []).length === 8;
    });
    const failed = await r53.send(new GetHealthCheckLastFailureReasonCommand({ HealthCheckId: id }));
    expect(failed.HealthCheckObservations?.[0]?.StatusReport?.Status).toMatch(/^Failure: HTTP Status Code 503/);
    expect(api.healthChecks.isHealthy(id ?? '')).toBe(false);
    targetStatus = 200;
  });
});

describe('DeleteHealthCheck and tags', () => {
  // API Reference, DeleteHealthCheck and ChangeTagsForResource/ListTagsForResource with ResourceType healthcheck.
  it('tags a check, deletes it, then answers NoSuchHealthCheck', async () => {
    const id = (await r53.send(new CreateHealthCheckCommand({ CallerReference: ref(), HealthCheckConfig: HTTP }))).HealthCheck?.Id;
    await r53.send(
      new ChangeTagsForResourceCommand({ ResourceType: 'healthcheck', ResourceId: id, AddTags: [{ Key: 'Name', Value: 'web' }] }),
    );
    const tags = await r53.send(new ListTagsForResourceCommand({ ResourceType: 'healthcheck', ResourceId: id }));
    expect(tags.ResourceTagSet).toEqual({ ResourceType: 'healthcheck', ResourceId: id, Tags: [{ Key: 'Name', Value: 'web' }] });
    const out = await r53.send(new DeleteHealthCheckCommand({ HealthCheckId: id }));
    expect(out.$metadata.httpStatusCode).toBe(200);
    await expect(r53.send(new GetHealthCheckCommand({ HealthCheckId: id }))).rejects.toBeInstanceOf(NoSuchHealthCheck);
    await expect(r53.send(new ListTagsForResourceCommand({ ResourceType: 'healthcheck', ResourceId: id }))).rejects.toBeInstanceOf(
      NoSuchHealthCheck,
    );
  });
});

async function until(cond: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('record sets with SetIdentifier: failover, weighted, multivalue answer', () => {
  const name = 'www.hc.test.';
  const newCheck = async () =>
    (await r53.send(new CreateHealthCheckCommand({ CallerReference: ref(), HealthCheckConfig: HTTP }))).HealthCheck?.Id ?? '';
  const change = (Action: 'CREATE' | 'DELETE' | 'UPSERT', ResourceRecordSet: ResourceRecordSet) =>
    r53.send(new ChangeResourceRecordSetsCommand({ HostedZoneId: zoneId, ChangeBatch: { Changes: [{ Action, ResourceRecordSet }] } }));
  const fail = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
  let hcPrimary: string;
  let primary: ResourceRecordSet;
  const secondary: ResourceRecordSet = {
    Name: name,
    Type: 'A',
    SetIdentifier: 'secondary',
    Failover: 'SECONDARY',
    TTL: 30,
    ResourceRecords: [{ Value: '192.0.2.2' }],
  };

  // API Reference, ResourceRecordSet (SetIdentifier, Failover, HealthCheckId) and ListResourceRecordSets: routing fields listed back as written.
  it('creates a PRIMARY with a health check and a SECONDARY, and lists them with their routing fields', async () => {
    hcPrimary = await newCheck();
    primary = {
      Name: name,
      Type: 'A',
      SetIdentifier: 'primary',
      Failover: 'PRIMARY',
      TTL: 30,
      ResourceRecords: [{ Value: '192.0.2.1' }],
      HealthCheckId: hcPrimary,
    };
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: {
          Changes: [
            { Action: 'CREATE', ResourceRecordSet: primary },
            { Action: 'CREATE', ResourceRecordSet: secondary },
          ],
        },
      }),
    );
    const listed = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: name, StartRecordType: 'A' }));
    expect(listed.ResourceRecordSets?.filter((s) => s.Name === name)).toEqual([primary, secondary]);
  });

  // Developer Guide, failover routing: one PRIMARY and one SECONDARY per name and type; CREATE of an existing set identifier fails.
  it('refuses a second PRIMARY and a duplicate set identifier', async () => {
    const second = await fail(change('CREATE', { ...primary, SetIdentifier: 'primary-2' }));
    expect(second).toBeInstanceOf(InvalidChangeBatch);
    expect(second?.message).toContain('a PRIMARY failover RRSet with the same name and type already exists');
    const dup = await fail(change('CREATE', primary));
    expect(dup?.message).toContain(
      `Tried to create resource record set [name='${name}', type='A', set-identifier='primary'] but it already exists`,
    );
  });

  // API Reference, ResourceRecordSet: Failover/Weight/MultiValueAnswer/HealthCheckId need a SetIdentifier; exactly one routing policy; Weight 0-255.
  it.each<[string, ResourceRecordSet, RegExp]>([
    [
      'Failover without SetIdentifier',
      { Name: 'x.hc.test.', Type: 'A', Failover: 'PRIMARY', TTL: 30, ResourceRecords: [{ Value: '192.0.2.1' }] },
      /Failover needs a SetIdentifier/,
    ],
    [
      'SetIdentifier without a policy',
      { Name: 'x.hc.test.', Type: 'A', SetIdentifier: 'a', TTL: 30, ResourceRecords: [{ Value: '192.0.2.1' }] },
      /exactly one routing policy/,
    ],
    [
      'two policies',
      {
        Name: 'x.hc.test.',
        Type: 'A',
        SetIdentifier: 'a',
        Weight: 1,
        Failover: 'PRIMARY',
        TTL: 30,
        ResourceRecords: [{ Value: '192.0.2.1' }],
      },
      /exactly one routing policy/,
    ],
    [
      'Weight 256',
      { Name: 'x.hc.test.', Type: 'A', SetIdentifier: 'a', Weight: 256, TTL: 30, ResourceRecords: [{ Value: '192.0.2.1' }] },
      /Weight must be an integer from 0 to 255/,
    ],
  ])('refuses %s with InvalidInput', async (_n, rrs, message) => {
    const err = await fail(change('CREATE', rrs));
    expect(err).toBeInstanceOf(InvalidInput);
    expect(err?.message).toMatch(message);
  });

  // Route 53 refuses mixing routing policies and mixing routing sets with a plain set of the same name and type; HealthCheckId must exist.
  it('refuses mixed policies, a plain set beside routing sets, and an unknown health check', async () => {
    const weighted = await fail(
      change('CREATE', { Name: name, Type: 'A', SetIdentifier: 'w', Weight: 10, TTL: 30, ResourceRecords: [{ Value: '192.0.2.5' }] }),
    );
    expect(weighted?.message).toContain('another routing policy (failover)');
    const plain = await fail(change('CREATE', { Name: name, Type: 'A', TTL: 30, ResourceRecords: [{ Value: '192.0.2.5' }] }));
    expect(plain?.message).toContain('RRSets with a SetIdentifier and the same name and type exist');
    const unknown = await fail(
      change('CREATE', {
        Name: 'u.hc.test.',
        Type: 'A',
        SetIdentifier: 'u',
        Weight: 1,
        TTL: 30,
        ResourceRecords: [{ Value: '192.0.2.5' }],
        HealthCheckId: 'f0000000-0000-0000-0000-00000000dead',
      }),
    );
    expect(unknown?.message).toContain('does not exist');
  });

  // API Reference, DeleteHealthCheck: HealthCheckInUse while a record set references the check.
  it('refuses to delete a health check in use', async () => {
    await expect(r53.send(new DeleteHealthCheckCommand({ HealthCheckId: hcPrimary }))).rejects.toBeInstanceOf(HealthCheckInUse);
  });

  // API Reference, ChangeResourceRecordSets: DELETE must match the set exactly, routing fields and HealthCheckId included (a compare-and-swap).
  it('deletes only on an exact match, routing fields included', async () => {
    const { HealthCheckId: _dropped, ...withoutCheck } = primary;
    void _dropped;
    for (const wrong of [withoutCheck, { ...primary, TTL: 60 }, { ...primary, ResourceRecords: [{ Value: '192.0.2.9' }] }]) {
      const err = await fail(change('DELETE', wrong));
      expect(err).toBeInstanceOf(InvalidChangeBatch);
      expect(err?.message).toContain('do not match the current values');
    }
    await change('DELETE', primary);
    await r53.send(new DeleteHealthCheckCommand({ HealthCheckId: hcPrimary }));
    await change('DELETE', secondary);
  });

  // API Reference, ListResourceRecordSets: NextRecordName/NextRecordType/NextRecordIdentifier and StartRecordIdentifier page through sets with a SetIdentifier.
  it('pages weighted and multivalue sets with NextRecordIdentifier', async () => {
    const ids = ['a', 'b', 'c', 'd', 'e'];
    await r53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        ChangeBatch: {
          Changes: [
            ...ids.map((id, i) => ({
              Action: 'CREATE' as const,
              ResourceRecordSet: {
                Name: 'w.hc.test.',
                Type: 'A' as const,
                SetIdentifier: id,
                Weight: i,
                TTL: 30,
                ResourceRecords: [{ Value: `192.0.2.${i + 1}` }],
              },
            })),
            {
              Action: 'CREATE',
              ResourceRecordSet: {
                Name: 'm.hc.test.',
                Type: 'A',
                SetIdentifier: 'm1',
                MultiValueAnswer: true,
                TTL: 30,
                ResourceRecords: [{ Value: '198.51.100.1' }],
              },
            },
          ],
        },
      }),
    );
    const seen: string[] = [];
    let start: { StartRecordName?: string; StartRecordType?: 'A'; StartRecordIdentifier?: string } = {
      StartRecordName: 'w.hc.test.',
      StartRecordType: 'A',
    };
    for (let page = 0; page < 10; page++) {
      const out = await r53.send(new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, MaxItems: 2, ...start }));
      for (const s of out.ResourceRecordSets ?? []) if (s.Name === 'w.hc.test.') seen.push(s.SetIdentifier ?? '');
      if (!out.IsTruncated || out.NextRecordName !== 'w.hc.test.') break;
      expect(out.NextRecordIdentifier).toBeDefined();
      start = { StartRecordName: out.NextRecordName, StartRecordType: 'A', StartRecordIdentifier: out.NextRecordIdentifier ?? '' };
    }
    expect(seen).toEqual(ids);
    const m = await r53.send(
      new ListResourceRecordSetsCommand({ HostedZoneId: zoneId, StartRecordName: 'm.hc.test.', StartRecordType: 'A', MaxItems: 1 }),
    );
    expect(m.ResourceRecordSets?.[0]).toMatchObject({ SetIdentifier: 'm1', MultiValueAnswer: true });
  });
});
