/**
 * The controller configuration that infra/envs/example renders must be one the
 * controller accepts. Terraform renders controller-config.tftpl with
 * templatefile() and the values listed in local.controller_config_vars; this test
 * reads those same expressions from the HCL, evaluates them against the
 * example's tfvars and sample module outputs, renders the same template and
 * validates the result with the controller's own loader and schema.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';

// Loaded untyped on purpose: the package's .d.ts pulls the DOM lib into the whole
// program (`/// <reference lib="dom" />`), which changes how other files type-check.
const { parse } = createRequire(import.meta.url)('@cdktf/hcl2json') as { parse: (file: string, text: string) => Promise<unknown> };

const EXAMPLE = fileURLToPath(new URL('../../infra/envs/example/', import.meta.url));

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});

/** What the three modules would output after an apply (documentation addresses, RFC 5737). */
const SAMPLE_OUTPUTS: Record<string, Obj> = {
  aws: {
    hosted_zone_id: 'Z0412345ABCDEFGHIJKLM',
    route53_region: 'us-east-1',
    service_address: '203.0.113.10',
    health_url: 'http://203.0.113.10/readyz',
  },
  azure: {
    subscription_id: '00000000-0000-0000-0000-000000000000',
    resource_group: 'failover-rg',
    zone_name: 'example.com',
    service_address: '198.51.100.20',
    health_url: 'http://failover-sample-service.kindforest-1a2b3c4d.westeurope.azurecontainerapps.io/readyz',
  },
  gcp: {
    project_id: 'my-failover-project',
    managed_zone: 'example-com',
    service_address: '192.0.2.30',
    health_url: 'http://192.0.2.30/readyz',
  },
};

let template: string;
let configVars: Record<string, string>;
let configLocal: string;
let variables: Obj;
let tfvars: Obj;

async function hcl(file: string): Promise<Obj> {
  return obj(await parse(file, readFileSync(join(EXAMPLE, file), 'utf8')));
}

beforeAll(async () => {
  template = readFileSync(join(EXAMPLE, 'controller-config.tftpl'), 'utf8');
  const locals = Object.assign({}, ...(((await hcl('controller-config.tf')).locals as unknown[]) ?? []).map(obj)) as Obj;
  configVars = obj(locals.controller_config_vars) as Record<string, string>;
  configLocal = String(locals.controller_config);
  variables = obj((await hcl('variables.tf')).variable);
  tfvars = await hcl('terraform.tfvars.example');
});

/** Input variables as Terraform would see them: declared defaults, overridden by the tfvars example. */
function inputs(): Obj {
  const values: Obj = {};
  for (const [name, bodies] of Object.entries(variables)) {
    const body = obj((bodies as unknown[])[0]);
    if ('default' in body) values[name] = body.default;
  }
  return { ...values, ...tfvars };
}

/**
 * Evaluate one value of controller_config_vars. Only the forms the example uses
 * are understood (jsonencode of a reference or of a string template of
 * references); anything else fails the test, so the rendering stays simple
 * enough to be checked here.
 */
function evaluate(expression: string, vars: Obj, outputs: Record<string, Obj>): string {
  const lookup = (ref: string): unknown => {
    const [kind, a, b] = ref.split('.');
    if (kind === 'var' && a !== undefined && b === undefined) {
      if (!(a in vars)) throw new Error(`var.${a} has no value in the tfvars example or a default`);
      return vars[a];
    }
    if (kind === 'module' && a !== undefined && b !== undefined) {
      const value = outputs[a]?.[b];
      if (value === undefined) throw new Error(`no sample output for module.${a}.${b}`);
      return value;
    }
    throw new Error(`cannot evaluate reference ${ref}`);
  };
  const m = /^\$\{jsonencode\((.*)\)\}$/s.exec(expression);
  if (!m) throw new Error(`expected jsonencode(...), got ${expression}`);
  const inner = m[1]!.trim();
  if (/^(?:var|module)\.[\w.-]+$/.test(inner)) return JSON.stringify(lookup(inner));
  const quoted = /^"(.*)"$/s.exec(inner);
  if (quoted) {
    const text = quoted[1]!.replace(/\$\{((?:var|module)\.[\w.-]+)\}/g, (_all, ref: string) => String(lookup(ref)));
    if (text.includes('${')) throw new Error(`unsupported interpolation in ${inner}`);
    return JSON.stringify(text);
  }
  throw new Error(`cannot evaluate ${inner}`);
}

/** Terraform's templatefile() for a template made only of `${name}` placeholders. */
function renderTemplate(text: string, values: Record<string, string>): string {
  if (/%\{|\$\$\{/.test(text)) throw new Error('the template may only use ${name} placeholders');
  return text.replace(/\$\{([^}]*)\}/g, (_all, name: string) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`placeholder \${${name}} is not a plain variable name`);
    const value = values[name];
    if (value === undefined) throw new Error(`placeholder \${${name}} is not passed to templatefile()`);
    return value;
  });
}

/** The YAML the example outputs as controller_config, for the given module outputs. */
function renderControllerYaml(outputs: Record<string, Obj>): string {
  const vars = inputs();
  const values = Object.fromEntries(Object.entries(configVars).map(([k, expr]) => [k, evaluate(expr, vars, outputs)]));
  return stringify(JSON.parse(renderTemplate(template, values)));
}

describe('infra/envs/example: controller configuration', () => {
  it('renders controller-config.tftpl with exactly the values controller_config_vars passes', () => {
    expect(configLocal).toBe('${jsondecode(templatefile("${path.module}/controller-config.tftpl", local.controller_config_vars))}');
    const placeholders = new Set([...template.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]));
    expect([...placeholders].sort()).toEqual(Object.keys(configVars).sort());
  });

  it('has a tfvars example that sets every required variable and nothing undeclared', () => {
    const declared = Object.keys(variables);
    const required = declared.filter((n) => !('default' in obj((variables[n] as unknown[])[0])));
    expect(required.sort()).toEqual(['aws_image', 'azure_image', 'azure_subscription_id', 'domain', 'gcp_image', 'gcp_project_id']);
    for (const name of required) expect(tfvars, name).toHaveProperty(name);
    expect(Object.keys(tfvars).filter((k) => !declared.includes(k))).toEqual([]);
  });

  it('produces a configuration the controller loads, with three targets in priority order', () => {
    const config = parseConfig(renderControllerYaml(SAMPLE_OUTPUTS), configSchema, 'controller.yaml');
    expect(config.owner).toBe('failover-prod');
    expect(config.zone).toBe('example.com');
    expect(config.providers.route53).toMatchObject({ hostedZoneId: 'Z0412345ABCDEFGHIJKLM', region: 'us-east-1' });
    expect(config.providers.azure).toMatchObject({
      subscriptionId: '00000000-0000-0000-0000-000000000000',
      resourceGroup: 'failover-rg',
      zoneName: 'example.com',
    });
    expect(config.providers.clouddns).toMatchObject({ projectId: 'my-failover-project', managedZone: 'example-com' });
    // No endpoints or static credentials: production uses each cloud's credential chain.
    for (const p of Object.values(config.providers)) {
      expect(p).not.toHaveProperty('endpoint');
      expect(p).not.toHaveProperty('credentials');
      expect(p).not.toHaveProperty('token');
    }
    expect(config.services).toHaveLength(1);
    const [service] = config.services;
    expect(service).toMatchObject({ name: 'app.example.com', type: 'A', ttl: 30, policy: 'failover' });
    expect(service!.targets.map((t) => [t.id, t.cloud, t.address, t.healthUrl, t.priority])).toEqual([
      ['aws', 'aws', '203.0.113.10', 'http://203.0.113.10/readyz', 1],
      ['azure', 'azure', '198.51.100.20', 'http://failover-sample-service.kindforest-1a2b3c4d.westeurope.azurecontainerapps.io/readyz', 2],
      ['gcp', 'gcp', '192.0.2.30', 'http://192.0.2.30/readyz', 3],
    ]);
  });

  it('uses production health timings and a one-minute dwell', () => {
    const config = parseConfig(renderControllerYaml(SAMPLE_OUTPUTS), configSchema, 'controller.yaml');
    expect(config.health).toMatchObject({ intervalMs: 10_000, fastIntervalMs: 2_000, timeoutMs: 2_000, rise: 2, fall: 3 });
    expect(config.routing.dwellMs).toBe(60_000);
    expect(config.safety).toEqual({ maxChangeShare: 0.3, minNamesForShareLimit: 10 });
  });

  it('is refused by the controller when a module gives a hostname instead of a static IP', () => {
    const outputs = {
      ...SAMPLE_OUTPUTS,
      aws: { ...SAMPLE_OUTPUTS.aws, service_address: 'failover-nlb-0123456789.elb.eu-west-1.amazonaws.com' },
    };
    let caught: unknown;
    try {
      parseConfig(renderControllerYaml(outputs), configSchema, 'controller.yaml');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).problems).toEqual([
      expect.objectContaining({ path: 'services[0].targets[0].address', message: 'expected an IPv4 or IPv6 address' }),
    ]);
  });

  it('fails loudly when the template asks for a value that is not passed', () => {
    expect(() => renderTemplate('{"a": ${missing}}', {})).toThrow('placeholder ${missing} is not passed to templatefile()');
    expect(() => renderTemplate('%{ for x in y }%{ endfor }', {})).toThrow('only use ${name} placeholders');
  });
});
