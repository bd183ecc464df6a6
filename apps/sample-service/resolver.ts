/**
 * How the service resolves its dependency's host name. Injectable, so readiness can
 * be pointed at a local DNS emulator (or a test's DNS server) instead of the system
 * resolver, and so the chaos switch can make the name stop resolving.
 */
import { Resolver, lookup } from 'node:dns/promises';

/** Addresses for `hostname`; rejects with a node:dns style `code` (ENODATA, ENOTFOUND, ...). */
export type AddressResolver = (hostname: string, signal: AbortSignal) => Promise<string[]>;

/** Codes meaning "the name exists in DNS (or not) but has no addresses": the incident's symptom. */
export const NO_ADDRESS_CODES: ReadonlySet<string> = new Set(['ENODATA', 'ENOTFOUND']);

export class ResolveError extends Error {
  override readonly name = 'ResolveError';
  constructor(
    readonly code: string,
    readonly hostname: string,
  ) {
    super(`${hostname}: ${code}`);
  }
}

function codeOf(err: unknown): string {
  return (err as { code?: unknown } | null)?.code?.toString() ?? 'EUNKNOWN';
}

function abortable<T>(work: Promise<T>, signal: AbortSignal, onAbort: () => void = () => undefined): Promise<T> {
  if (signal.aborted) {
    onAbort();
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort();
      reject(signal.reason);
    };
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}

/** getaddrinfo, like every other program on the machine (honours /etc/hosts). */
export const systemResolver: AddressResolver = (hostname, signal) =>
  abortable(
    lookup(hostname, { all: true }).then((entries) => entries.map((e) => e.address)),
    signal,
  ).catch((err: unknown) => {
    if (signal.aborted) throw err;
    throw new ResolveError(codeOf(err), hostname);
  });

/**
 * Ask one DNS server directly (A, then AAAA), e.g. `127.0.0.1:5353`, with a single try
 * so a dead server shows up within the readiness time budget.
 */
export function dnsServerResolver(server: string, timeoutMs: number): AddressResolver {
  return async (hostname, signal) => {
    const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
    resolver.setServers([server]);
    const ask = async (): Promise<string[]> => {
      try {
        return await resolver.resolve4(hostname);
      } catch (err) {
        if (codeOf(err) !== 'ENODATA') throw err;
        return resolver.resolve6(hostname);
      }
    };
    try {
      return await abortable(ask(), signal, () => resolver.cancel());
    } catch (err) {
      if (signal.aborted) throw err;
      throw new ResolveError(codeOf(err), hostname);
    }
  };
}

/** The chaos mode dependency-dns-empty: the name answers, with nothing in it. */
export const emptyAnswerResolver: AddressResolver = async (hostname) => {
  throw new ResolveError('ENODATA', hostname);
};
