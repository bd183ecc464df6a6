/** Identifiers shaped like Route 53's: hosted zones `Z...`, changes `C...`, request ids as UUIDs. */
import { randomInt, randomUUID } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function randomAlnum(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** `Z` + 20 upper-case alphanumerics, like current Route 53 zone ids. */
export const newHostedZoneId = (): string => `Z${randomAlnum(20)}`;

/** `C` + 20 upper-case alphanumerics. */
export const newChangeId = (): string => `C${randomAlnum(20)}`;

export const newRequestId = (): string => randomUUID();

/** Four name servers in the emulator's own `awsdns-emu` namespace, e.g. `ns-123.awsdns-emu-01.test.` */
export function newNameServers(): string[] {
  const servers = new Set<string>();
  while (servers.size < 4) {
    servers.add(`ns-${randomInt(2048)}.awsdns-emu-${String(randomInt(64)).padStart(2, '0')}.test.`);
  }
  return [...servers];
}
