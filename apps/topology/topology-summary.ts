/**
 * One line that says how the local topology is doing, for the demo's live
 * display and drill logs:
 *
 *   DNS route53 .11  azure .11  clouddns .11 | aws up  azure up  gcp up | traffic 20/s  aws 120  azure 0  gcp 0  errors 0  empty 0
 *
 * - DNS: what each provider's nameserver answers for the service now (the
 *   poller's latest answer; `EMPTY` is the incident, `timeout` a dead
 *   nameserver), with the provider's injected faults in brackets;
 * - the controller's verdict per target, with the cloud's chaos mode in brackets;
 * - the traffic generator's summary(): answers per cloud and errors by kind.
 */
import type { AnswerSpan } from '../../src/drills/answer-history.js';
import { TOPOLOGY_CLOUDS, TOPOLOGY_PROVIDERS } from '../../src/drills/topology-config.js';
import { describeFaults, faultList } from './fault-words.js';
import type { Topology } from './topology.js';

export { describeFaults, faultList } from './fault-words.js';

/** 127.0.0.11 → .11: the clouds all live in 127.0.0.0/24, the last octet tells them apart. */
function shortAddress(address: string): string {
  return address.startsWith('127.0.0.') ? address.slice('127.0.0'.length) : address;
}

export function describeAnswer(span: AnswerSpan | undefined): string {
  if (span === undefined) return '?';
  switch (span.outcome) {
    case 'answer':
      return span.addresses.map(shortAddress).join(',');
    case 'empty':
      return 'EMPTY';
    case 'timeout':
      return 'timeout';
    case 'error':
      return span.rcode ?? 'error';
  }
}

/** What the demo's live view shows, as data (apps/cli/live-view.ts formats it for a width). */
export interface TopologyView {
  readonly dns: readonly { readonly provider: string; readonly answer: string; readonly faults: readonly string[] }[];
  readonly targets: readonly { readonly cloud: string; readonly verdict: string; readonly chaos: string }[];
  readonly traffic?: {
    readonly ratePerSecond: number;
    readonly perCloud: Readonly<Record<string, number>>;
    readonly errors: number;
    readonly errorsByKind: Readonly<Record<string, number>>;
    readonly emptyAnswers: number;
  };
}

export function topologyView(t: Topology): TopologyView {
  const verdicts = new Map(t.controller.monitorSnapshot().targets.map((s) => [s.targetId, s.verdict]));
  const stats = t.traffic?.stats();
  return {
    dns: TOPOLOGY_PROVIDERS.map((p) => ({
      provider: p,
      answer: describeAnswer(t.poller.latest(p)),
      faults: faultList(t.emulators[p].faults.settings),
    })),
    targets: TOPOLOGY_CLOUDS.map((c) => ({ cloud: c, verdict: verdicts.get(c) ?? '?', chaos: t.clouds[c].service.chaos.mode })),
    ...(stats
      ? {
          traffic: {
            ratePerSecond: stats.ratePerSecond,
            perCloud: stats.perCloud,
            errors: stats.errorCount,
            errorsByKind: stats.errors as Record<string, number>,
            emptyAnswers: stats.emptyAnswers,
          },
        }
      : {}),
  };
}

export function summaryLine(t: Topology): string {
  const dns = TOPOLOGY_PROVIDERS.map(
    (p) => `${p} ${describeAnswer(t.poller.latest(p))}${describeFaults(t.emulators[p].faults.settings)}`,
  ).join('  ');
  const verdicts = new Map(t.controller.monitorSnapshot().targets.map((s) => [s.targetId, s.verdict]));
  const targets = TOPOLOGY_CLOUDS.map((c) => {
    const mode = t.clouds[c].service.chaos.mode;
    return `${c} ${verdicts.get(c) ?? '?'}${mode === 'healthy' ? '' : ` [${mode}]`}`;
  }).join('  ');
  return `DNS ${dns} | ${targets} | ${t.traffic ? t.traffic.summary() : 'no traffic'}`;
}
