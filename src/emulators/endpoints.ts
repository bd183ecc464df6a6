/**
 * The endpoints file `failover emulators --endpoints-file` writes: everything a
 * client needs to point the three official SDKs (and dig) at the emulators,
 * and nothing else. Other processes read it instead of guessing ports.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

const DnsAddressSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
});

export const EndpointsFileSchema = z.strictObject({
  route53: z.strictObject({
    endpoint: z.url(),
    region: z.string().min(1),
    hostedZoneId: z.string().min(1),
    accessKeyId: z.string().min(1),
    secretAccessKey: z.string().min(1),
    dns: DnsAddressSchema,
  }),
  azure: z.strictObject({
    endpoint: z.url(),
    caCertPath: z.string().min(1),
    subscriptionId: z.string().min(1),
    resourceGroup: z.string().min(1),
    zoneName: z.string().min(1),
    token: z.string().min(1),
    dns: DnsAddressSchema,
  }),
  clouddns: z.strictObject({
    endpoint: z.url(),
    projectId: z.string().min(1),
    managedZone: z.string().min(1),
    token: z.string().min(1),
    dns: DnsAddressSchema,
  }),
  admin: z.strictObject({ endpoint: z.url() }),
  zone: z.string().min(1),
});

export type EndpointsFile = z.infer<typeof EndpointsFileSchema>;
export type DnsAddress = z.infer<typeof DnsAddressSchema>;

/** The file is missing, not JSON, or not in the shape above; the message names the path and field. */
export class EndpointsFileError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

/** Validate and write atomically (temp file + rename), so a reader never sees half a file. */
export async function writeEndpointsFile(path: string, data: EndpointsFile): Promise<void> {
  const parsed = EndpointsFileSchema.safeParse(data);
  if (!parsed.success) throw new EndpointsFileError(path, `refusing to write an invalid endpoints file: ${describeIssues(parsed.error)}`);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(parsed.data, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}

export function parseEndpointsFile(path: string, text: string): EndpointsFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new EndpointsFileError(
      path,
      `not valid JSON (${(err as Error).message}); expected the file written by 'failover emulators --endpoints-file'`,
    );
  }
  const parsed = EndpointsFileSchema.safeParse(json);
  if (!parsed.success) throw new EndpointsFileError(path, `not an emulator endpoints file: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

export async function readEndpointsFile(path: string): Promise<EndpointsFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new EndpointsFileError(
      path,
      `cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); start 'failover emulators --endpoints-file ${path}' first`,
    );
  }
  return parseEndpointsFile(path, text);
}
