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
  ChangeTagsForResourceCommand,
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

export { zoneId };
