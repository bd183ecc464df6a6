/**
 * Test fixture: the three emulators with the real adapters over them, and a
 * lookup against one provider's nameserver.
 */
import { Resolver } from 'node:dns/promises';
import { startEmulators, type RunningEmulators } from '../../src/emulators/index.js';
import { providersFromEndpoints } from '../../src/drills/emulator-endpoints.js';
import { closeProviders, createProviders } from '../../src/providers/index.js';
import type { CallPolicy, DnsProvider } from '../../src/providers/provider.js';

export interface EmulatorProviders {
  readonly emu: RunningEmulators;
  readonly providers: DnsProvider[];
  stop(): Promise<void>;
}

export async function emulatorProviders(policy: Partial<CallPolicy>): Promise<EmulatorProviders> {
  const emu = await startEmulators({ freePorts: true });
  const providers = createProviders(providersFromEndpoints(emu.endpoints()), { zone: emu.zone, policy });
  return {
    emu,
    providers,
    async stop() {
      await closeProviders(providers);
      await emu.stop();
    },
  };
}

/** The A records `name` has on one nameserver, sorted; [] when it has none or does not answer. */
export async function answerAt(server: { host: string; port: number }, name: string): Promise<string[]> {
  const r = new Resolver({ timeout: 500, tries: 1 });
  r.setServers([`${server.host}:${server.port}`]);
  return (await r.resolve4(name).catch(() => [] as string[])).sort();
}
