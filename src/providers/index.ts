/**
 * The configured providers as adapters, always in the order Route 53, Azure
 * DNS, Cloud DNS. Each adapter talks to its own cloud only; none depends on
 * another's control plane (I5).
 */
import type { ProvidersConfig } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import { createAzureDnsProvider } from './azure-dns.js';
import { createCloudDnsProvider } from './cloud-dns.js';
import type { CallPolicy, DnsProvider } from './provider.js';
import { createRoute53Provider } from './route53.js';

export type { DnsProvider } from './provider.js';

export interface CreateProvidersOptions {
  /** The managed zone, e.g. `example.test`. */
  readonly zone: string;
  readonly policy?: Partial<CallPolicy>;
  readonly log?: Logger;
}

/** Throws ConfigError (naming the field) when a provider's settings cannot work; then nothing is left open. */
export function createProviders(config: ProvidersConfig, options: CreateProvidersOptions): DnsProvider[] {
  const adapter = {
    zone: options.zone,
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.log ? { log: options.log } : {}),
  };
  const made: DnsProvider[] = [];
  try {
    if (config.route53) made.push(createRoute53Provider(config.route53, adapter));
    if (config.azure) made.push(createAzureDnsProvider(config.azure, adapter));
    if (config.clouddns) made.push(createCloudDnsProvider(config.clouddns, adapter));
  } catch (err) {
    void closeProviders(made);
    throw err;
  }
  return made;
}

/** Close every adapter; one failing to close does not keep the others open. */
export async function closeProviders(providers: readonly DnsProvider[]): Promise<void> {
  await Promise.allSettled(providers.map((p) => p.close()));
}
