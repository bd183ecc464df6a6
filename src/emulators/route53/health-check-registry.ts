/** The Route 53 emulator's health checks, kept beside the zones in its context. */
import type { HealthCheckSettings } from './health-check-config.js';

export interface HealthCheck {
  readonly id: string;
  readonly callerReference: string;
  settings: HealthCheckSettings;
  version: number;
  /** Cost-allocation tags (ChangeTagsForResource with type healthcheck). */
  readonly tags: Map<string, string>;
}

/** Health checks by id, in creation order, and every CallerReference ever used (deleted checks' too). */
export interface HealthCheckRegistry {
  readonly byId: Map<string, HealthCheck>;
  readonly callerReferences: Map<string, string | undefined>;
}

export const newHealthCheckRegistry = (): HealthCheckRegistry => ({ byId: new Map(), callerReferences: new Map() });
