/**
 * The pieces record data is made of, in zone-file presentation form (RFC 1035
 * §5.1): integers, absolute names, hex and base64 blobs, and character-strings.
 * Each check throws RrdataError with a message that names the field.
 */

const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i;
const MAX_NAME_LENGTH = 253;

/** Why a value is rejected; the caller names the field from `index`. */
export class RrdataError extends Error {
  constructor(
    message: string,
    readonly index = 0,
  ) {
    super(message);
  }
}

/** An absolute domain name (`www.example.test.`); `*` only as the leftmost label when `wildcard`. */
export function isAbsoluteDomainName(name: string, options: { wildcard?: boolean; root?: boolean } = {}): boolean {
  if (name === '.') return options.root === true;
  if (!name.endsWith('.') || name.length - 1 > MAX_NAME_LENGTH) return false;
  const labels = name.slice(0, -1).split('.');
  return labels.every((label, i) => LABEL.test(label) || (options.wildcard === true && i === 0 && label === '*'));
}

/** An absolute name, lower-cased; the root `.` only where `root` allows it. */
export function absolute(value: string, what: string, root = false): string {
  if (!isAbsoluteDomainName(value, { root })) throw new RrdataError(`${what} must be an absolute domain name ending in '.'`);
  return value.toLowerCase();
}

/** An unsigned integer in decimal, returned without leading zeros. */
export function uint(value: string | undefined, max: number, what: string): string {
  if (value === undefined || !/^\d+$/.test(value) || Number(value) > max)
    throw new RrdataError(`${what} must be an integer from 0 to ${max}`);
  return String(Number(value));
}

/** Exactly `count` whitespace-separated fields. */
export function fields(value: string, count: number, shape: string): string[] {
  const parts = value.trim().split(/\s+/);
  if (parts.length !== count) throw new RrdataError(`expected '${shape}'`);
  return parts;
}

/** At least `count` fields; the rest (a key or digest that zone files may split with spaces) joined into the last. */
export function fieldsWithTail(value: string, count: number, shape: string): string[] {
  const parts = value.trim().split(/\s+/);
  if (parts.length < count || parts[0] === '') throw new RrdataError(`expected '${shape}'`);
  return [...parts.slice(0, count - 1), parts.slice(count - 1).join('')];
}

/** Hexadecimal bytes (RFC 4034 §5.3 digests, RFC 4255 fingerprints, RFC 6698 data); `bytes` fixes the length. */
export function hex(value: string, what: string, bytes?: number): string {
  if (!/^(?:[0-9a-f]{2})+$/i.test(value)) throw new RrdataError(`${what} must be hexadecimal digits, two per byte`);
  if (bytes !== undefined && value.length !== bytes * 2) throw new RrdataError(`${what} must be ${bytes} bytes (${bytes * 2} hex digits)`);
  return value;
}

/** Base64 (RFC 4648) as DNSKEY and IPSECKEY keys are written. */
export function base64(value: string, what: string): string {
  if (value.length === 0 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value))
    throw new RrdataError(`${what} must be base64`);
  return value;
}

const MAX_CHARACTER_STRING_BYTES = 255;

/** Byte length of one character-string after un-escaping (`\"`, `\\`, `\DDD`). */
function characterStringBytes(inner: string): number {
  let n = 0;
  for (let i = 0; i < inner.length; i += 1) {
    if (inner[i] === '\\') {
      if (/^\d{3}$/.test(inner.slice(i + 1, i + 4))) {
        if (Number(inner.slice(i + 1, i + 4)) > 255)
          throw new RrdataError(`'\\${inner.slice(i + 1, i + 4)}' is not a byte (\\000 to \\255)`);
        i += 3;
        n += 1;
        continue;
      }
      i += 1;
      if (i >= inner.length) throw new RrdataError('a backslash must be followed by a character or three digits');
    }
    n += Buffer.byteLength(inner[i] ?? '');
  }
  return n;
}

/** A blank between fields: ASCII whitespace fast, anything else as `\s` reads it. */
function isBlank(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return /\s/.test(text.charAt(i));
}

/**
 * Split presentation text into character-strings (RFC 1035 §5.1): a quoted
 * string is one, and so is every unquoted run of non-blank characters. Each is
 * returned in quoted form with its escapes as written, so `a b` gives `"a"` and
 * `"b"`. A string over 255 bytes is refused. One pass over the text.
 */
export function characterStrings(value: string): string[] {
  const out: string[] = [];
  const n = value.length;
  let i = 0;
  while (i < n) {
    if (isBlank(value, i)) {
      i += 1;
      continue;
    }
    let inner: string;
    if (value[i] === '"') {
      const start = i + 1;
      i = start;
      while (i < n && value[i] !== '"') i += value[i] === '\\' ? 2 : 1;
      if (i >= n) throw new RrdataError('a quoted string is not closed (quoted strings end with ", and \\" is a quote inside)');
      inner = value.slice(start, i);
      i += 1;
      if (i < n && value[i] !== '"' && !isBlank(value, i)) throw new RrdataError('separate strings with spaces');
    } else {
      const start = i;
      while (i < n && !isBlank(value, i)) {
        if (value[i] === '"') throw new RrdataError('a quote inside an unquoted string must be escaped as \\"');
        i += value[i] === '\\' ? 2 : 1;
      }
      inner = value.slice(start, Math.min(i, n));
    }
    if (characterStringBytes(inner) > MAX_CHARACTER_STRING_BYTES)
      throw new RrdataError(`each string is at most ${MAX_CHARACTER_STRING_BYTES} bytes; split longer text into several quoted strings`);
    out.push(`"${inner}"`);
  }
  return out;
}
