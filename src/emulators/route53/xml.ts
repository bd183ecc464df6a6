/**
 * XML in and out of the emulator. Requests are checked the way Route 53's schema
 * validation would see them (well-formed, one root of the expected name in the
 * 2013-04-01 namespace) and normalised to plain objects whose leaves are strings;
 * responses are built in the same namespace.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { invalidInput } from './errors.js';

export const ROUTE53_NS = 'https://route53.amazonaws.com/doc/2013-04-01/';

/** Elements that are list members (by parent.child, as Key is both a list member and a Tag field): always arrays. */
const LIST_MEMBERS = new Set([
  'Changes.Change',
  'ResourceRecords.ResourceRecord',
  'AddTags.Tag',
  'RemoveTagKeys.Key',
  'ResourceIds.ResourceId',
  'Regions.Region',
  'ChildHealthChecks.ChildHealthCheck',
  'ResetElements.ResettableElementName',
]);
/** Deeper than any Route 53 request; bounds the work a hostile body can cause. */
const MAX_DEPTH = 16;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  // Values are compared exactly (DELETE is a compare-and-swap), so no trimming.
  trimValues: false,
  // Decodes numeric references (&#x0A;) that the SDK uses for control characters.
  htmlEntities: true,
  isArray: (_tagName, jPath) => LIST_MEMBERS.has(String(jPath).split('.').slice(-2).join('.')),
});

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', processEntities: true, suppressEmptyNode: false });

/** Characters outside XML 1.0's Char production (§2.2): never allowed in a document, raw or as a reference. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const PREDEFINED_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

const isXmlChar = (codePoint: number): boolean =>
  codePoint <= 0x10ffff && !String.fromCodePoint(codePoint).match(new RegExp(NOT_XML_CHAR.source, 'u'));

const hex = (codePoint: number): string => codePoint.toString(16).toUpperCase();

/**
 * What Route 53's parser (Xerces) refuses before any schema check: characters
 * outside XML's Char production, references to such characters (`&#0;`,
 * `&#x110000;`), and entities other than the five predefined ones. Messages
 * use Xerces' words; the offending text is never echoed raw.
 */
function characterProblem(body: string): string | undefined {
  const raw = body.match(new RegExp(NOT_XML_CHAR.source, 'u'))?.[0];
  if (raw !== undefined)
    return `An invalid XML character (Unicode: 0x${hex(raw.codePointAt(0) ?? 0)}) was found in the element content of the document.`;
  // References inside CDATA sections are literal text.
  const text = body.replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
  for (const m of text.matchAll(/&([^;&<>\s]*);?/g)) {
    const ref = m[1] ?? '';
    if (!m[0].endsWith(';') || ref === '') return "The entity name must immediately follow the '&' in the entity reference.";
    const numeric = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(ref);
    if (numeric) {
      const codePoint = numeric[1] !== undefined ? parseInt(numeric[1], 16) : Number(numeric[2]);
      if (!isXmlChar(codePoint)) return `Character reference "&${ref.slice(0, 12)}" is an invalid XML character.`;
      continue;
    }
    if (ref.startsWith('#')) return `A decimal or hexadecimal representation must immediately follow the "&#" in a character reference.`;
    if (!PREDEFINED_ENTITIES.has(ref)) return `The entity "${ref.slice(0, 64)}" was referenced, but not declared.`;
  }
  return undefined;
}

/** Text that may go into a response: characters XML cannot carry become visible `\uXXXX` escapes. */
export function xmlSafe(text: string): string {
  return text.replace(NOT_XML_CHAR, (ch) => `\\u${hex(ch.codePointAt(0) ?? 0).padStart(4, '0')}`);
}

export type XmlValue = string | XmlObject | XmlValue[];
export interface XmlObject {
  [key: string]: XmlValue;
}

/** Parse a request body whose root element must be `root`; returns the root's content. */
export function parseRequestXml(body: string, root: string): XmlValue {
  if (body.trim() === '') throw invalidInput(`Invalid XML ; the request body is empty, expected a ${root} document`);
  // Entity declarations are the classic XML amplification vector; Route 53 takes none.
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) throw invalidInput('Invalid XML ; DOCTYPE and ENTITY declarations are not allowed');
  const bad = characterProblem(body);
  if (bad) throw invalidInput(`Invalid XML ; ${xmlSafe(bad)}`);
  const check = XMLValidator.validate(body);
  if (check !== true) throw invalidInput(`Invalid XML ; line ${check.err.line}: ${check.err.msg}`);
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(body) as Record<string, unknown>;
  } catch (err) {
    throw invalidInput(`Invalid XML ; ${(err as Error).message}`);
  }
  const roots = Object.keys(doc).filter((k) => k !== '?xml');
  const found = roots[0];
  if (roots.length !== 1 || found === undefined) throw invalidInput(`Invalid XML ; expected one root element ${root}`);
  if (found !== root) throw invalidInput(`Invalid XML ; cvc-elt.1: Cannot find the declaration of element '${found}', expected '${root}'`);
  const content = doc[found];
  const ns = typeof content === 'object' && content !== null ? (content as Record<string, unknown>)['@_xmlns'] : undefined;
  if (ns !== ROUTE53_NS) throw invalidInput(`Invalid XML ; element '${root}' must be in namespace ${ROUTE53_NS}`);
  const request = normalise(content, root, 0);
  // `<Root xmlns=".."/>` (an UpdateHostedZoneComment without Comment) is an empty document, not a text.
  return request === '' ? {} : request;
}

/** Drop attributes and whitespace between elements; reject mixed content. */
function normalise(value: unknown, path: string, depth: number): XmlValue {
  if (depth > MAX_DEPTH) throw invalidInput(`Invalid XML ; elements nested too deeply at ${path}`);
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v, i) => normalise(v, `${path}[${i + 1}]`, depth + 1));
  if (typeof value !== 'object' || value === null) return String(value ?? '');
  const out: XmlObject = {};
  let text: string | undefined;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (key.startsWith('@_')) continue;
    if (key === '#text') {
      text = String(child);
      continue;
    }
    out[key] = normalise(child, `${path}.${key}`, depth + 1);
  }
  const elements = Object.keys(out).length;
  if (text !== undefined && text.trim() !== '') {
    if (elements > 0) throw invalidInput(`Invalid XML ; element ${path} mixes text with child elements`);
    return text;
  }
  // An element holding only attributes or whitespace is empty.
  return elements === 0 ? (text ?? '') : out;
}

/** A response document `<root xmlns=...>content</root>` with the XML prolog. */
export function buildResponseXml(root: string, content: Record<string, unknown>): string {
  // Every text is escaped by the builder; characters XML cannot carry at all (a NUL echoed from a URL) are made visible.
  return xmlSafe(`<?xml version="1.0"?>\n${builder.build({ [root]: { '@_xmlns': ROUTE53_NS, ...content } }) as string}`);
}
