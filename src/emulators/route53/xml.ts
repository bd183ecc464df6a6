/**
 * XML in and out of the emulator. Requests are checked the way Route 53's schema
 * validation would see them (well-formed, one root of the expected name in the
 * 2013-04-01 namespace) and normalised to plain objects whose leaves are strings;
 * responses are built in the same namespace.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { invalidInput } from './errors.js';

export const ROUTE53_NS = 'https://route53.amazonaws.com/doc/2013-04-01/';

/** Elements that are list members: always arrays, even when there is one. */
const LIST_MEMBERS = new Set(['Change', 'ResourceRecord']);
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
  isArray: (tagName) => LIST_MEMBERS.has(tagName),
});

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', processEntities: true, suppressEmptyNode: false });

export type XmlValue = string | XmlObject | XmlValue[];
export interface XmlObject {
  [key: string]: XmlValue;
}

/** Parse a request body whose root element must be `root`; returns the root's content. */
export function parseRequestXml(body: string, root: string): XmlValue {
  if (body.trim() === '') throw invalidInput(`Invalid XML ; the request body is empty, expected a ${root} document`);
  // Entity declarations are the classic XML amplification vector; Route 53 takes none.
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) throw invalidInput('Invalid XML ; DOCTYPE and ENTITY declarations are not allowed');
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
  return normalise(content, root, 0);
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
  return `<?xml version="1.0"?>\n${builder.build({ [root]: { '@_xmlns': ROUTE53_NS, ...content } }) as string}`;
}
