/**
 * The Compute health checks the Cloud DNS emulator holds, by project and name.
 * Emits `change` on every write so the health engine re-reads what to probe.
 */
import { EventEmitter } from 'node:events';
import type { HealthCheckRef } from '../routing/policy-model.js';
import type { HealthCheckResource } from './health-check.js';

export class HealthCheckRegistry extends EventEmitter<{ change: [] }> {
  private readonly checks = new Map<string, HealthCheckResource>();
  private nextId = 1n;

  private static key(ref: HealthCheckRef): string {
    return `${ref.project}/${ref.name}`;
  }

  get(ref: HealthCheckRef): HealthCheckResource | undefined {
    return this.checks.get(HealthCheckRegistry.key(ref));
  }

  list(project: string): HealthCheckResource[] {
    return [...this.checks.entries()]
      .filter(([k]) => k.startsWith(`${project}/`))
      .map(([, v]) => v)
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** A 19-digit id, as Compute's uint64 ids look. */
  newId(): string {
    const id = 4_000_000_000_000_000_000n + this.nextId;
    this.nextId += 1n;
    return id.toString();
  }

  put(project: string, resource: HealthCheckResource): void {
    this.checks.set(HealthCheckRegistry.key({ project, name: resource.name }), resource);
    this.emit('change');
  }

  delete(ref: HealthCheckRef): boolean {
    const ok = this.checks.delete(HealthCheckRegistry.key(ref));
    if (ok) this.emit('change');
    return ok;
  }
}
