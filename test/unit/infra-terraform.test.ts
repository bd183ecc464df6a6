/**
 * Static checks of infra/: every .tf file is parsed with @cdktf/hcl2json (HCL →
 * JSON, offline) and checked for the rules a reviewer would otherwise have to
 * remember: typed and documented variables, exact provider pins, module outputs
 * that exist, no secrets, and DNS write grants scoped to the one zone. The grant
 * checkers are fed bad snippets too, so a regression in them shows.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

// Loaded untyped on purpose: the package's .d.ts pulls the DOM lib into the whole
// program (`/// <reference lib="dom" />`), which changes how other files type-check.
const { parse } = createRequire(import.meta.url)('@cdktf/hcl2json') as { parse: (file: string, text: string) => Promise<unknown> };

const INFRA = fileURLToPath(new URL('../../infra', import.meta.url));
const MODULE_DIRS = ['modules/aws', 'modules/azure', 'modules/gcp'] as const;
const EXAMPLE_DIR = 'envs/example';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const literalStrings = (v: unknown): string[] | null =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null;
const isExpression = (v: unknown): boolean => typeof v === 'string' && v.includes('${');

interface TfFile {
  path: string;
  text: string;
  hcl: Obj;
}

/** One Terraform module: its files and their blocks merged by kind. */
interface TfModule {
  dir: string;
  files: TfFile[];
}

interface Block {
  type: string;
  name: string;
  body: Obj;
  where: string;
}

async function parseHcl(path: string, text: string): Promise<TfFile> {
  return { path, text, hcl: obj(await parse(path, text)) };
}

async function loadModule(dir: string): Promise<TfModule> {
  const abs = join(INFRA, dir);
  const names = readdirSync(abs)
    .filter((f) => f.endsWith('.tf'))
    .sort();
  const files = await Promise.all(names.map((f) => parseHcl(join(dir, f), readFileSync(join(abs, f), 'utf8'))));
  return { dir, files };
}

/** `resource "t" "n" {}` / `data "t" "n" {}` blocks of a module. */
function blocks(mod: TfModule, kind: 'resource' | 'data'): Block[] {
  const out: Block[] = [];
  for (const file of mod.files) {
    for (const [type, byName] of Object.entries(obj(file.hcl[kind]))) {
      for (const [name, bodies] of Object.entries(obj(byName))) {
        for (const body of arr(bodies))
          out.push({ type, name, body: obj(body), where: `${file.path}: ${kind === 'data' ? 'data.' : ''}${type}.${name}` });
      }
    }
  }
  return out;
}

/** `variable "n" {}`, `output "n" {}`, `module "n" {}`, `provider "n" {}` blocks. */
function named(mod: TfModule, kind: 'variable' | 'output' | 'module' | 'provider'): Block[] {
  const out: Block[] = [];
  for (const file of mod.files) {
    for (const [name, bodies] of Object.entries(obj(file.hcl[kind]))) {
      for (const body of arr(bodies)) out.push({ type: kind, name, body: obj(body), where: `${file.path}: ${kind} "${name}"` });
    }
  }
  return out;
}

function locals(mod: TfModule): Obj {
  return Object.assign({}, ...mod.files.flatMap((f) => arr(f.hcl.locals).map(obj))) as Obj;
}

/** Follow `${local.x}` to its literal value, so a grant written through a local is still checked. */
function resolveLocal(value: unknown, scope: Obj, depth = 0): unknown {
  const m = typeof value === 'string' ? /^\$\{local\.([A-Za-z0-9_-]+)\}$/.exec(value) : null;
  if (!m || depth > 5 || !(m[1]! in scope)) return value;
  return resolveLocal(scope[m[1]!], scope, depth + 1);
}

function resolveList(value: unknown, scope: Obj): string[] | null {
  const v = resolveLocal(value, scope);
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v)) return null;
  const items = v.map((x) => resolveLocal(x, scope));
  return items.every((x) => typeof x === 'string') ? (items as string[]) : null;
}

// ---------------------------------------------------------------------------
// DNS write grants: AWS
// ---------------------------------------------------------------------------

interface GrantReport {
  /** Problems found; empty when every grant is scoped to the zone. */
  violations: string[];
  /** DNS grants seen, so a test can tell "all fine" from "checked nothing". */
  dnsGrants: string[];
}

const PARTITION = String.raw`(?:aws|aws-[a-z-]+|\$\{[^}]+\})`;
const ZONE_ARN = new RegExp(String.raw`^arn:${PARTITION}:route53:::hostedzone/(?:\$\{[^}*]+\}|[A-Z0-9]+)$`);
/**
 * GetChange is authorised on `change/<id>`, and change ids only exist once
 * ChangeResourceRecordSets returns one, so `change/*` is the one non-zone
 * resource allowed, and only in a statement that grants nothing but GetChange.
 */
const CHANGE_ARN = new RegExp(String.raw`^arn:${PARTITION}:route53:::change/\*$`);
const RECORD_TYPES_KEY = 'route53:ChangeResourceRecordSetsRecordTypes';

interface Statement {
  effect: string;
  actions: string[] | null;
  notActions: string[];
  resources: string[] | null;
  notResources: string[];
  conditions: { test: string; variable: string }[];
}

function fromPolicyDocument(st: Obj, scope: Obj): Statement {
  return {
    effect: typeof st.effect === 'string' ? st.effect : 'Allow',
    actions: st.actions === undefined ? [] : resolveList(st.actions, scope),
    notActions: resolveList(st.not_actions, scope) ?? [],
    resources: st.resources === undefined ? [] : resolveList(st.resources, scope),
    notResources: resolveList(st.not_resources, scope) ?? [],
    conditions: arr(st.condition)
      .map(obj)
      .map((c) => ({ test: String(c.test), variable: String(c.variable) })),
  };
}

function fromPolicyJson(st: Obj): Statement {
  const list = (v: unknown): string[] => (typeof v === 'string' ? [v] : (literalStrings(v) ?? []));
  return {
    effect: typeof st.Effect === 'string' ? st.Effect : 'Allow',
    actions: list(st.Action),
    notActions: list(st.NotAction),
    resources: list(st.Resource),
    notResources: list(st.NotResource),
    conditions: Object.entries(obj(st.Condition)).flatMap(([test, byKey]) =>
      Object.keys(obj(byKey)).map((variable) => ({ test, variable })),
    ),
  };
}

function checkStatement(where: string, st: Statement, report: GrantReport): void {
  if (st.effect !== 'Allow') return;
  if (st.actions === null) {
    report.violations.push(`${where}: actions is an expression; list the actions literally so the grant can be reviewed`);
    return;
  }
  if (st.notActions.length > 0) report.violations.push(`${where}: Allow with NotAction grants everything not listed`);
  const actions = st.actions.map((a) => a.toLowerCase());
  const dns = actions.filter((a) => a === '*' || a.startsWith('route53:'));
  if (dns.length === 0) return;
  report.dnsGrants.push(`${where}: ${dns.join(', ')}`);
  for (const a of dns) if (a.includes('*')) report.violations.push(`${where}: wildcard action ${a}; name each Route 53 action`);
  if (st.resources === null) {
    report.violations.push(`${where}: resources is an expression; use the hosted zone ARN`);
    return;
  }
  if (st.notResources.length > 0) report.violations.push(`${where}: Allow with NotResource reaches every other zone`);
  if (st.resources.length === 0) report.violations.push(`${where}: Route 53 actions without resources`);
  const onlyGetChange = actions.every((a) => a === 'route53:getchange');
  for (const r of st.resources) {
    if (ZONE_ARN.test(r)) continue;
    if (onlyGetChange && CHANGE_ARN.test(r)) continue;
    report.violations.push(`${where}: resource ${r} is not the hosted zone (arn:…:route53:::hostedzone/<id>)`);
  }
  if (actions.includes('route53:changeresourcerecordsets')) {
    const typed = st.conditions.some((c) => c.variable === RECORD_TYPES_KEY && c.test.startsWith('ForAllValues:'));
    if (!typed)
      report.violations.push(
        `${where}: ChangeResourceRecordSets without a ForAllValues ${RECORD_TYPES_KEY} condition can rewrite NS and SOA`,
      );
  }
}

const POLICY_RESOURCES = ['aws_iam_policy', 'aws_iam_role_policy', 'aws_iam_user_policy', 'aws_iam_group_policy'];
const ATTACHMENTS = [
  'aws_iam_role_policy_attachment',
  'aws_iam_user_policy_attachment',
  'aws_iam_group_policy_attachment',
  'aws_iam_policy_attachment',
];

function checkPolicyAttribute(where: string, policy: unknown, report: GrantReport): void {
  if (typeof policy !== 'string') return;
  if (/^\$\{data\.aws_iam_policy_document\.[\w-]+\.json\}$/.test(policy)) return; // checked as a data block
  let doc: unknown;
  try {
    doc = isExpression(policy) ? undefined : JSON.parse(policy);
  } catch {
    doc = undefined;
  }
  if (doc === undefined) {
    report.violations.push(`${where}: policy is an expression the check cannot read; build it with data "aws_iam_policy_document"`);
    return;
  }
  const statements = obj(doc).Statement;
  for (const [i, st] of (Array.isArray(statements) ? statements : [statements]).entries())
    checkStatement(`${where} Statement[${i}]`, fromPolicyJson(obj(st)), report);
}

function checkAwsDnsGrants(mod: TfModule): GrantReport {
  const report: GrantReport = { violations: [], dnsGrants: [] };
  const scope = locals(mod);
  for (const b of blocks(mod, 'data').filter((d) => d.type === 'aws_iam_policy_document')) {
    arr(b.body.statement).forEach((st, i) => checkStatement(`${b.where} statement[${i}]`, fromPolicyDocument(obj(st), scope), report));
  }
  for (const b of blocks(mod, 'resource')) {
    if (POLICY_RESOURCES.includes(b.type)) checkPolicyAttribute(b.where, b.body.policy, report);
    if (b.type === 'aws_iam_role')
      for (const inline of arr(b.body.inline_policy)) checkPolicyAttribute(`${b.where} inline_policy`, obj(inline).policy, report);
    const arns = [b.body.policy_arn, ...arr(b.body.managed_policy_arns)].filter((v): v is string => typeof v === 'string');
    if (ATTACHMENTS.includes(b.type) || b.type === 'aws_iam_role') {
      for (const arn of arns)
        if (/route53/i.test(arn) && /:iam::aws:policy\//.test(arn))
          report.violations.push(`${b.where}: AWS-managed ${arn} covers every hosted zone of the account`);
    }
  }
  return report;
}

// ---------------------------------------------------------------------------
// DNS write grants: Azure
// ---------------------------------------------------------------------------

/** Reads of the zone, and read/write/delete of the record types the controller publishes; NS/SOA stay read-only. */
const AZURE_ALLOWED_ACTION =
  /^Microsoft\.Network\/dnszones\/(?:read|recordsets\/read|all\/read|(?:A|AAAA|TXT|CNAME)\/(?:read|write|delete))$/i;
const AZURE_BROAD_SCOPE =
  /azurerm_resource_group\.|azurerm_subscription|subscription_id|management_?group|^\/subscriptions\/[^/]+\/?$|^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/?$|^\/$/i;
const AZURE_ZONE_SCOPE = /^\$\{(?:data\.)?azurerm_dns_zone\.[\w-]+\.id\}$/;
const AZURE_WIDE_ROLES = /^(?:Owner|Contributor|Network Contributor|User Access Administrator|Role Based Access Control Administrator)$/i;
const AZURE_DNS_ZONE_CONTRIBUTOR_ID = 'befefa01-2a29-4197-83a8-272ff33ce314';

function checkAzureDnsGrants(mod: TfModule): GrantReport {
  const report: GrantReport = { violations: [], dnsGrants: [] };
  const dnsRoleDefinitions = new Set<string>();
  const resources = blocks(mod, 'resource');
  for (const b of resources.filter((r) => r.type === 'azurerm_role_definition')) {
    for (const perm of arr(b.body.permissions).map(obj)) {
      const actions = literalStrings(perm.actions);
      if (actions === null) {
        report.violations.push(`${b.where}: permissions.actions is an expression; list the actions literally so the grant can be reviewed`);
        continue;
      }
      const dns = actions.filter((a) => /dnszones|^\*$|^Microsoft\.Network\/\*$/i.test(a));
      if (dns.length === 0) continue;
      dnsRoleDefinitions.add(b.name);
      for (const a of dns)
        if (!AZURE_ALLOWED_ACTION.test(a))
          report.violations.push(
            `${b.where}: action ${a} is more than record-set read/write (no wildcards, no NS/SOA writes, no zone writes)`,
          );
    }
  }
  for (const b of resources.filter((r) => r.type === 'azurerm_role_assignment')) {
    const scope = String(b.body.scope ?? '');
    const roleName = typeof b.body.role_definition_name === 'string' ? b.body.role_definition_name : '';
    const roleId = typeof b.body.role_definition_id === 'string' ? b.body.role_definition_id : '';
    const customRef = /azurerm_role_definition\.([\w-]+)\./.exec(roleId)?.[1];
    const isDns =
      /dns/i.test(roleName) ||
      roleId.includes(AZURE_DNS_ZONE_CONTRIBUTOR_ID) ||
      (customRef !== undefined && dnsRoleDefinitions.has(customRef));
    if (AZURE_BROAD_SCOPE.test(scope))
      report.violations.push(`${b.where}: scope ${scope} is a resource group or subscription; grant on the resource itself`);
    if (AZURE_WIDE_ROLES.test(roleName)) report.violations.push(`${b.where}: role ${roleName} is far wider than this project needs`);
    if (!isDns) continue;
    report.dnsGrants.push(`${b.where}: ${roleName || roleId} on ${scope}`);
    if (!AZURE_ZONE_SCOPE.test(scope))
      report.violations.push(`${b.where}: a DNS role must be scoped to the zone (azurerm_dns_zone.<name>.id), not ${scope}`);
    if (roleName !== '' && roleName !== 'DNS Zone Contributor')
      report.violations.push(`${b.where}: ${roleName} is not a public-zone record role`);
  }
  return report;
}

// ---------------------------------------------------------------------------
// DNS write grants: Google Cloud
// ---------------------------------------------------------------------------

const GCP_ALLOWED_PERMISSIONS = new Set([
  'dns.managedZones.get',
  'dns.resourceRecordSets.list',
  'dns.resourceRecordSets.get',
  'dns.resourceRecordSets.create',
  'dns.resourceRecordSets.update',
  'dns.resourceRecordSets.delete',
  'dns.changes.create',
  'dns.changes.get',
]);
const GCP_BROAD_BINDING = /^google_(?:project|folder|organization)_iam_(?:member|binding|policy)$/;

function checkGcpDnsGrants(mod: TfModule): GrantReport {
  const report: GrantReport = { violations: [], dnsGrants: [] };
  const resources = blocks(mod, 'resource');
  const dnsCustomRoles = new Set<string>();
  for (const b of resources.filter((r) => /^google_(?:project|organization)_iam_custom_role$/.test(r.type))) {
    const permissions = literalStrings(b.body.permissions);
    if (permissions === null) {
      report.violations.push(`${b.where}: permissions is an expression; list them literally so the grant can be reviewed`);
      continue;
    }
    const dns = permissions.filter((p) => p.startsWith('dns.') || p.includes('*'));
    if (dns.length === 0) continue;
    dnsCustomRoles.add(`${b.type}.${b.name}`);
    for (const p of dns)
      if (!GCP_ALLOWED_PERMISSIONS.has(p))
        report.violations.push(`${b.where}: permission ${p} is more than record-set read/write and change status`);
  }
  const isDnsRole = (role: string): boolean => {
    if (/^roles\/(?:dns\.|owner$|editor$)/.test(role)) return true;
    const ref = /(google_(?:project|organization)_iam_custom_role\.[\w-]+)\./.exec(role)?.[1];
    return ref !== undefined && dnsCustomRoles.has(ref);
  };
  for (const b of resources) {
    const role = typeof b.body.role === 'string' ? b.body.role : '';
    if (GCP_BROAD_BINDING.test(b.type) && isDnsRole(role)) {
      report.dnsGrants.push(`${b.where}: ${role}`);
      report.violations.push(
        `${b.where}: ${role} bound on a whole project/folder/organisation; bind it on the managed zone (google_dns_managed_zone_iam_member)`,
      );
    }
    if (b.type === 'google_dns_managed_zone_iam_policy')
      report.violations.push(
        `${b.where}: an authoritative zone policy replaces every other binding; use google_dns_managed_zone_iam_member`,
      );
    if (b.type === 'google_dns_managed_zone_iam_member' || b.type === 'google_dns_managed_zone_iam_binding') {
      report.dnsGrants.push(`${b.where}: ${role}`);
      const custom = /google_(?:project|organization)_iam_custom_role\.[\w-]+\.(?:name|id)/.test(role);
      if (!custom || !isDnsRole(role))
        report.violations.push(
          `${b.where}: role ${role} is not this configuration's record-writer custom role (roles/dns.admin also creates and deletes zones)`,
        );
      const zone = String(b.body.managed_zone ?? '');
      if (!/^\$\{(?:data\.)?google_dns_managed_zone\.[\w-]+\.name\}$/.test(zone))
        report.violations.push(`${b.where}: managed_zone ${zone} is not a google_dns_managed_zone reference`);
    }
  }
  return report;
}

// ---------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------

const SECRET_TEXT: [RegExp, string][] = [
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/"private_key_id"\s*:/, 'a Google service account key'],
  [/AccountKey=[A-Za-z0-9+/=]{20,}/, 'an Azure storage account key'],
  [/\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\./, 'a JWT'],
  [/\b(?:ghp|gho|github_pat|xox[abprs])_?[A-Za-z0-9_-]{20,}/, 'an API token'],
];
const SECRET_KEY = /password|passwd|secret|token|access_key|private_key|api_key|connection_string|account_key|sas_key/i;
const PROVIDER_CREDENTIAL_KEYS = [
  'access_key',
  'secret_key',
  'token',
  'client_secret',
  'client_certificate',
  'client_certificate_password',
  'credentials',
  'access_token',
  'oidc_token',
];
const SECRET_RESOURCES = [
  'aws_iam_access_key',
  'aws_iam_user_login_profile',
  'google_service_account_key',
  'azuread_application_password',
  'azuread_service_principal_password',
];

function checkNoSecrets(files: TfFile[]): string[] {
  const problems: string[] = [];
  for (const f of files) {
    for (const [re, what] of SECRET_TEXT) if (re.test(f.text)) problems.push(`${f.path}: contains what looks like ${what}`);
    const walk = (v: unknown, path: string): void => {
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
      else if (isObj(v)) {
        for (const [k, x] of Object.entries(v)) {
          if (SECRET_KEY.test(k) && typeof x === 'string' && x !== '' && !isExpression(x))
            problems.push(`${f.path}: ${path}${k} is a literal secret-like value`);
          walk(x, `${path}${k}.`);
        }
      }
    };
    walk(f.hcl, '');
    for (const [name, bodies] of Object.entries(obj(f.hcl.provider))) {
      for (const body of arr(bodies).map(obj)) {
        for (const key of PROVIDER_CREDENTIAL_KEYS)
          if (key in body) problems.push(`${f.path}: provider "${name}" sets ${key}; use the provider's standard credential chain`);
      }
    }
    for (const type of Object.keys(obj(f.hcl.resource)))
      if (SECRET_RESOURCES.includes(type)) problems.push(`${f.path}: ${type} creates a long-lived secret that ends up in the state`);
    for (const [name, bodies] of Object.entries(obj(f.hcl.variable))) {
      for (const body of arr(bodies).map(obj)) {
        if (SECRET_KEY.test(name) && body.default !== undefined && body.default !== null)
          problems.push(`${f.path}: variable "${name}" has a default value`);
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

let modules: Record<(typeof MODULE_DIRS)[number], TfModule>;
let example: TfModule;
let allFiles: TfFile[];

const snippet = async (text: string): Promise<TfModule> => ({ dir: 'snippet', files: [await parseHcl('snippet.tf', text)] });

beforeAll(async () => {
  const [aws, azure, gcp, ex] = await Promise.all([...MODULE_DIRS.map(loadModule), loadModule(EXAMPLE_DIR)]);
  modules = { 'modules/aws': aws!, 'modules/azure': azure!, 'modules/gcp': gcp! };
  example = ex!;
  const tfvarsPath = join(EXAMPLE_DIR, 'terraform.tfvars.example');
  const tfvars = await parseHcl(tfvarsPath, readFileSync(join(INFRA, tfvarsPath), 'utf8'));
  const template = {
    path: join(EXAMPLE_DIR, 'controller-config.tftpl'),
    text: readFileSync(join(INFRA, EXAMPLE_DIR, 'controller-config.tftpl'), 'utf8'),
    hcl: {},
  };
  allFiles = [...Object.values(modules), example].flatMap((m) => m.files).concat(tfvars, template);
});

describe('infra: variables and outputs', () => {
  it('parses every .tf file under infra/', () => {
    const onDisk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() && !e.name.startsWith('.')
          ? onDisk(join(dir, e.name))
          : e.name.endsWith('.tf')
            ? [relative(INFRA, join(dir, e.name))]
            : [],
      );
    const parsed = allFiles.map((f) => f.path).filter((p) => p.endsWith('.tf'));
    expect(parsed.sort()).toEqual(onDisk(INFRA).sort());
    expect(parsed.length).toBeGreaterThanOrEqual(15);
  });

  it('gives every variable a type and a description', () => {
    const variables = [...Object.values(modules), example].flatMap((m) => named(m, 'variable'));
    expect(variables.length).toBeGreaterThan(30);
    const problems = variables.flatMap((v) => [
      ...(typeof v.body.type === 'string' && v.body.type.startsWith('${') ? [] : [`${v.where}: no type`]),
      ...(typeof v.body.description === 'string' && v.body.description.trim().length >= 10 ? [] : [`${v.where}: no description`]),
    ]);
    expect(problems).toEqual([]);
  });

  it('gives every output a description', () => {
    const outputs = [...Object.values(modules), example].flatMap((m) => named(m, 'output'));
    const missing = outputs.filter((o) => typeof o.body.description !== 'string' || o.body.description.trim() === '').map((o) => o.where);
    expect(missing).toEqual([]);
  });

  it('has each module expose the static address, health URL, nameservers and zone identifiers', () => {
    const outputsOf = (dir: (typeof MODULE_DIRS)[number]) => named(modules[dir], 'output').map((o) => o.name);
    const common = ['service_address', 'service_url', 'health_url', 'nameservers'];
    expect(outputsOf('modules/aws')).toEqual(expect.arrayContaining([...common, 'hosted_zone_id', 'route53_region']));
    expect(outputsOf('modules/azure')).toEqual(expect.arrayContaining([...common, 'subscription_id', 'resource_group', 'zone_name']));
    expect(outputsOf('modules/gcp')).toEqual(expect.arrayContaining([...common, 'project_id', 'managed_zone']));
  });

  it('runs the service on 0.0.0.0 with SERVICE_CLOUD/REGION/VERSION/PORT and probes /readyz in every cloud', () => {
    for (const [dir, cloud] of [
      ['modules/aws', 'aws'],
      ['modules/azure', 'azure'],
      ['modules/gcp', 'gcp'],
    ] as const) {
      const text = modules[dir].files.map((f) => f.text).join('\n');
      expect(text, dir).toMatch(new RegExp(`SERVICE_CLOUD\\s*=\\s*"${cloud}"`));
      expect(text, dir).toMatch(/SERVICE_HOST\s*=\s*"0\.0\.0\.0"/);
      expect(text, dir).toMatch(/SERVICE_PORT\s*=\s*tostring\(var\.container_port\)/);
      expect(text, dir).toMatch(/SERVICE_REGION\s*=/);
      expect(text, dir).toMatch(/SERVICE_VERSION\s*=\s*var\.service_version/);
      expect(text, dir).toContain('"/readyz"');
    }
  });
});

describe('infra/envs/example composes the modules', () => {
  it('uses the aws, azure and gcp modules from infra/modules', () => {
    const sources = Object.fromEntries(named(example, 'module').map((m) => [m.name, m.body.source]));
    expect(sources).toEqual({ aws: '../../modules/aws', azure: '../../modules/azure', gcp: '../../modules/gcp' });
  });

  it('passes only inputs the modules declare, and every input they require', () => {
    const problems: string[] = [];
    for (const call of named(example, 'module')) {
      const mod = modules[`modules/${call.name}` as (typeof MODULE_DIRS)[number]];
      const declared = new Map(named(mod, 'variable').map((v) => [v.name, v.body]));
      const passed = Object.keys(call.body).filter(
        (k) => !['source', 'version', 'providers', 'depends_on', 'count', 'for_each'].includes(k),
      );
      for (const k of passed) if (!declared.has(k)) problems.push(`${call.where}: input ${k} is not a variable of ${mod.dir}`);
      for (const [name, body] of declared)
        if (!('default' in body) && !passed.includes(name)) problems.push(`${call.where}: required input ${name} is not passed`);
    }
    expect(problems).toEqual([]);
  });

  it('references only module outputs that exist', () => {
    const refs = example.files.flatMap((f) =>
      [...f.text.matchAll(/\bmodule\.([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)/g)].map((m) => ({ file: f.path, module: m[1]!, output: m[2]! })),
    );
    expect(refs.length).toBeGreaterThan(15);
    const missing = refs
      .filter((r) => {
        const mod = modules[`modules/${r.module}` as (typeof MODULE_DIRS)[number]];
        return mod === undefined || !named(mod, 'output').some((o) => o.name === r.output);
      })
      .map((r) => `${r.file}: module.${r.module}.${r.output}`);
    expect(missing).toEqual([]);
  });

  it('pins every provider to an exact version and sets required_version', () => {
    const terraform = example.files.flatMap((f) => arr(f.hcl.terraform).map(obj));
    expect(terraform.map((t) => t.required_version).filter(Boolean)).toHaveLength(1);
    const required = Object.assign({}, ...terraform.flatMap((t) => arr(t.required_providers).map(obj))) as Obj;
    expect(Object.keys(required).sort()).toEqual(['aws', 'azurerm', 'google', 'local']);
    for (const [name, spec] of Object.entries(required)) {
      expect(obj(spec).source, name).toBe(`hashicorp/${name}`);
      expect(String(obj(spec).version), name).toMatch(/^=\s*\d+\.\d+\.\d+$/);
    }
  });

  it('declares a provider for every resource type in use, satisfying each module minimum', () => {
    const pins = Object.assign(
      {},
      ...example.files.flatMap((f) => arr(f.hcl.terraform).map(obj)).flatMap((t) => arr(t.required_providers).map(obj)),
    ) as Obj;
    const pinned = (name: string) => String(obj(pins[name]).version).replace(/^=\s*/, '');
    const versionAtLeast = (v: string, min: string) => {
      const [a, b] = [v, min].map((s) => s.split('.').map(Number));
      for (let i = 0; i < 3; i++) if (a![i] !== b![i]) return a![i]! > b![i]!;
      return true;
    };
    for (const mod of [...Object.values(modules), example]) {
      const used = new Set([...blocks(mod, 'resource'), ...blocks(mod, 'data')].map((b) => b.type.split('_')[0]!));
      for (const p of used) expect(pins, `${mod.dir} uses ${p}_*`).toHaveProperty(p);
      if (mod === example) continue;
      const terraform = mod.files.flatMap((f) => arr(f.hcl.terraform).map(obj));
      expect(terraform.map((t) => t.required_version).filter(Boolean), mod.dir).toHaveLength(1);
      const reqs = Object.assign({}, ...terraform.flatMap((t) => arr(t.required_providers).map(obj))) as Obj;
      for (const p of used) {
        const min = /^>=\s*(\d+\.\d+\.\d+)$/.exec(String(obj(reqs[p]).version))?.[1];
        expect(min, `${mod.dir}: required_providers.${p} needs a ">= x.y.z" minimum`).toBeDefined();
        expect(versionAtLeast(pinned(p), min!), `${mod.dir}: pin ${pinned(p)} below module minimum ${min}`).toBe(true);
      }
    }
  });

  it('outputs the controller configuration and the registrar nameservers of all three providers', () => {
    const outputs = new Map(named(example, 'output').map((o) => [o.name, String(o.body.value)]));
    expect(outputs.get('controller_config')).toBe('${local.controller_config_yaml}');
    const ns = outputs.get('registrar_nameservers') ?? '';
    for (const m of ['aws', 'azure', 'gcp']) expect(ns).toContain(`module.${m}.nameservers`);
  });

  it('ships an executable infra/check.sh that skips plainly without terraform or registry access', () => {
    const path = join(INFRA, 'check.sh');
    expect(statSync(path).mode & 0o111).not.toBe(0);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('skipped terraform validate: neither terraform nor tofu on PATH');
    expect(text).toContain('skipped terraform validate: providers could not be downloaded (no registry access)');
    expect(text).toMatch(/fmt -check -recursive/);
  });
});

describe('infra: no credentials in the configuration', () => {
  it('finds no secrets in any .tf, the tfvars example or the template', () => {
    expect(allFiles.length).toBeGreaterThan(15);
    expect(checkNoSecrets(allFiles)).toEqual([]);
  });

  it('catches secrets in a bad snippet', async () => {
    const bad = await parseHcl(
      'bad.tf',
      [
        'provider "aws" {',
        '  access_key = "AKIAABCDEFGHIJKLMNOP"',
        '  secret_key = var.key',
        '}',
        'resource "google_service_account_key" "k" { service_account_id = "x" }',
        'resource "azurerm_x" "y" { admin_password = "hunter2hunter2" }',
        'variable "db_password" {',
        '  type        = string',
        '  description = "A password with a default."',
        '  default     = "changeme"',
        '}',
        'locals { key = "-----BEGIN RSA PRIVATE KEY-----" }',
      ].join('\n'),
    );
    const problems = checkNoSecrets([bad]).join('\n');
    expect(problems).toContain('an AWS access key id');
    expect(problems).toContain('provider "aws" sets access_key');
    expect(problems).toContain('provider "aws" sets secret_key');
    expect(problems).toContain('google_service_account_key creates a long-lived secret');
    expect(problems).toContain('admin_password is a literal secret-like value');
    expect(problems).toContain('variable "db_password" has a default value');
    expect(problems).toContain('a private key');
  });
});

describe('infra: DNS write grants are scoped to the zone', () => {
  it('AWS: the module grants record-set access on its hosted zone and GetChange on change/* only', () => {
    const report = checkAwsDnsGrants(modules['modules/aws']);
    expect(report.violations).toEqual([]);
    expect(report.dnsGrants.join('\n')).toContain('route53:changeresourcerecordsets');
    expect(report.dnsGrants.join('\n')).toContain('route53:getchange');
  });

  it('Azure: the module grants its record-writer role on the zone resource only', () => {
    const report = checkAzureDnsGrants(modules['modules/azure']);
    expect(report.violations).toEqual([]);
    expect(report.dnsGrants).toHaveLength(1);
    expect(report.dnsGrants[0]).toContain('${azurerm_dns_zone.this.id}');
  });

  it('Google Cloud: the module binds its custom role on the managed zone only', () => {
    const report = checkGcpDnsGrants(modules['modules/gcp']);
    expect(report.violations).toEqual([]);
    expect(report.dnsGrants).toEqual([expect.stringContaining('google_dns_managed_zone_iam_member.controller')]);
  });

  it('every module and the example pass all three checkers (a grant in the wrong place is still caught)', () => {
    for (const mod of [...Object.values(modules), example]) {
      for (const check of [checkAwsDnsGrants, checkAzureDnsGrants, checkGcpDnsGrants]) expect(check(mod).violations, mod.dir).toEqual([]);
    }
  });

  it.each([
    [
      'wildcard resource',
      `statement {\n actions = ["route53:ChangeResourceRecordSets"]\n resources = ["*"]\n condition {\n test = "ForAllValues:StringEquals"\n variable = "route53:ChangeResourceRecordSetsRecordTypes"\n values = ["A"]\n }\n }`,
      'resource * is not the hosted zone',
    ],
    [
      'every hosted zone',
      `statement {\n actions = ["route53:ChangeResourceRecordSets"]\n resources = ["arn:aws:route53:::hostedzone/*"]\n condition {\n test = "ForAllValues:StringEquals"\n variable = "route53:ChangeResourceRecordSetsRecordTypes"\n values = ["A"]\n }\n }`,
      'hostedzone/* is not the hosted zone',
    ],
    [
      'wildcard action',
      `statement {\n actions = ["route53:*"]\n resources = ["arn:aws:route53:::hostedzone/\${aws_route53_zone.z.zone_id}"]\n }`,
      'wildcard action route53:*',
    ],
    [
      'writes on change/*',
      `statement {\n actions = ["route53:GetChange", "route53:ListResourceRecordSets"]\n resources = ["arn:aws:route53:::change/*"]\n }`,
      'change/* is not the hosted zone',
    ],
    [
      'no record-type condition',
      `statement {\n actions = ["route53:ChangeResourceRecordSets"]\n resources = ["arn:aws:route53:::hostedzone/\${aws_route53_zone.z.zone_id}"]\n }`,
      'can rewrite NS and SOA',
    ],
    [
      'NotResource',
      `statement {\n actions = ["route53:ListResourceRecordSets"]\n not_resources = ["arn:aws:route53:::hostedzone/Z1"]\n }`,
      'NotResource',
    ],
  ])('AWS checker fails on %s', async (_name, statement, expected) => {
    const mod = await snippet(`data "aws_iam_policy_document" "bad" {\n${statement}\n}`);
    expect(checkAwsDnsGrants(mod).violations.join('\n')).toContain(expected);
  });

  it('AWS checker fails on unreadable and AWS-managed policies, and reads JSON policies', async () => {
    const mod = await snippet(
      [
        'resource "aws_iam_policy" "expr" { policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "route53:*", Resource = "*" }] }) }',
        'resource "aws_iam_role_policy_attachment" "managed" {',
        '  role       = "r"',
        '  policy_arn = "arn:aws:iam::aws:policy/AmazonRoute53FullAccess"',
        '}',
        'resource "aws_iam_role_policy" "json" {',
        '  role   = "r"',
        '  policy = <<EOT',
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["route53:ChangeResourceRecordSets"],"Resource":"*"}]}',
        'EOT',
        '}',
      ].join('\n'),
    );
    const v = checkAwsDnsGrants(mod).violations.join('\n');
    expect(v).toContain('aws_iam_policy.expr: policy is an expression the check cannot read');
    expect(v).toContain('AmazonRoute53FullAccess covers every hosted zone');
    expect(v).toContain('aws_iam_role_policy.json Statement[0]: resource * is not the hosted zone');
  });

  it('AWS checker follows locals to the literal ARN', async () => {
    const mod = await snippet(
      [
        'locals { everything = "arn:aws:route53:::hostedzone/*" }',
        'data "aws_iam_policy_document" "p" {',
        '  statement {',
        '    actions   = ["route53:ListResourceRecordSets"]',
        '    resources = [local.everything]',
        '  }',
        '}',
      ].join('\n'),
    );
    expect(checkAwsDnsGrants(mod).violations).toEqual([expect.stringContaining('hostedzone/* is not the hosted zone')]);
  });

  it.each([
    [
      'a resource group',
      'scope = azurerm_resource_group.rg.id\n role_definition_name = "DNS Zone Contributor"',
      'is a resource group or subscription',
    ],
    [
      'a subscription',
      'scope = "/subscriptions/${var.subscription}"\n role_definition_name = "DNS Zone Contributor"',
      'is a resource group or subscription',
    ],
    [
      'a literal resource group',
      'scope = "/subscriptions/0000/resourceGroups/dns"\n role_definition_name = "DNS Zone Contributor"',
      'is a resource group or subscription',
    ],
    [
      'something other than the zone',
      'scope = azurerm_container_app.app.id\n role_definition_name = "DNS Zone Contributor"',
      'must be scoped to the zone',
    ],
    ['Contributor on the zone', 'scope = azurerm_dns_zone.z.id\n role_definition_name = "Contributor"', 'far wider'],
    [
      'the private-zone role',
      'scope = azurerm_dns_zone.z.id\n role_definition_name = "Private DNS Zone Contributor"',
      'not a public-zone record role',
    ],
  ])('Azure checker fails on a DNS role assignment scoped to %s', async (_name, body, expected) => {
    const mod = await snippet(`resource "azurerm_role_assignment" "bad" {\n principal_id = "p"\n ${body}\n}`);
    expect(checkAzureDnsGrants(mod).violations.join('\n')).toContain(expected);
  });

  it('Azure checker fails on a custom role that can touch NS records or the zone itself', async () => {
    const mod = await snippet(
      [
        'resource "azurerm_role_definition" "wide" {',
        '  name  = "w"',
        '  scope = "/subscriptions/0000"',
        '  permissions {',
        '    actions = ["Microsoft.Network/dnszones/*", "Microsoft.Network/dnszones/NS/write", "Microsoft.Network/dnszones/A/write"]',
        '  }',
        '}',
        'resource "azurerm_role_assignment" "wide" {',
        '  scope              = azurerm_resource_group.rg.id',
        '  role_definition_id = azurerm_role_definition.wide.role_definition_resource_id',
        '  principal_id       = "p"',
        '}',
      ].join('\n'),
    );
    const v = checkAzureDnsGrants(mod).violations.join('\n');
    expect(v).toContain('action Microsoft.Network/dnszones/* is more than record-set read/write');
    expect(v).toContain('action Microsoft.Network/dnszones/NS/write is more than record-set read/write');
    expect(v).not.toContain('dnszones/A/write is more');
    expect(v).toContain('must be scoped to the zone');
  });

  it.each([
    [
      'roles/dns.admin on the project',
      'resource "google_project_iam_member" "bad" {\n project = "p"\n role = "roles/dns.admin"\n member = "serviceAccount:x"\n}',
      'bound on a whole project',
    ],
    [
      'roles/editor on the project',
      'resource "google_project_iam_member" "bad" {\n project = "p"\n role = "roles/editor"\n member = "serviceAccount:x"\n}',
      'bound on a whole project',
    ],
    [
      'roles/dns.admin on the zone',
      'resource "google_dns_managed_zone_iam_member" "bad" {\n managed_zone = google_dns_managed_zone.z.name\n role = "roles/dns.admin"\n member = "serviceAccount:x"\n}',
      'roles/dns.admin also creates and deletes zones',
    ],
    [
      'an authoritative zone policy',
      'resource "google_dns_managed_zone_iam_policy" "bad" {\n managed_zone = "z"\n policy_data = "{}"\n}',
      'authoritative zone policy',
    ],
  ])('Google checker fails on %s', async (_name, text, expected) => {
    expect(checkGcpDnsGrants(await snippet(text)).violations.join('\n')).toContain(expected);
  });

  it('Google checker fails on a too-wide custom role and on binding it at project level', async () => {
    const mod = await snippet(
      [
        'resource "google_project_iam_custom_role" "writer" {',
        '  role_id     = "w"',
        '  title       = "w"',
        '  permissions = ["dns.changes.create", "dns.managedZones.delete", "dns.resourceRecordSets.update"]',
        '}',
        'resource "google_project_iam_member" "writer" {',
        '  project = "p"',
        '  role    = google_project_iam_custom_role.writer.name',
        '  member  = "serviceAccount:x"',
        '}',
      ].join('\n'),
    );
    const v = checkGcpDnsGrants(mod).violations.join('\n');
    expect(v).toContain('permission dns.managedZones.delete is more than record-set read/write');
    expect(v).not.toContain('dns.resourceRecordSets.update is more');
    expect(v).toContain('google_project_iam_member.writer: ${google_project_iam_custom_role.writer.name} bound on a whole project');
  });
});
