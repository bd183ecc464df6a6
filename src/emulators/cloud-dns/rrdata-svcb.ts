/**
 * SVCB and HTTPS (RFC 9460 §2.1): `priority target key=value ...`. Priority 0
 * is AliasMode; the known SvcParamKeys have their values checked (§7), unknown
 * ones must be written `keyNNNNN`.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { absolute, base64, RrdataError, uint } from './rrdata-fields.js';

const KNOWN_KEYS = ['mandatory', 'alpn', 'no-default-alpn', 'port', 'ipv4hint', 'ech', 'ipv6hint', 'dohpath', 'ohttp'];

/** The keyNNNNN spelling of each known key (RFC 9460 §14.3.2, RFC 9461, RFC 9540). */
const KEY_NUMBERS: Record<string, number> = {
  mandatory: 0,
  alpn: 1,
  'no-default-alpn': 2,
  port: 3,
  ipv4hint: 4,
  ech: 5,
  ipv6hint: 6,
  dohpath: 7,
  ohttp: 8,
};

function keyNumber(key: string): number {
  const m = /^key(\d{1,5})$/.exec(key);
  if (m) {
    const n = Number(m[1]);
    if (n > 65535) throw new RrdataError(`SvcParamKey '${key}' is above key65535`);
    if (n === 65535) throw new RrdataError('key65535 is reserved');
    return n;
  }
  const known = KEY_NUMBERS[key];
  if (known === undefined) throw new RrdataError(`unknown SvcParamKey '${key}': use one of ${KNOWN_KEYS.join(', ')} or keyNNNNN`);
  return known;
}

function unquote(raw: string): string {
  return raw.startsWith('"') ? raw.slice(1, -1) : raw;
}

function list(value: string, key: string): string[] {
  const items = value.split(',');
  if (value === '' || items.some((i) => i === '')) throw new RrdataError(`${key} is a comma-separated list without empty items`);
  return items;
}

function checkParam(key: string, value: string | undefined): void {
  const needsValue = (v: string | undefined): string => {
    if (v === undefined || v === '') throw new RrdataError(`SvcParam ${key} needs a value`);
    return v;
  };
  switch (key) {
    case 'no-default-alpn':
      if (value !== undefined) throw new RrdataError('SvcParam no-default-alpn takes no value');
      return;
    case 'port':
      uint(needsValue(value), 65535, 'SvcParam port');
      return;
    case 'alpn':
      list(needsValue(value), 'alpn');
      return;
    case 'ipv4hint':
      if (!list(needsValue(value), 'ipv4hint').every((ip) => isIPv4(ip))) throw new RrdataError('ipv4hint lists IPv4 addresses');
      return;
    case 'ipv6hint':
      if (!list(needsValue(value), 'ipv6hint').every((ip) => isIPv6(ip) && !ip.includes('%')))
        throw new RrdataError('ipv6hint lists IPv6 addresses');
      return;
    case 'ech':
      base64(needsValue(value), 'SvcParam ech');
      return;
    case 'mandatory':
      for (const k of list(needsValue(value), 'mandatory')) if (keyNumber(k) === 0) throw new RrdataError('mandatory must not list itself');
      return;
    case 'dohpath':
      needsValue(value);
      return;
  }
}

export function canonicalSvcb(value: string): string {
  const m = /^\s*(\S+)\s+(\S+)(.*)$/.exec(value);
  if (!m) throw new RrdataError("expected 'priority target. [key=value ...]'");
  const priority = uint(m[1], 65535, 'SVCB priority');
  const target = absolute(m[2] ?? '', 'the SVCB target', true);
  const params: string[] = [];
  const seen = new Map<number, string>();
  const values = new Map<string, string | undefined>();
  const pattern = /\s+([a-z0-9-]+)(?:=("(?:[^"\\]|\\.)*"|[^\s"]*))?(?=\s|$)/y;
  const rest = m[3] ?? '';
  let at = 0;
  while (at < rest.length) {
    if (/^\s*$/.test(rest.slice(at))) break;
    pattern.lastIndex = at;
    const p = pattern.exec(rest);
    if (!p) throw new RrdataError(`SvcParams are 'key=value' or 'key', separated by spaces; cannot read '${rest.slice(at).trim()}'`);
    at = pattern.lastIndex;
    const key = p[1] ?? '';
    const number = keyNumber(key);
    if (seen.has(number)) throw new RrdataError(`SvcParamKey ${key} appears twice`);
    seen.set(number, key);
    const raw = p[2];
    const v = raw === undefined ? undefined : unquote(raw);
    values.set(key, v);
    checkParam(key, v);
    params.push(raw === undefined ? key : `${key}=${raw}`);
  }
  if (values.has('no-default-alpn') && !values.has('alpn')) throw new RrdataError('no-default-alpn needs alpn as well (RFC 9460 §7.1.1)');
  for (const k of (values.get('mandatory') ?? '').split(',').filter((x) => x !== '')) {
    if (![...seen.keys()].includes(keyNumber(k))) throw new RrdataError(`mandatory lists ${k}, which the record does not have`);
  }
  return [priority, target, ...params].join(' ');
}
