/**
 * A throw-away TLS identity for emulators that must speak https (Azure's SDK
 * refuses to send a Bearer token over plain http). Generated at start-up and
 * never written to disk; clients trust the returned certificate explicitly
 * (`tlsOptions: { ca: cert }` or a NODE_EXTRA_CA_CERTS bundle).
 */
import { isIP } from 'node:net';
import { generate } from 'selfsigned';

export interface TlsIdentity {
  /** PEM private key. */
  key: string;
  /** PEM self-signed certificate; also the CA a client must trust. */
  cert: string;
}

export interface SelfSignedCertOptions {
  /** Extra host names or IP addresses for the subjectAltName (127.0.0.1 and localhost are always included). */
  hosts: string[];
  /** Validity in days; a year by default. */
  days?: number;
}

const ALWAYS = ['127.0.0.1', 'localhost'];

/** P-256 ECDSA with SHA-256: modern, and fast enough to make per start-up. */
export async function generateSelfSignedCert(options: SelfSignedCertOptions): Promise<TlsIdentity> {
  const hosts = [...new Set([...ALWAYS, ...options.hosts.map((h) => h.trim()).filter((h) => h.length > 0)])];
  const altNames = hosts.map((h) => (isIP(h) ? { type: 7 as const, ip: h } : { type: 2 as const, value: h }));
  const notBeforeDate = new Date(Date.now() - 60_000); // tolerate small clock skew
  const notAfterDate = new Date(notBeforeDate.getTime() + (options.days ?? 365) * 86_400_000);
  const pems = await generate([{ name: 'commonName', value: 'multicloud-failover emulator' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}
