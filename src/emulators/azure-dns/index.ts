/** Azure DNS (ARM) emulator: the https API and zone seeding. */
export { startAzureDnsApi } from './server.js';
export type { AzureDnsApiOptions, RunningAzureDnsApi } from './server.js';
export { seedAzureZone, zoneResourceId, AZURE_NAME_SERVERS, AZURE_ZONE_DEFAULTS } from './zone-model.js';
export type { AzureZoneScope } from './zone-model.js';
export { SUPPORTED_API_VERSIONS } from './request-gate.js';
