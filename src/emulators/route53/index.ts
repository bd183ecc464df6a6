/** Route 53 emulator: REST-XML API version 2013-04-01 for the official AWS SDK. */
export { startRoute53Api, type Route53ApiOptions } from './server.js';
export { seedRoute53Zone } from './hosted-zones.js';
export { MAX_RECORDS_PER_REQUEST, MAX_VALUE_CHARS_PER_REQUEST } from './change-batch.js';
export { ROUTE53_NS } from './xml.js';
