/** Google Cloud DNS emulator: JSON REST v1 for the official `@google-cloud/dns` client. */
export { startCloudDnsApi, type CloudDnsApiOptions, type RunningCloudDnsApi } from './server.js';
export { HealthEngine, type EngineSettings, type TargetView } from './health/engine.js';
export { seedCloudDnsZone, type CloudDnsSeed } from './seed.js';
export { CLOUD_DNS_LIMITS } from './limits.js';
export { GoogleApiError, type GoogleErrorBody, type GoogleErrorReason } from './google-error.js';
