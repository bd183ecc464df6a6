/** Record types whose data holds character-strings: TXT and SPF (RFC 1035, RFC 4408), CAA (RFC 8659), NAPTR (RFC 3403). */
import { absolute, characterStrings, RrdataError, uint } from './rrdata-fields.js';

/**
 * TXT and SPF: one or more character-strings in presentation form. Unquoted
 * words are separate strings, as in a zone file (`v=spf1 -all` is two strings);
 * every string is stored quoted.
 */
export function canonicalTxt(value: string): string {
  if (value.trim() === '') throw new RrdataError('TXT data must not be empty');
  return characterStrings(value).join(' ');
}

/** CAA: `flags tag value`, the value one string (quoted, or one unquoted word). */
export function canonicalCaa(value: string): string {
  // Split without a backtracking pattern: a value of 100k blanks must not take seconds.
  const text = value.trim();
  const head = /^(\d+)\s+([a-z0-9]+)\s+/i.exec(text);
  if (!head) throw new RrdataError('expected \'flags tag "value"\'');
  const flags = uint(head[1], 255, 'CAA flags');
  const tag = (head[2] ?? '').toLowerCase();
  if (tag.length > 15) throw new RrdataError('the CAA tag is 1 to 15 letters or digits');
  const raw = text.slice(head[0].length);
  const quoted = /^"(?:[^"\\]|\\.)*"$/.test(raw) ? raw : /^[^\s"]+$/.test(raw) ? `"${raw}"` : undefined;
  if (!quoted) throw new RrdataError('CAA value must be one quoted string');
  return `${flags} ${tag} ${quoted}`;
}

/** NAPTR (RFC 3403 §4.1): `order preference "flags" "service" "regexp" replacement.` */
export function canonicalNaptr(value: string): string {
  const shape = 'order preference "flags" "service" "regexp" replacement.';
  const text = value.trim();
  const head = /^(\S+)\s+(\S+)\s+/.exec(text);
  // The replacement is the last blank-separated word; found by scanning, not by a backtracking pattern.
  let cut = text.length;
  while (cut > 0 && !/\s/.test(text[cut - 1] ?? '')) cut -= 1;
  if (!head || cut <= head[0].length) throw new RrdataError(`expected '${shape}'`);
  const strings = characterStrings(text.slice(head[0].length, cut));
  if (strings.length !== 3) throw new RrdataError(`expected '${shape}' (flags, service and regexp are three strings)`);
  const [flags, service, regexp] = strings as [string, string, string];
  if (!/^"[A-Za-z0-9]*"$/.test(flags)) throw new RrdataError('NAPTR flags are letters and digits only, e.g. "S", "A", "U" or "P"');
  return [
    uint(head[1], 65535, 'NAPTR order'),
    uint(head[2], 65535, 'NAPTR preference'),
    flags,
    service,
    regexp,
    absolute(text.slice(cut), 'NAPTR replacement', true),
  ].join(' ');
}
