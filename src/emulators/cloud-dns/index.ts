/** Google Cloud DNS emulator: JSON REST v1 for the official `@google-cloud/dns` client. */
export { startCloudDnsApi, type CloudDnsApiOptions } from './server.js';
export { seedCloudDnsZone, type CloudDnsSeed } from './seed.js';
export { CLOUD_DNS_LIMITS } from './limits.js';
export { GoogleApiError, type GoogleErrorBody, type GoogleErrorReason } from './google-error.js';
