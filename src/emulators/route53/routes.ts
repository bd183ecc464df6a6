/** The Route 53 REST paths this emulator serves, each with its API action name. */
export type { Route } from './context.js';
import type { Route } from './context.js';
import { getChange } from './get-change.js';
import {
  createHostedZone,
  deleteHostedZone,
  getHostedZone,
  getHostedZoneCount,
  listHostedZones,
  listHostedZonesByName,
  updateHostedZoneComment,
} from './hosted-zones.js';
import {
  createHealthCheck,
  deleteHealthCheck,
  getHealthCheck,
  getHealthCheckCount,
  getHealthCheckLastFailureReason,
  getHealthCheckStatus,
  listHealthChecks,
  updateHealthCheck,
} from './health-checks.js';
import { NOT_EMULATED_ROUTES } from './not-emulated.js';
import { changeResourceRecordSets, listResourceRecordSets } from './record-sets.js';
import { changeTagsForResource, listTagsForResource, listTagsForResources } from './tags.js';

export const ROUTES: readonly Route[] = [
  { method: 'post', path: '/2013-04-01/hostedzone', operation: 'CreateHostedZone', handler: createHostedZone },
  { method: 'get', path: '/2013-04-01/hostedzone', operation: 'ListHostedZones', handler: listHostedZones },
  { method: 'get', path: '/2013-04-01/hostedzonesbyname', operation: 'ListHostedZonesByName', handler: listHostedZonesByName },
  { method: 'get', path: '/2013-04-01/hostedzonecount', operation: 'GetHostedZoneCount', handler: getHostedZoneCount },
  { method: 'get', path: '/2013-04-01/hostedzone/:id', operation: 'GetHostedZone', handler: getHostedZone },
  { method: 'delete', path: '/2013-04-01/hostedzone/:id', operation: 'DeleteHostedZone', handler: deleteHostedZone },
  { method: 'get', path: '/2013-04-01/hostedzone/:id/rrset', operation: 'ListResourceRecordSets', handler: listResourceRecordSets },
  { method: 'post', path: '/2013-04-01/hostedzone/:id/rrset', operation: 'ChangeResourceRecordSets', handler: changeResourceRecordSets },
  { method: 'post', path: '/2013-04-01/hostedzone/:id', operation: 'UpdateHostedZoneComment', handler: updateHostedZoneComment },
  { method: 'get', path: '/2013-04-01/change/:id', operation: 'GetChange', handler: getChange },
  { method: 'get', path: '/2013-04-01/tags/:type/:id', operation: 'ListTagsForResource', handler: listTagsForResource },
  { method: 'post', path: '/2013-04-01/tags/:type/:id', operation: 'ChangeTagsForResource', handler: changeTagsForResource },
  { method: 'post', path: '/2013-04-01/tags/:type', operation: 'ListTagsForResources', handler: listTagsForResources },
  { method: 'post', path: '/2013-04-01/healthcheck', operation: 'CreateHealthCheck', handler: createHealthCheck },
  { method: 'get', path: '/2013-04-01/healthcheck', operation: 'ListHealthChecks', handler: listHealthChecks },
  { method: 'get', path: '/2013-04-01/healthcheckcount', operation: 'GetHealthCheckCount', handler: getHealthCheckCount },
  { method: 'get', path: '/2013-04-01/healthcheck/:id', operation: 'GetHealthCheck', handler: getHealthCheck },
  { method: 'post', path: '/2013-04-01/healthcheck/:id', operation: 'UpdateHealthCheck', handler: updateHealthCheck },
  { method: 'delete', path: '/2013-04-01/healthcheck/:id', operation: 'DeleteHealthCheck', handler: deleteHealthCheck },
  { method: 'get', path: '/2013-04-01/healthcheck/:id/status', operation: 'GetHealthCheckStatus', handler: getHealthCheckStatus },
  {
    method: 'get',
    path: '/2013-04-01/healthcheck/:id/lastfailurereason',
    operation: 'GetHealthCheckLastFailureReason',
    handler: getHealthCheckLastFailureReason,
  },
  ...NOT_EMULATED_ROUTES,
];
