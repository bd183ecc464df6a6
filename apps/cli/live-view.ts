/**
 * The demo's terminal view, as pure functions: a snapshot in, text out, so
 * every width has a test (test/unit/live-view.test.ts).
 *
 * - liveLine(): one line that fits the terminal. What hurts clients comes
 *   first (errors by kind, empty answers), then what each provider's
 *   nameserver answers, the controller's verdict per cloud, and answers per
 *   cloud. When the line is too long, the later parts shorten, then go; the
 *   errors never do.
 * - eventLine(): one line per notable controller event, naming the DNS
 *   provider and the cloud it is about, with one time format (local
 *   HH:MM:SS) — timestamps inside the controller's reasons included.
 */
import type { ControllerEvent } from '../../src/observability/events.js';

export interface LiveDns {
  readonly provider: string;
  /** `.12`, `EMPTY`, `timeout`, `SERVFAIL`, `?` */
  readonly answer: string;
  /** Injected faults, e.g. `api down`; empty when none. */
  readonly faults: readonly string[];
}

export interface LiveTarget {
  readonly cloud: string;
  readonly verdict: string;
  /** The cloud's chaos mode; `healthy` when none. */
  readonly chaos: string;
}

export interface LiveTraffic {
  readonly ratePerSecond: number;
  readonly perCloud: Readonly<Record<string, number>>;
  readonly errors: number;
  readonly errorsByKind: Readonly<Record<string, number>>;
  readonly emptyAnswers: number;
}

export interface LiveView {
  readonly dns: readonly LiveDns[];
  readonly targets: readonly LiveTarget[];
  /** Absent when the demo runs without traffic. */
  readonly traffic?: LiveTraffic;
}

const SHORT_PROVIDER: Readonly<Record<string, string>> = { route53: 'r53', azure: 'azdns', clouddns: 'cdns' };
const SHORT_CLOUD: Readonly<Record<string, string>> = { aws: 'aws', azure: 'az', gcp: 'gcp' };
const SHORT_ERROR = (kind: string) => kind.replace(/^connect-/, '').replace(/^dns-/, 'dns ');

/** A part of the line: its forms from longest to shortest. */
type Part = readonly string[];

function problemsPart(v: LiveView): Part {
  const t = v.traffic;
  if (t === undefined) return ['no traffic'];
  const kinds = Object.entries(t.errorsByKind).sort(([, a], [, b]) => b - a);
  const full = kinds.map(([k, n]) => `${k} ${n}`).join(', ');
  const short = kinds
    .slice(0, 2)
    .map(([k, n]) => `${SHORT_ERROR(k)} ${n}`)
    .join(', ');
  const more = kinds.length > 2 ? ', …' : '';
  return [
    `errors ${t.errors}${full ? ` (${full})` : ''}  empty ${t.emptyAnswers}`,
    `err ${t.errors}${short ? ` (${short}${more})` : ''} empty ${t.emptyAnswers}`,
    `err ${t.errors} empty ${t.emptyAnswers}`,
  ];
}

function dnsPart(v: LiveView): Part {
  const f = (d: LiveDns) => (d.faults.length ? ` [${d.faults.join(', ')}]` : '');
  return [
    `DNS ${v.dns.map((d) => `${d.provider} ${d.answer}${f(d)}`).join('  ')}`,
    `DNS ${v.dns.map((d) => `${SHORT_PROVIDER[d.provider] ?? d.provider} ${d.answer}${f(d)}`).join(' ')}`,
    `DNS ${v.dns.map((d) => `${SHORT_PROVIDER[d.provider] ?? d.provider} ${d.answer}${d.faults.length ? '!' : ''}`).join(' ')}`,
  ];
}

function targetsPart(v: LiveView): Part {
  const chaos = (t: LiveTarget) => (t.chaos === 'healthy' ? '' : ` [${t.chaos}]`);
  return [
    v.targets.map((t) => `${t.cloud} ${t.verdict}${chaos(t)}`).join('  '),
    v.targets.map((t) => `${SHORT_CLOUD[t.cloud] ?? t.cloud} ${t.verdict}${chaos(t)}`).join(' '),
    v.targets.map((t) => `${SHORT_CLOUD[t.cloud] ?? t.cloud} ${t.verdict}${t.chaos === 'healthy' ? '' : '!'}`).join(' '),
  ];
}

function trafficPart(v: LiveView): Part {
  const t = v.traffic;
  if (t === undefined) return [];
  const clouds = Object.entries(t.perCloud);
  return [
    `traffic ${t.ratePerSecond}/s  ${clouds.map(([c, n]) => `${c} ${n}`).join('  ')}`,
    `ok ${clouds.map(([c, n]) => `${SHORT_CLOUD[c] ?? c} ${n}`).join(' ')}`,
  ];
}

const SEPARATOR = ' | ';

/**
 * How the line gets shorter, step by step, until it fits: shorter words for
 * the later parts, then shorter errors, then the later parts go. Part indexes:
 * 0 problems, 1 DNS, 2 verdicts, 3 traffic; a step is [part, form] or [part, 'drop'].
 */
const STEPS: readonly (readonly [number, number | 'drop'])[] = [
  [3, 1],
  [2, 1],
  [1, 1],
  [0, 1],
  [2, 2],
  [1, 2],
  [3, 'drop'],
  [0, 2],
  [2, 'drop'],
  [1, 'drop'],
];

/** The live line, at most `width` characters (Infinity: the full form, for logs and pipes). */
export function liveLine(v: LiveView, width = Infinity): string {
  const parts: (Part | undefined)[] = [problemsPart(v), dnsPart(v), targetsPart(v), trafficPart(v)];
  const form = [0, 0, 0, 0];
  const dropped = new Set<number>();
  const text = () =>
    parts
      .map((p, i) => (p === undefined || p.length === 0 || dropped.has(i) ? undefined : p[Math.min(form[i] as number, p.length - 1)]))
      .filter((x): x is string => x !== undefined)
      .join(SEPARATOR);
  let line = text();
  for (const [part, step] of STEPS) {
    if (line.length <= width) return line;
    if (step === 'drop') dropped.add(part);
    else form[part] = step;
    line = text();
  }
  if (line.length <= width) return line;
  return width >= 1 ? `${line.slice(0, Math.max(0, width - 1))}…` : '';
}

// ---- event lines -------------------------------------------------------------

/** Names for the event lines: which cloud a target or address is in. */
export interface EventNames {
  cloudOfTarget(targetId: string): string | undefined;
  cloudOfAddress(address: string): string | undefined;
}

const CLOUD_LABELS: Readonly<Record<string, string>> = { aws: 'AWS', azure: 'Azure', gcp: 'Google Cloud' };
const PROVIDER_LABELS: Readonly<Record<string, string>> = { route53: 'Route 53', azure: 'Azure DNS', clouddns: 'Cloud DNS' };
/** The cloud each DNS provider is part of. */
const PROVIDER_CLOUD: Readonly<Record<string, string>> = { route53: 'aws', azure: 'azure', clouddns: 'gcp' };

/** The one time format of the terminal: local HH:MM:SS. */
export function clock(at: number): string {
  return new Date(at).toTimeString().slice(0, 8);
}

/** ISO 8601 timestamps in a reason, in the terminal's time format. */
function clockText(text: string): string {
  return text.replace(/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z\b/g, (iso) => clock(Date.parse(iso)));
}

const cloudLabel = (cloud: string | undefined) => (cloud === undefined ? 'unknown cloud' : (CLOUD_LABELS[cloud] ?? cloud));
export const providerLabel = (p: string) => `${PROVIDER_LABELS[p] ?? p} (${cloudLabel(PROVIDER_CLOUD[p])})`;

function answer(addresses: readonly string[], names: EventNames): string {
  return `[${addresses.map((a) => `${a} ${names.cloudOfAddress(a) ?? '?'}`).join(', ')}]`;
}

/** The controller's events worth a line in the demo: verdicts, publishes, alerts, operator actions. */
export function eventLine(e: ControllerEvent, names: EventNames): string | undefined {
  const at = clock(e.at);
  const reason = clockText(e.reason);
  switch (e.type) {
    case 'verdict':
      return `${at}  ${cloudLabel(names.cloudOfTarget(e.targetId))}: ${e.targetId} ${e.before} → ${e.after}: ${reason}`;
    case 'write': {
      const providers = e.providers
        .map((p) => `${providerLabel(p.provider)} ${p.result}${p.latencyMs !== undefined ? ` ${p.latencyMs} ms` : ''}`)
        .join(', ');
      return `${at}  publish gen ${e.generation} ${answer(e.before, names)} → ${answer(e.after, names)} ${e.status}: ${providers || 'no provider'}`;
    }
    case 'provider-sync':
      return `${at}  ${providerLabel(e.provider)}: ${e.before} → ${e.after}${e.service ? ` for ${e.service}` : ''}: ${reason}`;
    case 'drift':
      return `${at}  ${providerLabel(e.provider)}: drift ${e.repaired ? 'repaired' : 'found'}${e.name ? ` at ${e.name}` : ''}: ${reason}`;
    case 'conflict':
      return `${at}  ${e.provider ? providerLabel(e.provider) : 'every provider'}: ${e.kind} conflict, gen ${e.generation}: ${reason}`;
    case 'fail-open':
      return `${at}  ${e.service}: fail-open ${e.active ? 'began' : 'ended'}, keeping ${answer(e.addresses, names)}: ${reason}`;
    case 'override': {
      const about = e.cloud
        ? cloudLabel(e.cloud)
        : `${e.service ?? 'every service'}${e.targetId ? ` → ${e.targetId} (${cloudLabel(names.cloudOfTarget(e.targetId))})` : ''}`;
      return `${at}  ${about}: ${e.action} by ${e.operator}: ${reason}`;
    }
    default:
      return undefined;
  }
}
