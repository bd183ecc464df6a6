/**
 * A name server as the drills' DNS clients address it: host, port and a label
 * (the provider it belongs to, or `host:port`) used in counts and reports.
 */
import { isIP } from 'node:net';

export interface Nameserver {
  readonly host: string;
  readonly port: number;
  /** Shown in counts and reports; defaults to `host:port`. */
  readonly label: string;
}

export type NameserverInput = string | { host: string; port: number; label?: string };

/** A name server address that cannot be used; says what was expected. */
export class NameserverAddressError extends Error {
  override readonly name = 'NameserverAddressError';
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(`name server ${JSON.stringify(input)}: ${reason} (expected an IP address and port, e.g. 127.0.0.1:5353 or [::1]:5353)`);
  }
}

function checked(host: string, port: number, shown: string): { host: string; port: number } {
  if (isIP(host) === 0) throw new NameserverAddressError(shown, `${JSON.stringify(host)} is not an IP address`);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new NameserverAddressError(shown, `port ${port} is not between 1 and 65535`);
  return { host, port };
}

function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** `127.0.0.1:5353`, `[::1]:5353` or `{ host, port, label? }` → a Nameserver. */
export function toNameserver(input: NameserverInput): Nameserver {
  if (typeof input !== 'string') {
    const { host, port } = checked(input.host, input.port, formatAddress(input.host, input.port));
    return { host, port, label: input.label ?? formatAddress(host, port) };
  }
  const match = /^\[([^\]]+)\]:(\d+)$/.exec(input) ?? /^([^:]+):(\d+)$/.exec(input);
  if (!match) throw new NameserverAddressError(input, 'no port given');
  const { host, port } = checked(match[1]!, Number(match[2]), input);
  return { host, port, label: formatAddress(host, port) };
}
