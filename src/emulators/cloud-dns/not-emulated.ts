/**
 * Cloud DNS v1 methods the emulator does not serve (discovery document,
 * `resources`): each answers 501 naming the feature, so a client learns at once
 * what is missing rather than reading a 404 as "no such resource".
 */
const NOT_EMULATED: readonly (readonly [RegExp, string])[] = [
  [/^\/managedZones\/[^/]+\/dnsKeys(?:\/[^/]+)?$/, 'DNSSEC keys (dnsKeys.get/list)'],
  [/^\/managedZones\/[^/:]+:(?:getIamPolicy|setIamPolicy|testIamPermissions)$/, 'IAM policies on managed zones'],
  [/^\/policies(?:\/[^/]+)?$/, 'DNS server policies (policies.*)'],
  [/^\/responsePolicies(?:\/[^/]+)?$/, 'response policies (responsePolicies.*)'],
  [/^\/responsePolicies\/[^/]+\/rules(?:\/[^/]+)?$/, 'response policy rules (responsePolicyRules.*)'],
];

/** The feature behind a path below `/dns/v1/projects/{project}`, if it is a real method the emulator lacks. */
export function notEmulatedFeature(pathBelowProject: string): string | undefined {
  return NOT_EMULATED.find(([pattern]) => pattern.test(pathBelowProject))?.[1];
}
