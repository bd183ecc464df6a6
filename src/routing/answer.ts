/**
 * The routing vocabulary: the service and targets as routing sees them, and a DNS
 * answer (addresses plus the targets they came from). Addresses are compared in
 * the record model's canonical form, so `2001:DB8::1` and `2001:db8::1` are one.
 */
import type { ServiceConfig, TargetConfig } from '../config/schema.js';
import { canonicalValue } from '../dns/record.js';

/** A cloud a target runs in (`aws`, `azure`, `gcp`). */
export type Cloud = TargetConfig['cloud'];

/** The parts of a configured target that routing reads. */
export type RoutedTarget = Pick<TargetConfig, 'id' | 'cloud' | 'address' | 'priority'>;

/** The parts of a configured service that routing reads; targets are in config order. */
export interface RoutedService {
  readonly name: ServiceConfig['name'];
  readonly type: ServiceConfig['type'];
  readonly policy: ServiceConfig['policy'];
  readonly targets: readonly RoutedTarget[];
}

/** A DNS answer: canonical addresses and the ids of the targets behind them. */
export interface Answer {
  readonly addresses: readonly string[];
  readonly targetIds: readonly string[];
}

/** What DNS serves for the service now: its addresses, when they last changed, and the plan generation that wrote them. */
export interface PublishedAnswer {
  readonly addresses: readonly string[];
  readonly changedAt: number;
  readonly generation: number;
}

function canonical(service: RoutedService, address: string): string {
  return canonicalValue(service.type, address);
}

/** The answer that serves exactly these targets, in the given order, without duplicate addresses. */
export function answerOf(service: RoutedService, targets: readonly RoutedTarget[]): Answer {
  const addresses = [...new Set(targets.map((t) => canonical(service, t.address)))];
  return { addresses, targetIds: targets.map((t) => t.id) };
}

/** Read a published address list back as an answer; addresses no target owns (hand edits, removed targets) are kept. */
export function answerFromAddresses(service: RoutedService, addresses: readonly string[]): Answer {
  const live = new Set(addresses.map((a) => canonical(service, a)));
  return {
    addresses: [...live],
    targetIds: service.targets.filter((t) => live.has(canonical(service, t.address))).map((t) => t.id),
  };
}

/** Same set of addresses, order and spelling aside (DNS record sets are unordered). */
export function sameAddresses(service: RoutedService, a: readonly string[], b: readonly string[]): boolean {
  const x = new Set(a.map((v) => canonical(service, v)));
  const y = new Set(b.map((v) => canonical(service, v)));
  return x.size === y.size && [...x].every((v) => y.has(v));
}
