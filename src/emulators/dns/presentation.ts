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
    // Runs of plain characters are copied as one slice (a per-character copy made big TXT answers cost milliseconds).
    const parts: Buffer[] = [];
    let run = i;
    const flush = (to: number) => {
      if (to > run) parts.push(Buffer.from(value.slice(run, to), 'utf8'));
    };
    let closed = !quoted;
    while (i < value.length) {
      const c = value[i]!;
      if (quoted && c === '"') {
        closed = true;
        break;
      }
      if (!quoted && isSpace(c)) break;
      if (c !== '\\') {
        i += 1;
        continue;
      }
      flush(i);
      const digits = value.slice(i + 1, i + 4);
      if (/^\d{3}$/.test(digits)) {
        const n = Number(digits);
        if (n > 255) throw new PresentationError(value, `escape \\${digits} is above 255`);
        parts.push(Buffer.from([n]));
        i += 4;
      } else {
        const next = value.codePointAt(i + 1);
        if (next === undefined) throw new PresentationError(value, 'it ends with a lone backslash');
        const ch = String.fromCodePoint(next);
        parts.push(Buffer.from(ch, 'utf8'));
        i += 1 + ch.length;
      }
      run = i;
    }
    flush(i);
    if (quoted && closed) i += 1;
    if (!closed) throw new PresentationError(value, 'a quoted string is not closed');
    tokens.push({ bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts), quoted });
  }
  return tokens;
}

/** Tokens as text (for fields that are numbers or names). */
export function words(value: string): string[] {
  return tokenize(value).map((t) => t.bytes.toString('utf8'));
}
