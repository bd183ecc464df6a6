/**
 * The `providers` section for the local emulators, from the endpoints file that
 * `failover emulators --endpoints-file` writes: the one place that maps it, for
 * the CLI, the local topology, the race drill and the test harnesses. Only
 * endpoints and credentials differ from production. It lives on the drills side,
 * not in src/providers, so that no production module depends on the emulators.
 */
import type { ProvidersConfig } from '../config/schema.js';
import type { EndpointsFile } from '../emulators/endpoints.js';

export function providersFromEndpoints(e: EndpointsFile): ProvidersConfig {
  return {
    route53: {
      hostedZoneId: e.route53.hostedZoneId,
      region: e.route53.region,
      endpoint: e.route53.endpoint,
      credentials: { accessKeyId: e.route53.accessKeyId, secretAccessKey: e.route53.secretAccessKey },
      dns: e.route53.dns,
    },
    azure: {
      subscriptionId: e.azure.subscriptionId,
      resourceGroup: e.azure.resourceGroup,
      zoneName: e.azure.zoneName,
      endpoint: e.azure.endpoint,
      caCertPath: e.azure.caCertPath,
      token: e.azure.token,
      dns: e.azure.dns,
    },
    clouddns: {
      projectId: e.clouddns.projectId,
      managedZone: e.clouddns.managedZone,
      endpoint: e.clouddns.endpoint,
      token: e.clouddns.token,
      dns: e.clouddns.dns,
    },
  };
}
