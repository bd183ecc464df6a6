/**
 * Domain names between presentation form (RFC 1035 §5.1: `\.` and `\DDD` escape
 * a byte inside a label) and the wire (length-prefixed labels). dns-packet
 * joins and splits labels on '.', so a label that contains a dot (`a\.b`) would
 * become two labels; names that can carry one go through here instead.
 */
import { PresentationError } from './presentation.js';

const MAX_LABEL = 63;
const MAX_WIRE_NAME = 255;

/** The labels of a presentation-form name (relative names are read as absolute; '.' and '' are the root). */
export function labelsOf(text: string): Buffer[] {
  if (text === '.' || text === '') return [];
  const labels: Buffer[] = [];
  let current: number[] = [];
  let i = 0;
  const end = () => {
    if (current.length === 0) throw new PresentationError(text, 'a name has an empty label');
    if (current.length > MAX_LABEL) throw new PresentationError(text, `a label is longer than ${MAX_LABEL} bytes`);
    labels.push(Buffer.from(current));
    current = [];
  };
  while (i < text.length) {
    const c = text[i]!;
    if (c === '.') {
      end();
      i += 1;
      if (i === text.length) break; // the trailing dot of an absolute name
      continue;
    }
    if (c === '\\') {
      const digits = text.slice(i + 1, i + 4);
      if (/^\d{3}$/.test(digits) && Number(digits) <= 255) {
        current.push(Number(digits));
        i += 4;
        continue;
      }
      const next = text.codePointAt(i + 1);
      if (next === undefined) throw new PresentationError(text, 'it ends with a lone backslash');
      const ch = String.fromCodePoint(next);
      current.push(...Buffer.from(ch, 'utf8'));
      i += 1 + ch.length;
      continue;
    }
    const ch = String.fromCodePoint(text.codePointAt(i)!);
    current.push(...Buffer.from(ch, 'utf8'));
    i += ch.length;
  }
  if (current.length > 0) end();
  if (labels.reduce((n, l) => n + 1 + l.length, 1) > MAX_WIRE_NAME)
    throw new PresentationError(text, `the name is longer than ${MAX_WIRE_NAME} bytes`);
  return labels;
}

/** Uncompressed wire form of a name (RFC 1035 §3.1). */
export function wireName(labels: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const l of labels) parts.push(Buffer.from([l.length]), l);
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

export const encodeName = (text: string): Buffer => wireName(labelsOf(text));

/**
 * Presentation form of wire labels, absolute, with '.', '\\', space and
 * non-printable bytes escaped, so that it names exactly these labels.
 * `lower`: ASCII letters lower-cased (DNS names compare case-insensitively, RFC 4343).
 */
export function presentLabels(labels: readonly Buffer[], lower = true): string {
  if (labels.length === 0) return '.';
  let out = '';
  for (const label of labels) {
    for (const b of label) {
      if (b === 0x2e || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
      else if (b <= 0x20 || b >= 0x7f) out += `\\${String(b).padStart(3, '0')}`;
      else out += String.fromCharCode(lower && b >= 0x41 && b <= 0x5a ? b + 32 : b);
    }
    out += '.';
  }
  return out;
}

/** The labels of the uncompressed name at `offset` (a question's name), and where it ends; undefined when malformed or compressed. */
export function readName(buf: Buffer, offset: number): { labels: Buffer[]; end: number } | undefined {
  const labels: Buffer[] = [];
  let at = offset;
  let total = 1;
  for (;;) {
    if (at >= buf.length) return undefined;
    const len = buf[at]!;
    if (len === 0) return { labels, end: at + 1 };
    if (len > MAX_LABEL) return undefined; // a compression pointer (cannot point backwards from the first name) or a reserved label type
    total += len + 1;
    if (total > MAX_WIRE_NAME || at + 1 + len > buf.length) return undefined;
    labels.push(buf.subarray(at + 1, at + 1 + len));
    at += 1 + len;
  }
}
