/** A zone with one of every interesting shape, for the DNS data-plane tests. */
import { ZoneStore } from '../../src/emulators/core/zone-store.js';

export const BIG_TXT_VALUES = Array.from({ length: 40 }, (_, i) => `"${String(i).padStart(2, '0')}-${'x'.repeat(57)}"`);

export function populatedStore(): { store: ZoneStore; zoneId: string } {
  const store = new ZoneStore();
  const zone = store.createZone({ id: 'Z1', name: 'Example.Test', nameServers: ['ns1.example.test.', 'ns2.example.test.'] });
  store.transact(zone.id, (d) => {
    d.put({ name: 'www.example.test', type: 'A', ttl: 60, values: ['192.0.2.10', '192.0.2.11'] });
    d.put({ name: 'www.example.test', type: 'AAAA', ttl: 120, values: ['2001:db8::10'] });
    d.put({ name: 'alias.example.test', type: 'CNAME', ttl: 30, values: ['www.example.test.'] });
    d.put({ name: 'hop.example.test', type: 'CNAME', ttl: 30, values: ['alias.example.test.'] });
    d.put({ name: 'dangling.example.test', type: 'CNAME', ttl: 30, values: ['missing.example.test.'] });
    d.put({ name: 'ext.example.test', type: 'CNAME', ttl: 30, values: ['target.elsewhere.test.'] });
    d.put({ name: 'loop1.example.test', type: 'CNAME', ttl: 30, values: ['loop2.example.test.'] });
    d.put({ name: 'loop2.example.test', type: 'CNAME', ttl: 30, values: ['loop1.example.test.'] });
    d.put({ name: 'txt.example.test', type: 'TXT', ttl: 300, values: ['"v=spf1 -all"', '"part one" "part \\"two\\""'] });
    d.put({ name: 'mail.example.test', type: 'MX', ttl: 300, values: ['10 mx1.example.test.', '20 mx2.example.test.'] });
    d.put({ name: '_sip._tcp.example.test', type: 'SRV', ttl: 300, values: ['10 60 5060 sip.example.test.'] });
    d.put({ name: 'example.test', type: 'CAA', ttl: 300, values: ['0 issue "ca.example.net"'] });
    d.put({ name: '4.2.0.192.example.test', type: 'PTR', ttl: 300, values: ['www.example.test.'] });
    d.put({ name: 'a.b.deep.example.test', type: 'A', ttl: 60, values: ['192.0.2.20'] });
    d.put({ name: '*.wild.example.test', type: 'A', ttl: 45, values: ['192.0.2.30'] });
    d.put({ name: 'sub.example.test', type: 'NS', ttl: 3600, values: ['ns.sub.example.test.'] });
    d.put({ name: 'ns.sub.example.test', type: 'A', ttl: 3600, values: ['192.0.2.53'] });
    d.put({ name: 'big.example.test', type: 'TXT', ttl: 60, values: BIG_TXT_VALUES });
    d.put({ name: 'broken.example.test', type: 'A', ttl: 60, values: ['not-an-address'] });
  });
  return { store, zoneId: zone.id };
}
