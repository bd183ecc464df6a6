/** An emulator's injected faults in words, for the live view, drill logs and the dashboard. */
import type { FaultSettings } from '../../src/emulators/core/faults.js';

export function describeFaults(f: FaultSettings): string {
  const parts = [
    f.apiDown && 'api down',
    f.dnsDown && 'dns down',
    f.throttle !== 'off' && `throttle ${f.throttle}`,
    f.errorRate > 0 && `errors ${Math.round(f.errorRate * 100)}%`,
    f.latencyMs > 0 && `+${f.latencyMs} ms`,
  ].filter((p): p is string => typeof p === 'string');
  return parts.length > 0 ? ` [${parts.join(', ')}]` : '';
}

/** Faults as words, e.g. `api down`, `throttle 50, 10/s`; empty when none. */
export function faultList(f: FaultSettings): string[] {
  const text = describeFaults(f);
  return text === '' ? [] : text.replace(/^ \[|\]$/g, '').split(', ');
}
