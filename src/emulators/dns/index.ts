/** The DNS data plane: authoritative answers over UDP and TCP from a ZoneStore. */
export { startDnsServer, DEFAULT_TCP_LIMITS, type DnsServerOptions, type RunningDnsServer, type TcpLimits } from './server.js';
export { respond, CLASSIC_UDP_LIMIT, EDNS_UDP_LIMIT, type Reply, type Transport } from './respond.js';
export { lookup, lookupInZone, type LookupResult, type LookupRcode } from './lookup.js';
export { toWireRecord, type PresentedRecord } from './rdata.js';
export { tokenize, PresentationError, type Token } from './presentation.js';
