/** The sample service's programmatic API, for the CLI, the local demo and the drills. */
export { startSampleService, type SampleService, type SampleServiceDeps, type StopOptions } from './server.js';
export { CHAOS_MODES, type ChaosMode, type ChaosState } from './chaos.js';
export { parseServiceConfig, serviceConfigSchema, type ServiceConfig, type ServiceConfigInput } from './config.js';
export { loadServiceConfig, SETTINGS, type ServiceConfigSources } from './config-sources.js';
export { dnsServerResolver, systemResolver, type AddressResolver } from './resolver.js';
export type { ReadinessResult } from './readiness.js';
