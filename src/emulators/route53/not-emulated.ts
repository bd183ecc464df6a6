/**
 * Every operation of the Route 53 API (botocore's route53 2013-04-01 model, as
 * the current @aws-sdk/client-route-53 sends it) that this emulator does not
 * serve, grouped by the feature it belongs to. Each answers NotImplemented in
 * Route 53's error envelope, naming the feature, so a client learns at once
 * what is missing instead of seeing an unknown route.
 */
import type { Route } from './context.js';
import { notEmulated } from './errors.js';

type Method = Route['method'];

/** Feature → its operations as [method, path, operation]. */
const NOT_EMULATED: Record<string, ReadonlyArray<readonly [Method, string, string]>> = {
  'health-check checker IP ranges': [['get', '/2013-04-01/checkeripranges', 'GetCheckerIpRanges']],
  'reusable delegation sets': [
    ['post', '/2013-04-01/delegationset', 'CreateReusableDelegationSet'],
    ['get', '/2013-04-01/delegationset', 'ListReusableDelegationSets'],
    ['get', '/2013-04-01/delegationset/:id', 'GetReusableDelegationSet'],
    ['delete', '/2013-04-01/delegationset/:id', 'DeleteReusableDelegationSet'],
    ['get', '/2013-04-01/reusabledelegationsetlimit/:id/:type', 'GetReusableDelegationSetLimit'],
  ],
  'traffic policies': [
    ['post', '/2013-04-01/trafficpolicy', 'CreateTrafficPolicy'],
    ['post', '/2013-04-01/trafficpolicy/:id', 'CreateTrafficPolicyVersion'],
    ['get', '/2013-04-01/trafficpolicy/:id/:version', 'GetTrafficPolicy'],
    ['post', '/2013-04-01/trafficpolicy/:id/:version', 'UpdateTrafficPolicyComment'],
    ['delete', '/2013-04-01/trafficpolicy/:id/:version', 'DeleteTrafficPolicy'],
    ['get', '/2013-04-01/trafficpolicies', 'ListTrafficPolicies'],
    ['get', '/2013-04-01/trafficpolicies/:id/versions', 'ListTrafficPolicyVersions'],
    ['post', '/2013-04-01/trafficpolicyinstance', 'CreateTrafficPolicyInstance'],
    ['get', '/2013-04-01/trafficpolicyinstance/:id', 'GetTrafficPolicyInstance'],
    ['post', '/2013-04-01/trafficpolicyinstance/:id', 'UpdateTrafficPolicyInstance'],
    ['delete', '/2013-04-01/trafficpolicyinstance/:id', 'DeleteTrafficPolicyInstance'],
    ['get', '/2013-04-01/trafficpolicyinstancecount', 'GetTrafficPolicyInstanceCount'],
    ['get', '/2013-04-01/trafficpolicyinstances', 'ListTrafficPolicyInstances'],
    ['get', '/2013-04-01/trafficpolicyinstances/hostedzone', 'ListTrafficPolicyInstancesByHostedZone'],
    ['get', '/2013-04-01/trafficpolicyinstances/trafficpolicy', 'ListTrafficPolicyInstancesByPolicy'],
  ],
  'private hosted zones and VPC associations': [
    ['post', '/2013-04-01/hostedzone/:id/associatevpc', 'AssociateVPCWithHostedZone'],
    ['post', '/2013-04-01/hostedzone/:id/disassociatevpc', 'DisassociateVPCFromHostedZone'],
    ['post', '/2013-04-01/hostedzone/:id/authorizevpcassociation', 'CreateVPCAssociationAuthorization'],
    ['get', '/2013-04-01/hostedzone/:id/authorizevpcassociation', 'ListVPCAssociationAuthorizations'],
    ['post', '/2013-04-01/hostedzone/:id/deauthorizevpcassociation', 'DeleteVPCAssociationAuthorization'],
    ['get', '/2013-04-01/hostedzonesbyvpc', 'ListHostedZonesByVPC'],
  ],
  'DNSSEC signing': [
    ['get', '/2013-04-01/hostedzone/:id/dnssec', 'GetDNSSEC'],
    ['post', '/2013-04-01/hostedzone/:id/enable-dnssec', 'EnableHostedZoneDNSSEC'],
    ['post', '/2013-04-01/hostedzone/:id/disable-dnssec', 'DisableHostedZoneDNSSEC'],
    ['post', '/2013-04-01/keysigningkey', 'CreateKeySigningKey'],
    ['delete', '/2013-04-01/keysigningkey/:id/:name', 'DeleteKeySigningKey'],
    ['post', '/2013-04-01/keysigningkey/:id/:name/activate', 'ActivateKeySigningKey'],
    ['post', '/2013-04-01/keysigningkey/:id/:name/deactivate', 'DeactivateKeySigningKey'],
  ],
  'query logging': [
    ['post', '/2013-04-01/queryloggingconfig', 'CreateQueryLoggingConfig'],
    ['get', '/2013-04-01/queryloggingconfig', 'ListQueryLoggingConfigs'],
    ['get', '/2013-04-01/queryloggingconfig/:id', 'GetQueryLoggingConfig'],
    ['delete', '/2013-04-01/queryloggingconfig/:id', 'DeleteQueryLoggingConfig'],
  ],
  'CIDR collections': [
    ['post', '/2013-04-01/cidrcollection', 'CreateCidrCollection'],
    ['get', '/2013-04-01/cidrcollection', 'ListCidrCollections'],
    ['get', '/2013-04-01/cidrcollection/:id', 'ListCidrLocations'],
    ['post', '/2013-04-01/cidrcollection/:id', 'ChangeCidrCollection'],
    ['delete', '/2013-04-01/cidrcollection/:id', 'DeleteCidrCollection'],
    ['get', '/2013-04-01/cidrcollection/:id/cidrblocks', 'ListCidrBlocks'],
  ],
  'geolocation lookups': [
    ['get', '/2013-04-01/geolocation', 'GetGeoLocation'],
    ['get', '/2013-04-01/geolocations', 'ListGeoLocations'],
  ],
  'account and hosted zone limits': [
    ['get', '/2013-04-01/accountlimit/:type', 'GetAccountLimit'],
    ['get', '/2013-04-01/hostedzonelimit/:id/:type', 'GetHostedZoneLimit'],
  ],
  'DNS answer testing (query the emulator DNS server instead)': [['get', '/2013-04-01/testdnsanswer', 'TestDNSAnswer']],
  'record set protections': [
    ['post', '/2013-04-01/hostedzone/:id/rrsetprotection', 'CreateResourceRecordSetProtections'],
    ['get', '/2013-04-01/hostedzone/:id/rrsetprotection', 'ListResourceRecordSetProtections'],
    ['post', '/2013-04-01/hostedzone/:id/rrsetprotection/delete', 'DeleteResourceRecordSetProtections'],
  ],
  'hosted zone features': [['post', '/2013-04-01/hostedzone/:id/features', 'UpdateHostedZoneFeatures']],
};

/** The features above, for documentation and tests. */
export const NOT_EMULATED_FEATURES: readonly string[] = Object.keys(NOT_EMULATED);

/** One route per not-emulated operation, each answering NotImplemented naming its feature. */
export const NOT_EMULATED_ROUTES: readonly Route[] = Object.entries(NOT_EMULATED).flatMap(([feature, ops]) =>
  ops.map(([method, path, operation]) => ({
    method,
    path,
    operation,
    handler: () => {
      throw notEmulated(feature, operation);
    },
  })),
);
