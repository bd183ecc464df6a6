/**
 * Zone-file presentation form (RFC 1035 §5.1) split into tokens: the store keeps
 * record values the way the APIs receive them (`"v=spf1 -all"`, `10 mail.x.`,
 * `0 issue "ca.test"`), and the data plane needs their bytes.
 */

export interface Token {
  /** The token's bytes after unescaping (`\"`, `\\`, `\DDD`). */
  readonly bytes: Buffer;
  /** Was it written between double quotes? */
  readonly quoted: boolean;
}

/** A value that cannot be read as presentation form; names the value and the reason. */
export class PresentationError extends Error {
  constructor(
    readonly value: string,
    reason: string,
  ) {
    super(`cannot read ${JSON.stringify(value)}: ${reason}`);
  }
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

export function tokenize(value: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < value.length) {
    if (isSpace(value[i]!)) {
      i += 1;
      continue;
    }
    const quoted = value[i] === '"';
    if (quoted) i += 1;
    const bytes: number[] = [];
    let closed = !quoted;
    while (i < value.length) {
      const c = value[i]!;
      if (quoted && c === '"') {
        closed = true;
        i += 1;
        break;
      }
      if (!quoted && isSpace(c)) break;
      if (c === '\\') {
        const digits = value.slice(i + 1, i + 4);
        if (/^\d{3}$/.test(digits)) {
          const n = Number(digits);
          if (n > 255) throw new PresentationError(value, `escape \\${digits} is above 255`);
          bytes.push(n);
          i += 4;
          continue;
        }
        const next = value[i + 1];
        if (next === undefined) throw new PresentationError(value, 'it ends with a lone backslash');
        bytes.push(...Buffer.from(next, 'utf8'));
        i += 2;
        continue;
      }
      const cp = value.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      bytes.push(...Buffer.from(ch, 'utf8'));
      i += ch.length;
    }
    if (!closed) throw new PresentationError(value, 'a quoted string is not closed');
    tokens.push({ bytes: Buffer.from(bytes), quoted });
  }
  return tokens;
}

/** Tokens as text (for fields that are numbers or names). */
export function words(value: string): string[] {
  return tokenize(value).map((t) => t.bytes.toString('utf8'));
}
