/**
 * The operator's commands against a running controller's admin API:
 *   failover status                       what the controller sees and what each provider serves
 *   failover drain CLOUD --reason R       move every service off a cloud
 *   failover pin SERVICE TARGET --reason  serve one target of a service, while it is up
 *   failover pause SERVICE --reason       stop writing a service's records (hand edits are left alone)
 *   failover resume CLOUD|SERVICE         undo a drain, or a service's pin and pause
 * Each change goes into the controller's events and its audit log with the
 * reason and the operator (--operator, default the login name). After a change
 * the command waits (--wait seconds) until the answer has settled on every
 * provider's nameserver and prints it.
 */
import { userInfo } from 'node:os';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { ControllerStatus, ServiceStatus } from '../../controller/status.js';
import { CLOUDS } from '../../../src/config/schema.js';
import { DEFAULT_STATE_DIR } from '../../topology/demo-state.js';
import { PROVIDER_LABELS } from '../../../src/drills/topology-config.js';
import type { ProviderId } from '../../../src/providers/provider.js';
import { ADMIN_TOKEN_ENV, API_URL_ENV, ControllerRequestError, request, resolveConnection, type Connection } from '../controller-client.js';
import { EXIT } from '../exit-codes.js';
import { CommandInputError, runCommand } from './plan.js';

interface ConnectionFlags {
  url?: string;
  tokenFile?: string;
  stateDir: string;
}

interface ChangeFlags extends ConnectionFlags {
  reason?: string;
  operator?: string;
  wait: number;
  json?: boolean;
}

interface OverrideAnswer {
  readonly event: { readonly id: number; readonly at: number; readonly reason: string };
  readonly overrides: ControllerStatus['overrides'];
}

const CONNECTION_HELP = `
Which controller: --url, else ${API_URL_ENV}, else the running demo found in
<state-dir>/demo.json (default .failover), else http://127.0.0.1:4600.
Admin token (changes only): --token-file, else ${ADMIN_TOKEN_ENV}, else the demo's.`;

function seconds(text: string): number {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || n > 600) throw new InvalidArgumentError(`expected seconds from 0 to 600, got '${text}'`);
  return n;
}

function cloudArg(text: string): string {
  if (!(CLOUDS as readonly string[]).includes(text))
    throw new InvalidArgumentError(`expected a cloud: ${CLOUDS.join(', ')}; got '${text}'`);
  return text;
}

function connectionOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--url <url>', `the controller's API (default: ${API_URL_ENV}, the running demo, or http://127.0.0.1:4600)`))
    .addOption(new Option('--token-file <file>', `a file holding the admin token (default: ${ADMIN_TOKEN_ENV}, or the demo's)`))
    .option('--state-dir <dir>', "the running demo's state directory", DEFAULT_STATE_DIR);
}

function changeOptions(cmd: Command, reasonRequired: boolean): Command {
  const reason = new Option('--reason <text>', 'why: recorded in the event and the audit log');
  if (reasonRequired) reason.makeOptionMandatory();
  return connectionOptions(cmd)
    .addOption(reason)
    .addOption(new Option('--operator <name>', 'who asks, for the audit log (default: your login name)'))
    .addOption(
      new Option('--wait <seconds>', 'wait this long for the answer to settle on every nameserver (0: do not wait)')
        .argParser(seconds)
        .default(30),
    )
    .addOption(new Option('--json', 'print the controller status after the change as JSON'));
}

function operatorOf(flags: ChangeFlags): string {
  if (flags.operator !== undefined) return flags.operator;
  try {
    return userInfo().username || 'operator';
  } catch {
    return 'operator';
  }
}

const list = (xs: readonly string[]) => `[${xs.join(', ')}]`;
const clock = (at: number) => new Date(at).toISOString().slice(11, 19);

function providerLabel(id: string): string {
  return PROVIDER_LABELS[id as ProviderId] ?? id;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

/**
 * Every service was decided again since `since` (the change, on the
 * controller's clock), nothing is being written, no change waits for the dwell
 * time, and every provider whose nameserver is known answers the published answer.
 */
export function settled(status: ControllerStatus, since: number): boolean {
  return status.services.every((s) => {
    const d = s.decision;
    if (d === null || d.at === null || d.at < since || d.kind === 'change' || d.kind === 'hold') return false;
    if (s.pending !== null || s.published === null) return false;
    return Object.values(s.providers).every(
      (p) => p?.serving === null || p?.serving === undefined || (p.serving.ok && sameSet(p.serving.addresses, s.published!.addresses)),
    );
  });
}

/** One service in a few lines: its answer, the decision behind it and what each nameserver serves. */
export function describeService(s: ServiceStatus): string[] {
  const lines = [
    `${s.name} (${s.policy}): published ${s.published ? `${list(s.published.addresses)} at generation ${s.published.generation}` : 'nothing yet'}`,
  ];
  const d = s.decision;
  if (d !== null) {
    const held = d.heldUntil !== undefined ? ` (held by the dwell time until ${clock(d.heldUntil)})` : '';
    lines.push(`  decision: ${d.kind} ${list(d.addresses)}${held}: ${d.reason}`);
  }
  const o = s.overrides;
  const set = [
    ...(o.drainedClouds.length > 0 ? [`drained ${o.drainedClouds.join(', ')}`] : []),
    ...(o.pinnedTargetId !== null ? [`pinned to ${o.pinnedTargetId}`] : []),
    ...(o.paused ? ['paused'] : []),
  ];
  if (set.length > 0) lines.push(`  overrides: ${set.join('; ')}`);
  for (const [id, p] of Object.entries(s.providers)) {
    if (p === undefined) continue;
    const serving =
      p.serving === null
        ? 'no nameserver configured'
        : p.serving.ok
          ? `serves ${list(p.serving.addresses)}${s.published && sameSet(p.serving.addresses, s.published.addresses) ? '' : ' (differs from the published answer)'}`
          : `nameserver did not answer: ${p.serving.error}`;
    lines.push(`  ${providerLabel(id).padEnd(10)} ${serving}; ${p.sync}${p.sync === 'in-sync' ? '' : `: ${p.reason}`}`);
  }
  return lines;
}

export function describeStatus(status: ControllerStatus, url: string): string {
  const o = status.overrides;
  const pins = Object.entries(o.pins).map(([svc, t]) => `${svc} → ${t}`);
  const lines = [
    `Controller ${url}: zone ${status.zone.replace(/\.$/, '')}, owner ${status.owner}, ${status.phase}, generation ${status.generation}`,
    `Overrides: drained ${o.drainedClouds.length > 0 ? o.drainedClouds.join(', ') : 'none'}; pinned ${pins.length > 0 ? pins.join(', ') : 'none'}; paused ${o.paused.length > 0 ? o.paused.join(', ') : 'none'}`,
    '',
    'Targets:',
    ...status.targets.map((t) => {
      const vantages = t.vantages.map((v) => `${v.id} ${v.state}`).join(', ');
      return `  ${t.id.padEnd(8)} ${t.cloud.padEnd(6)} ${t.address.padEnd(15)} ${t.verdict.toUpperCase().padEnd(7)} since ${clock(t.verdictSince)} (${vantages})`;
    }),
    '',
    'Providers:',
    ...status.providers.map((p) => `  ${providerLabel(p.provider).padEnd(10)} ${p.sync}${p.sync === 'in-sync' ? '' : `: ${p.reason}`}`),
    '',
    'Services:',
    ...status.services.flatMap((s) => describeService(s).map((l) => `  ${l}`)),
  ];
  return lines.join('\n');
}

async function statusOf(conn: Connection): Promise<ControllerStatus> {
  return request<ControllerStatus>(conn, 'GET', '/status');
}

type WaitResult =
  | { readonly kind: 'settled'; readonly status: ControllerStatus }
  /** A change waits for the dwell time beyond the wait: it is decided, it just happens later. */
  | { readonly kind: 'held'; readonly status: ControllerStatus; readonly until: number }
  | { readonly kind: 'timeout'; readonly status: ControllerStatus };

/** Poll /status until the answer is settled on every nameserver twice in a row, or the time is up. */
async function waitSettled(conn: Connection, seconds: number, since: number): Promise<WaitResult> {
  const deadline = Date.now() + seconds * 1000;
  let streak = 0;
  for (;;) {
    const status = await statusOf(conn);
    streak = settled(status, since) ? streak + 1 : 0;
    if (streak >= 2) return { kind: 'settled', status };
    const holds = status.services.flatMap((s) => (s.decision?.heldUntil !== undefined ? [s.decision.heldUntil] : []));
    const until = Math.max(...holds);
    if (holds.length > 0 && until > deadline) return { kind: 'held', status, until };
    if (Date.now() >= deadline) return { kind: 'timeout', status };
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function change(
  name: string,
  flags: ChangeFlags,
  calls: (conn: Connection, who: { reason?: string; operator: string }) => Promise<OverrideAnswer[]>,
): Promise<number> {
  const conn = await resolveConnection(flags);
  const who = { ...(flags.reason !== undefined ? { reason: flags.reason } : {}), operator: operatorOf(flags) };
  const answers = await calls(conn, who);
  const out = process.stdout;
  if (!flags.json) for (const a of answers) out.write(`${a.event.reason} (event ${a.event.id}, by ${who.operator})\n`);
  if (flags.wait === 0) {
    if (flags.json) out.write(`${JSON.stringify(await statusOf(conn), null, 2)}\n`);
    return EXIT.ok;
  }
  const waited = await waitSettled(conn, flags.wait, Math.max(...answers.map((a) => a.event.at)));
  if (flags.json) {
    out.write(`${JSON.stringify(waited.status, null, 2)}\n`);
  } else {
    out.write(
      waited.kind === 'settled'
        ? 'Every nameserver serves the published answer:\n'
        : waited.kind === 'held'
          ? `The change waits for the dwell time (routing.dwellMs) until ${clock(waited.until)}; as it stands:\n`
          : `Not settled after ${flags.wait} s; as it stands:\n`,
    );
    for (const s of waited.status.services) out.write(`${describeService(s).join('\n')}\n`);
  }
  if (waited.kind === 'timeout')
    process.stderr.write(`failover ${name}: the change is recorded, but the answer had not settled after ${flags.wait} s\n`);
  return waited.kind === 'timeout' ? EXIT.failure : EXIT.ok;
}

/** Runs an operator command: controller errors exit 1 with their message, bad input 2 (runCommand). */
async function operate(name: string, body: () => Promise<number>): Promise<void> {
  await runCommand(name, async () => {
    try {
      return await body();
    } catch (err) {
      if (err instanceof ControllerRequestError) {
        process.stderr.write(`failover ${name}: ${err.message}\n`);
        return EXIT.failure;
      }
      throw err;
    }
  });
}

function servicesAndClouds(status: ControllerStatus): string {
  return `clouds ${CLOUDS.join(', ')}; services ${status.services.map((s) => s.name).join(', ')}`;
}

export function registerOperate(program: Command): void {
  connectionOptions(
    program
      .command('status')
      .description("a running controller's view: targets, providers, and what each nameserver serves")
      .addOption(new Option('--json', 'print /status as JSON')),
  )
    .addHelpText('after', `${CONNECTION_HELP}\n\nExamples:\n  failover status\n  failover status --url http://10.0.0.5:4600 --json`)
    .action(async (flags: ConnectionFlags & { json?: boolean }) => {
      await operate('status', async () => {
        const conn = await resolveConnection(flags);
        const status = await statusOf(conn);
        process.stdout.write(`${flags.json ? JSON.stringify(status, null, 2) : describeStatus(status, conn.url)}\n`);
        return EXIT.ok;
      });
    });

  changeOptions(
    program
      .command('drain')
      .description('move every service off a cloud (urgent: no dwell), until `failover resume CLOUD`')
      .argument('<cloud>', CLOUDS.join(' | '), cloudArg),
    true,
  )
    .addHelpText(
      'after',
      `
A drained cloud's targets are left out of every answer while another usable target
exists; if none is left the drain is set aside (never an empty answer) and the
decision says so.
${CONNECTION_HELP}

Examples:
  failover drain aws --reason "maintenance in us-east-1"
  failover resume aws --reason "maintenance done"`,
    )
    .action(async (cloud: string, flags: ChangeFlags) => {
      await operate('drain', () =>
        change('drain', flags, async (conn, who) => [await request<OverrideAnswer>(conn, 'POST', '/overrides/drain', { cloud, ...who })]),
      );
    });

  changeOptions(
    program
      .command('pin')
      .description('serve one target of a service while it is up (a pin on a down target is ignored), until `failover resume SERVICE`')
      .argument('<service>', 'the service name, e.g. app.example.test')
      .argument('<target>', "one of the service's target ids (see failover status)"),
    true,
  )
    .addHelpText('after', `${CONNECTION_HELP}\n\nExamples:\n  failover pin app.example.test azure --reason "load test on AWS"`)
    .action(async (service: string, target: string, flags: ChangeFlags) => {
      await operate('pin', () =>
        change('pin', flags, async (conn, who) => [
          await request<OverrideAnswer>(conn, 'POST', '/overrides/pin', { service, target, ...who }),
        ]),
      );
    });

  changeOptions(
    program
      .command('pause')
      .description("stop writing a service's records (drift is reported, not repaired), until `failover resume SERVICE`")
      .argument('<service>', 'the service name, e.g. app.example.test'),
    true,
  )
    .addHelpText('after', `${CONNECTION_HELP}\n\nExamples:\n  failover pause app.example.test --reason "editing the record by hand"`)
    .action(async (service: string, flags: ChangeFlags) => {
      await operate('pause', () =>
        change('pause', flags, async (conn, who) => [await request<OverrideAnswer>(conn, 'POST', '/overrides/pause', { service, ...who })]),
      );
    });

  changeOptions(
    program
      .command('resume')
      .description("undo an override: a cloud's drain, or a service's pin and pause")
      .argument('<cloud-or-service>', `${CLOUDS.join(' | ')} (undrain), or a service name (unpin and unpause)`),
    false,
  )
    .addHelpText(
      'after',
      `
The controller moves back to a preferred target only once the dwell time since the
last change has passed (routing.dwellMs); the command waits for that too, within --wait.
${CONNECTION_HELP}

Examples:
  failover resume aws --reason "maintenance done"
  failover resume app.example.test`,
    )
    .action(async (what: string, flags: ChangeFlags) => {
      await operate('resume', () =>
        change('resume', flags, async (conn, who) => {
          if ((CLOUDS as readonly string[]).includes(what))
            return [await request<OverrideAnswer>(conn, 'DELETE', '/overrides/drain', { cloud: what, ...who })];
          const status = await statusOf(conn);
          const service = status.services.find((s) => s.name.toLowerCase().replace(/\.$/, '') === what.toLowerCase().replace(/\.$/, ''));
          if (service === undefined)
            throw new CommandInputError(
              `'${what}' is neither a cloud nor a service of this controller; expected one of: ${servicesAndClouds(status)}`,
            );
          const answers: OverrideAnswer[] = [];
          if (service.overrides.pinnedTargetId !== null)
            answers.push(await request<OverrideAnswer>(conn, 'DELETE', '/overrides/pin', { service: service.name, ...who }));
          if (service.overrides.paused || answers.length === 0)
            answers.push(await request<OverrideAnswer>(conn, 'DELETE', '/overrides/pause', { service: service.name, ...who }));
          return answers;
        }),
      );
    });
}
