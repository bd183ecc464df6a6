/**
 * The sample service's settings: which cloud it stands for, where it listens, the
 * dependency its readiness checks, the local-only chaos switch and the drain timing.
 *
 * Each setting is defined once here (`leaf`) and reused by the YAML file schema (every
 * key optional, unknown keys are errors) and by the final schema (defaults and the
 * rules that tie settings together). config-sources.ts layers file < environment < flags.
 */
import { hostname as machineName } from 'node:os';
import { isIP } from 'node:net';
import { z } from 'zod';
import { CLOUDS } from '../../src/config/schema.js';
import { ConfigError, formatPath } from '../../src/config/load.js';

export { CLOUDS };
export type Cloud = (typeof CLOUDS)[number];

const DNS_NAME = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9_-]{1,63}(?<!-))*\.?$/;
const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** `127.0.0.1`, `127.0.0.1:5353`, `::1` or `[::1]:5353`: the form node:dns `setServers` takes. */
function isDnsServerAddress(value: string): boolean {
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(value);
  if (bracketed) return isIP(bracketed[1] ?? '') === 6 && Number(bracketed[2] ?? 53) <= 65535;
  if (isIP(value) !== 0) return true;
  const withPort = /^([^:]+):(\d{1,5})$/.exec(value);
  return withPort !== null && isIP(withPort[1] ?? '') === 4 && Number(withPort[2]) <= 65535;
}

/** One schema per setting, shared by the file schema and the final schema. */
export const leaf = {
  cloud: z.enum(CLOUDS),
  region: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected a lower-case region name such as us-east-1 or westeurope'),
  instanceId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'expected 1-128 characters of letters, digits, . _ -'),
  version: z.string().min(1).max(64),
  host: z.string().refine((v) => isIP(v) !== 0 || DNS_NAME.test(v), 'expected an IP address or host name to listen on, such as 127.0.0.1'),
  port: int(0, 65535),
  drainMs: int(0, 600_000),
  shutdownDelayMs: int(0, 600_000),
  dependencyUrl: z.url({
    protocol: /^https?$/,
    error: 'expected an http:// or https:// URL such as http://app-db.example.test:8080/healthz',
  }),
  dependencyHost: z.string().max(253).regex(DNS_NAME, 'expected a DNS name such as app-db.example.test'),
  dependencyDnsServer: z.string().refine(isDnsServerAddress, 'expected a DNS server address such as 127.0.0.1:5353'),
  dependencyTimeoutMs: int(50, 60_000),
  chaosEnabled: z.boolean(),
  chaosToken: z.string().min(8, 'expected a token of at least 8 characters'),
  chaosPort: int(0, 65535),
};

/** The YAML file: every setting optional, so the environment and flags can supply the rest. */
export const serviceFileSchema = z.strictObject({
  cloud: leaf.cloud.optional(),
  region: leaf.region.optional(),
  instanceId: leaf.instanceId.optional(),
  version: leaf.version.optional(),
  host: leaf.host.optional(),
  port: leaf.port.optional(),
  drainMs: leaf.drainMs.optional(),
  shutdownDelayMs: leaf.shutdownDelayMs.optional(),
  dependency: z
    .strictObject({
      url: leaf.dependencyUrl.optional(),
      host: leaf.dependencyHost.optional(),
      dnsServer: leaf.dependencyDnsServer.optional(),
      timeoutMs: leaf.dependencyTimeoutMs.optional(),
    })
    .optional(),
  chaos: z
    .strictObject({
      enabled: leaf.chaosEnabled.optional(),
      token: leaf.chaosToken.optional(),
      port: leaf.chaosPort.optional(),
    })
    .optional(),
});
export type ServiceFileConfig = z.output<typeof serviceFileSchema>;

/** Chaos is a local test tool: its routes must never be reachable from another machine. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || h === '[::1]' || /^(::ffff:)?127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

export const serviceConfigSchema = z
  .strictObject({
    cloud: leaf.cloud,
    region: leaf.region.default('local'),
    /** Defaults to `<cloud>-<machine name>`. */
    instanceId: leaf.instanceId.optional(),
    version: leaf.version.default('dev'),
    host: leaf.host.default('127.0.0.1'),
    port: leaf.port.default(8080),
    /** How long in-flight requests get to finish after the listener closes. */
    drainMs: leaf.drainMs.default(10_000),
    /** How long to keep serving (with /readyz 503 draining) before closing the listener. */
    shutdownDelayMs: leaf.shutdownDelayMs.default(0),
    dependency: z
      .strictObject({
        url: leaf.dependencyUrl.optional(),
        host: leaf.dependencyHost.optional(),
        dnsServer: leaf.dependencyDnsServer.optional(),
        timeoutMs: leaf.dependencyTimeoutMs.default(1000),
      })
      .optional(),
    chaos: z
      .strictObject({
        enabled: leaf.chaosEnabled.default(false),
        token: leaf.chaosToken.optional(),
        port: leaf.chaosPort.optional(),
      })
      .default({ enabled: false }),
  })
  .superRefine((c, ctx) => {
    const d = c.dependency;
    if (d && d.url === undefined && d.host === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['dependency'],
        message: 'expected dependency.url (resolve its host name, then GET it) or dependency.host (resolve only)',
      });
    }
    if (d?.url !== undefined && d.host !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['dependency', 'host'],
        message: 'expected either dependency.url or dependency.host, not both (the URL already names the host to resolve)',
      });
    }
    if (c.chaos.enabled && c.chaos.token === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['chaos', 'token'],
        message: 'expected a token when chaos is enabled: every chaos request must carry it',
      });
    }
    if (c.chaos.enabled && !isLoopbackHost(c.host)) {
      ctx.addIssue({
        code: 'custom',
        path: ['chaos', 'enabled'],
        message: `chaos is local only: it cannot be enabled while listening on ${c.host}; use a loopback address such as 127.0.0.1`,
      });
    }
    if (c.chaos.port !== undefined && !c.chaos.enabled) {
      ctx.addIssue({ code: 'custom', path: ['chaos', 'port'], message: 'the chaos admin listener only exists when chaos is enabled' });
    }
    if (c.chaos.port !== undefined && c.chaos.port !== 0 && c.chaos.port === c.port) {
      ctx.addIssue({ code: 'custom', path: ['chaos', 'port'], message: `expected a port other than the service port (${c.port})` });
    }
  })
  .transform((c) => ({ ...c, instanceId: c.instanceId ?? `${c.cloud}-${machineName()}` }));

export type ServiceConfigInput = z.input<typeof serviceConfigSchema>;
export type ServiceConfig = z.output<typeof serviceConfigSchema>;
export type DependencyConfig = NonNullable<ServiceConfig['dependency']>;

/**
 * Validate a complete configuration object (the programmatic API's input); `hint`
 * turns a field path into advice on where to set it.
 */
export function parseServiceConfig(
  input: unknown,
  source = 'sample service configuration',
  hint: (path: string) => string = () => '',
): ServiceConfig {
  const result = serviceConfigSchema.safeParse(input);
  if (result.success) return result.data;
  throw new ConfigError(
    source,
    result.error.issues.map((issue) => {
      const path = formatPath(issue.path);
      return { path, message: `${issue.message}${hint(path)}` };
    }),
  );
}
