/**
 * DNS names as Route 53 takes and returns them: case-insensitive, absolute,
 * with characters outside `a-z0-9-_` written as three-digit octal escapes
 * (`*.example.test.` is listed as `\052.example.test.`), and ordered by their
 * labels read from the right, the way ListHostedZonesByName and
 * ListResourceRecordSets page through them.
 */
const MAX_NAME_LENGTH = 255;
const MAX_LABEL_LENGTH = 63;

/** `\052.Example.test` → `*.example.test.` */
export function decodeName(raw: string): string {
  const unescaped = raw.replace(/\\([0-7]{3})/g, (_m, octal: string) => String.fromCharCode(parseInt(octal, 8)));
  const lower = unescaped.toLowerCase();
  return lower.endsWith('.') ? lower : `${lower}.`;
}

/** `*.example.test.` → `\052.example.test.` */
export function encodeName(name: string): string {
  return name.replace(/[^a-z0-9\-_.]/g, (ch) => `\\${ch.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/** Why `name` (decoded, absolute) is not a usable DNS name, or undefined when it is. */
export function nameProblem(name: string): string | undefined {
  if (name === '.') return 'the root name is not allowed';
  if (name.length > MAX_NAME_LENGTH) return `longer than ${MAX_NAME_LENGTH} characters`;
  const labels = name.slice(0, -1).split('.');
  for (const label of labels) {
    if (label.length === 0) return 'it contains an empty label';
    if (label.length > MAX_LABEL_LENGTH) return `label '${label.slice(0, 20)}...' is longer than ${MAX_LABEL_LENGTH} characters`;
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0020\u007f-\uffff]/.test(label)) return `label '${label}' contains a space, control or non-ASCII character`;
  }
  return undefined;
}

function reversedLabels(name: string): string[] {
  return name.replace(/\.$/, '').split('.').reverse();
}

/** Order of names with their labels reversed: `example.test.` < `a.example.test.` < `b.example.test.` */
export function compareNames(a: string, b: string): number {
  const la = reversedLabels(a);
  const lb = reversedLabels(b);
  for (let i = 0; i < Math.min(la.length, lb.length); i++) {
    const x = la[i] as string;
    const y = lb[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return la.length - lb.length;
}
