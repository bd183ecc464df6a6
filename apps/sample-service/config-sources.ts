/**
 * Where the sample service's settings come from, in increasing precedence:
 * defaults < YAML file (`--config` / SERVICE_CONFIG) < environment < command-line flags.
 *
 * SETTINGS is the one table naming each setting's environment variable, flag and
 * file path, so `failover serve --help`, the README and error messages agree.
 */
import { z } from 'zod';
import { loadConfigFile, parseEnv } from '../../src/config/load.js';
import { leaf, parseServiceConfig, serviceFileSchema, type ServiceConfig, type ServiceFileConfig } from './config.js';

type Kind = 'string' | 'int' | 'boolean';

export interface Setting {
  key: keyof typeof leaf;
  /** Field path in the YAML file. */
  path: readonly [string] | readonly [string, string];
  env: string;
  /** Long flag of `failover serve`, with its argument placeholder when it takes one. */
  flag: string;
  kind: Kind;
  help: string;
  /** The default, in words. */
  fallback?: string;
}

export const SETTINGS: readonly Setting[] = [
  {
    key: 'cloud',
    path: ['cloud'],
    env: 'SERVICE_CLOUD',
    flag: '--cloud <cloud>',
    kind: 'string',
    help: 'the cloud this instance stands for: aws, azure or gcp (required)',
  },
  {
    key: 'region',
    path: ['region'],
    env: 'SERVICE_REGION',
    flag: '--region <region>',
    kind: 'string',
    help: 'region reported by GET /',
    fallback: 'local',
  },
  {
    key: 'instanceId',
    path: ['instanceId'],
    env: 'SERVICE_INSTANCE_ID',
    flag: '--instance-id <id>',
    kind: 'string',
    help: 'instance id reported by GET /',
    fallback: '<cloud>-<machine name>',
  },
  {
    key: 'version',
    path: ['version'],
    env: 'SERVICE_VERSION',
    flag: '--service-version <version>',
    kind: 'string',
    help: 'version reported by GET /',
    fallback: 'dev',
  },
  {
    key: 'host',
    path: ['host'],
    env: 'SERVICE_HOST',
    flag: '--host <address>',
    kind: 'string',
    help: 'address to listen on',
    fallback: '127.0.0.1',
  },
  {
    key: 'port',
    path: ['port'],
    env: 'SERVICE_PORT',
    flag: '--port <port>',
    kind: 'int',
    help: 'port to listen on, 0 for any free port',
    fallback: '8080',
  },
  {
    key: 'dependencyUrl',
    path: ['dependency', 'url'],
    env: 'DEPENDENCY_URL',
    flag: '--dependency-url <url>',
    kind: 'string',
    help: 'dependency checked by /readyz: its host name must resolve and a GET must answer below 400',
  },
  {
    key: 'dependencyHost',
    path: ['dependency', 'host'],
    env: 'DEPENDENCY_HOST',
    flag: '--dependency-host <name>',
    kind: 'string',
    help: 'dependency checked by /readyz by DNS only (instead of --dependency-url)',
  },
  {
    key: 'dependencyDnsServer',
    path: ['dependency', 'dnsServer'],
    env: 'DEPENDENCY_DNS_SERVER',
    flag: '--dependency-dns <host:port>',
    kind: 'string',
    help: 'DNS server that resolves the dependency, e.g. a local emulator at 127.0.0.1:5353',
    fallback: 'the system resolver',
  },
  {
    key: 'dependencyTimeoutMs',
    path: ['dependency', 'timeoutMs'],
    env: 'DEPENDENCY_TIMEOUT_MS',
    flag: '--dependency-timeout-ms <ms>',
    kind: 'int',
    help: 'time budget for one dependency check, DNS and HTTP together',
    fallback: '1000',
  },
  {
    key: 'chaosEnabled',
    path: ['chaos', 'enabled'],
    env: 'CHAOS_ENABLED',
    flag: '--chaos',
    kind: 'boolean',
    help: 'enable the chaos switch (GET/PUT /chaos); loopback addresses only, needs a token',
  },
  {
    key: 'chaosToken',
    path: ['chaos', 'token'],
    env: 'CHAOS_TOKEN',
    flag: '--chaos-token <token>',
    kind: 'string',
    help: 'token every chaos request must send in x-chaos-token or Authorization: Bearer (prefer the variable: flags show in ps)',
  },
  {
    key: 'chaosPort',
    path: ['chaos', 'port'],
    env: 'CHAOS_PORT',
    flag: '--chaos-port <port>',
    kind: 'int',
    help: 'also serve /chaos on this port of the same address, so `down` can be healed',
    fallback: 'no admin listener',
  },
  {
    key: 'drainMs',
    path: ['drainMs'],
    env: 'DRAIN_MS',
    flag: '--drain-ms <ms>',
    kind: 'int',
    help: 'on SIGTERM/SIGINT, how long in-flight requests get to finish before connections are cut',
    fallback: '10000',
  },
  {
    key: 'shutdownDelayMs',
    path: ['shutdownDelayMs'],
    env: 'SHUTDOWN_DELAY_MS',
    flag: '--shutdown-delay-ms <ms>',
    kind: 'int',
    help: 'on SIGTERM/SIGINT, keep serving this long with /readyz answering 503 draining before closing the listener',
    fallback: '0',
  },
];

export const CONFIG_FILE_ENV = 'SERVICE_CONFIG';

/** Strings from the environment or flags, converted to the setting's type, then checked by its leaf schema. */
function fromText(setting: Setting): z.ZodType {
  const schema = leaf[setting.key];
  if (setting.kind === 'int') {
    return z
      .string()
      .trim()
      .regex(/^\d+$/, 'expected a whole number')
      .transform(Number)
      .pipe(schema as z.ZodType<unknown, number>);
  }
  if (setting.kind === 'boolean') return z.stringbool({ error: 'expected true or false' });
  return z
    .string()
    .trim()
    .pipe(schema as z.ZodType<unknown, string>);
}

const textSchema = z.object(Object.fromEntries(SETTINGS.map((s) => [s.key, fromText(s).optional()])));

export interface ServiceConfigSources {
  /** Usually process.env. Empty values count as unset. */
  env?: Record<string, string | undefined>;
  /** Values given on the command line, keyed by setting key (`port`, `chaosEnabled`, ...). */
  flags?: Partial<Record<Setting['key'], string | boolean>>;
  /** YAML file; defaults to the SERVICE_CONFIG variable. */
  file?: string;
}

function flagName(setting: Setting): string {
  return setting.flag.split(' ')[0] ?? setting.flag;
}

/** "; set it with CHAOS_TOKEN, --chaos-token or chaos.token in the config file" */
export function whereToSet(path: string): string {
  const setting = SETTINGS.find((s) => s.path.join('.') === path);
  return setting ? ` (set ${setting.env}, ${flagName(setting)} or ${path} in the config file)` : '';
}

function setPath(target: Record<string, unknown>, path: Setting['path'], value: unknown): void {
  const [first, second] = path;
  if (second === undefined) {
    target[first] = value;
    return;
  }
  const inner = (target[first] ??= {}) as Record<string, unknown>;
  inner[second] = value;
}

/**
 * Read the file (if any), the environment and the flags, and validate the result.
 * Throws ConfigError naming the file (with line), the variable or the flag at fault.
 */
export function loadServiceConfig(sources: ServiceConfigSources = {}): ServiceConfig {
  const env = sources.env ?? {};
  const flags = sources.flags ?? {};
  const file = sources.file ?? (env[CONFIG_FILE_ENV] || undefined);

  const fromFile: ServiceFileConfig = file !== undefined ? loadConfigFile(file, serviceFileSchema) : {};

  const texts: Record<string, string> = {};
  const names: Record<string, string> = {};
  for (const setting of SETTINGS) {
    const flag = flags[setting.key];
    const variable = env[setting.env];
    if (flag !== undefined) {
      texts[setting.key] = String(flag);
      names[setting.key] = flagName(setting);
    } else if (variable !== undefined && variable !== '') {
      texts[setting.key] = variable;
      names[setting.key] = setting.env;
    }
  }
  const overrides = parseEnv(texts, textSchema, names) as Record<string, unknown>;

  const merged = structuredClone(fromFile) as Record<string, unknown>;
  for (const setting of SETTINGS) {
    if (overrides[setting.key] !== undefined) setPath(merged, setting.path, overrides[setting.key]);
  }

  const used = [
    ...(Object.values(names).some((n) => n.startsWith('--')) ? ['command line'] : []),
    ...(Object.values(names).some((n) => !n.startsWith('--')) ? ['environment'] : []),
    ...(file !== undefined ? [file] : []),
  ];
  return parseServiceConfig(merged, used.length > 0 ? used.join(' + ') : 'defaults', whereToSet);
}
