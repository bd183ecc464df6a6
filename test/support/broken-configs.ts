/**
 * Configurations that must be refused before anything runs, each with where the
 * refusal must point: the line (found by a needle in the text), the field path
 * and a piece of the message. Shared by the loader's table test and the CLI's.
 */

export const VALID = `owner: broken-table
zone: example.test
providers:
  route53:
    hostedZoneId: Z1
services:
  - name: app.example.test
    targets:
      - id: aws
        cloud: aws
        address: 192.0.2.1
        healthUrl: http://127.0.0.11:8080/readyz
      - id: azure
        cloud: azure
        address: 192.0.2.2
        healthUrl: http://127.0.0.12:8080/readyz
`;

export interface BrokenConfig {
  readonly name: string;
  readonly text: string;
  /** The first line containing this text is the line the error must name. */
  readonly at: string;
  /** Which occurrence of `at` (1 = the first). */
  readonly nth?: number;
  /** Field path the error must name; '(top level)' for the document itself. */
  readonly field: string;
  readonly message: string;
}

const replace = (from: string, to: string) => {
  if (!VALID.includes(from)) throw new Error(`fixture: ${from} not in VALID`);
  return VALID.replace(from, to);
};

const TXT_301 = 'x'.repeat(301);

/** An alias bomb ("billion laughs"): each level repeats the previous one nine times. */
const BOMB = `${VALID}extra:
  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
`;

export const BROKEN_CONFIGS: readonly BrokenConfig[] = [
  {
    name: 'static A record that is not an address',
    text: `${VALID}records:\n  - { name: www.example.test, type: A, values: [not-an-ip] }\n`,
    at: 'not-an-ip',
    field: 'records[0].values[0]',
    message: "expected an IPv4 address for an A record, got 'not-an-ip'",
  },
  {
    name: 'static AAAA record with an IPv4 address',
    text: `${VALID}records:\n  - { name: v6.example.test, type: AAAA, values: ["2001:db8::1", 192.0.2.9] }\n`,
    at: 'v6.example.test',
    field: 'records[0].values[1]',
    message: "expected an IPv6 address for an AAAA record, got '192.0.2.9'",
  },
  {
    name: 'CNAME with two values',
    text: `${VALID}records:\n  - name: alias.example.test\n    type: CNAME\n    values:\n      - a.example.net\n      - b.example.net\n`,
    at: 'values:',
    field: 'records[0].values',
    message: 'expected exactly one host name for a CNAME record, got 2',
  },
  {
    name: 'CNAME whose value is a URL, not a host name',
    text: `${VALID}records:\n  - name: alias.example.test\n    type: CNAME\n    values: ["https://a.example.net/"]\n`,
    at: 'https://a.example.net/',
    field: 'records[0].values[0]',
    message: 'expected a host name such as www.example.test for a CNAME record',
  },
  {
    name: 'TXT string longer than 255 bytes',
    text: `${VALID}records:\n  - name: txt.example.test\n    type: TXT\n    values: ["${TXT_301}"]\n`,
    at: TXT_301,
    field: 'records[0].values[0]',
    message: 'expected TXT strings of at most 255 bytes, got one of 301',
  },
  {
    name: 'CNAME at a name that also has a service',
    text: `${VALID}records:\n  - { name: app.example.test, type: CNAME, values: [elsewhere.example.net] }\n`,
    at: '  - name: app.example.test',
    field: 'services[0].name',
    message: 'app.example.test has a CNAME (records[0]); a name with a CNAME cannot hold any other record (here A)',
  },
  {
    name: 'CNAME at a name that also has a static TXT record',
    text: `${VALID}records:\n  - { name: mail.example.test, type: CNAME, values: [mx.example.net] }\n  - { name: mail.example.test, type: TXT, values: ["v=spf1 -all"] }\n`,
    at: 'type: TXT',
    field: 'records[1].name',
    message: 'mail.example.test has a CNAME (records[0]); a name with a CNAME cannot hold any other record (here TXT)',
  },
  {
    name: 'CNAME at the zone apex',
    text: `${VALID}records:\n  - { name: example.test, type: CNAME, values: [elsewhere.example.net] }\n`,
    at: 'name: example.test,',
    field: 'records[0].name',
    message: 'a CNAME cannot be at the zone apex example.test',
  },
  {
    name: 'duplicate vantage point ids',
    text: `${VALID}health:\n  vantagePoints:\n    - id: vp-1\n    - id: vp-1\n`,
    at: 'id: vp-1',
    nth: 2,
    field: 'health.vantagePoints[1].id',
    message: "duplicate vantage point id 'vp-1'",
  },
  {
    name: 'health URL with the file: scheme',
    text: replace('healthUrl: http://127.0.0.11:8080/readyz', 'healthUrl: file:///etc/passwd'),
    at: 'file:///etc/passwd',
    field: 'services[0].targets[0].healthUrl',
    message: 'expected an http:// or https:// URL',
  },
  {
    name: 'health URL with the ftp: scheme',
    text: replace('healthUrl: http://127.0.0.12:8080/readyz', 'healthUrl: ftp://127.0.0.12/readyz'),
    at: 'ftp://',
    field: 'services[0].targets[1].healthUrl',
    message: 'expected an http:// or https:// URL',
  },
  {
    name: 'two targets with the same address',
    text: replace('address: 192.0.2.2', 'address: 192.0.2.1'),
    at: 'address: 192.0.2.1',
    nth: 2,
    field: 'services[0].targets[1].address',
    message: 'duplicate address 192.0.2.1: targets[0] already answers with it',
  },
  {
    name: 'two targets with one IPv6 address spelt two ways',
    text: replace('address: 192.0.2.1', 'address: "2001:db8:0::1"')
      .replace('address: 192.0.2.2', 'address: "2001:DB8::1"')
      .replace('targets:', 'type: AAAA\n    targets:'),
    at: '2001:DB8::1',
    field: 'services[0].targets[1].address',
    message: 'duplicate address 2001:DB8::1: targets[0] already answers with it',
  },
  {
    name: 'an IPv6 target in an A service',
    text: replace('address: 192.0.2.2', 'address: "2001:db8::2"'),
    at: '2001:db8::2',
    field: 'services[0].targets[1].address',
    message: 'expected an IPv4 address for a A service',
  },
  {
    name: 'YAML alias bomb',
    text: BOMB,
    at: 'c: &c',
    field: 'extra.c[0]',
    message: 'YAML aliases expand too far',
  },
  {
    name: 'empty file',
    text: '',
    at: '',
    field: 'owner',
    message: 'the file is empty: missing; expected a string',
  },
  {
    name: 'misspelt top-level key',
    text: `${VALID}helth:\n  intervalMs: 1000\n`,
    at: 'helth:',
    field: 'helth',
    message: "unknown key 'helth'; did you mean 'health'?",
  },
  {
    name: 'misspelt nested key (wrong case)',
    text: `${VALID}health:\n  intervalMS: 1000\n`,
    at: 'intervalMS',
    field: 'health.intervalMS',
    message: "unknown key 'intervalMS'; did you mean 'intervalMs'?",
  },
  {
    name: 'misspelt key inside a list item',
    text: replace('healthUrl: http://127.0.0.12:8080/readyz', 'healthURL: http://127.0.0.12:8080/readyz'),
    at: 'healthURL',
    field: 'services[0].targets[1].healthURL',
    message: "unknown key 'healthURL'; did you mean 'healthUrl'?",
  },
  {
    name: 'unknown key with no near match lists the known ones',
    text: `${VALID}routing:\n  color: blue\n`,
    at: 'color: blue',
    field: 'routing.color',
    message: "unknown key 'color'; expected one of dwellMs",
  },
  {
    name: 'YAML syntax error',
    text: `${VALID}health: [\n`,
    at: '__end__',
    field: '(top level)',
    message: 'YAML syntax:',
  },
  {
    name: 'duplicate key',
    text: `${VALID}owner: again\n`,
    at: 'owner: again',
    field: '(top level)',
    message: 'YAML syntax: Map keys must be unique',
  },
  {
    name: 'service name outside the zone',
    text: replace('name: app.example.test', 'name: app.example.org'),
    at: 'app.example.org',
    field: 'services[0].name',
    message: 'expected a name inside the zone example.test',
  },
  {
    name: 'probe timeout not below the interval',
    text: `${VALID}health:\n  intervalMs: 1000\n  timeoutMs: 1000\n`,
    at: 'timeoutMs: 1000',
    field: 'health.timeoutMs',
    message: 'expected less than intervalMs (1000)',
  },
  {
    name: 'quorum larger than the vantage points',
    text: `${VALID}health:\n  vantagePoints: [{ id: vp-1 }, { id: vp-2 }]\n  quorum: 3\n`,
    at: 'quorum: 3',
    field: 'health.quorum',
    message: 'expected at most the number of vantagePoints (2)',
  },
  {
    name: 'wrong type for a TTL',
    text: replace('  - name: app.example.test\n', '  - name: app.example.test\n    ttl: thirty\n'),
    at: 'ttl: thirty',
    field: 'services[0].ttl',
    message: 'expected number, received string',
  },
  {
    name: 'missing providers',
    text: VALID.replace('providers:\n  route53:\n    hostedZoneId: Z1\n', ''),
    at: 'owner:',
    field: 'providers',
    message: 'missing; expected a mapping',
  },
  {
    name: 'a list where a mapping is expected',
    text: '- owner: x\n- zone: example.test\n',
    at: '- owner: x',
    field: '(top level)',
    message: 'expected object, received array',
  },
];

/** The 1-based line a case's error must name. */
export function expectedLine(c: BrokenConfig): number {
  if (c.at === '') return 1;
  const lines = c.text.split('\n');
  if (c.at === '__end__') return lines.length;
  const matches = lines.flatMap((l, i) => (l.includes(c.at) ? [i] : []));
  const index = matches[(c.nth ?? 1) - 1] ?? -1;
  if (index < 0) throw new Error(`fixture '${c.name}': '${c.at}' is not in the text`);
  return index + 1;
}

/** Escape for a RegExp. */
export const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The line of the message for this case: `file:LINE:COL: FIELD: …MESSAGE…`. */
export function expectedPattern(file: string, c: BrokenConfig): RegExp {
  return new RegExp(`${escapeRe(file)}:${expectedLine(c)}:\\d+: ${escapeRe(c.field)}: .*${escapeRe(c.message)}`);
}
