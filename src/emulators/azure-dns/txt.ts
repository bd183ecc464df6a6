/**
 * TXT data in zone-file presentation form, the store's format. Azure sends one
 * TXT record as an array of strings (`{"value":["a","b"]}`); that is one
 * presentation value with one quoted string each: `"a" "b"`.
 * Quotes and backslashes are escaped with `\`, other non-printing characters as `\DDD`.
 */

export function quoteTxtString(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (code < 0x20 || code === 0x7f) out += `\\${String(code).padStart(3, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

export function txtToPresentation(strings: readonly string[]): string {
  return strings.map(quoteTxtString).join(' ');
}

/** Inverse of txtToPresentation; also reads unquoted words, as zone files allow. */
export function txtFromPresentation(value: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = value.length;
  while (i < n) {
    while (i < n && /\s/.test(value[i] ?? '')) i += 1;
    if (i >= n) break;
    const quoted = value[i] === '"';
    if (quoted) i += 1;
    let s = '';
    while (i < n) {
      const ch = value[i] ?? '';
      if (quoted ? ch === '"' : /\s/.test(ch)) break;
      if (ch === '\\' && i + 1 < n) {
        const digits = /^\d{3}/.exec(value.slice(i + 1, i + 4));
        if (digits) {
          s += String.fromCharCode(Number(digits[0]));
          i += 4;
        } else {
          s += value[i + 1];
          i += 2;
        }
        continue;
      }
      s += ch;
      i += 1;
    }
    if (quoted) i += 1; // closing quote
    out.push(s);
  }
  return out;
}
