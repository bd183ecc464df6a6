/**
 * Loading YAML configuration with errors a person can act on: every problem names
 * the file, the line and column, the field path and what was expected.
 */
import { readFileSync } from 'node:fs';
import { isCollection, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { closest, knownKeys } from './suggest.js';

export interface ConfigProblem {
  /** Dotted path of the offending field, e.g. `services[0].targets[1].url`. */
  path: string;
  /** 1-based line/column in the file, when the field (or its nearest parent) exists there. */
  line?: number;
  column?: number;
  message: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly source: string,
    readonly problems: ConfigProblem[],
  ) {
    super(formatProblems(source, problems));
  }
}

function formatProblems(source: string, problems: ConfigProblem[]): string {
  const lines = problems.map((p) => {
    const where = p.line !== undefined ? `${source}:${p.line}:${p.column ?? 1}` : source;
    // A problem with the file itself (unreadable) has neither a line nor a field.
    if (p.path === '' && p.line === undefined) return `  ${where}: ${p.message}`;
    const field = p.path === '' ? '(top level)' : p.path;
    return `  ${where}: ${field}: ${p.message}`;
  });
  return `invalid configuration in ${source} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** Position of the deepest node of `path` that exists in the document. */
function locate(doc: Document, counter: LineCounter, path: ReadonlyArray<PropertyKey>): { line: number; column: number } | undefined {
  let node: unknown = doc.contents;
  let best: { line: number; column: number } | undefined;
  const mark = (n: unknown) => {
    const range = (n as { range?: [number, number, number] } | null)?.range;
    if (range) {
      const pos = counter.linePos(range[0]);
      best = { line: pos.line, column: pos.col };
    }
  };
  mark(node);
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((it) => (it.key as { value?: unknown } | null)?.value === key);
      if (!pair) break;
      mark(pair.key);
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      node = node.items[key];
      if (node === undefined) break;
      mark(node);
    } else break;
  }
  return best;
}

/** Where the YAML node at `path` (a visitor's ancestry) sits, as a field path. */
function fieldPath(ancestry: readonly unknown[], node: unknown): (string | number)[] {
  const out: (string | number)[] = [];
  const chain = [...ancestry, node];
  for (let i = 0; i < chain.length - 1; i++) {
    const parent = chain[i];
    const child = chain[i + 1];
    if (isPair(parent) && isScalar(parent.key)) out.push(String(parent.key.value));
    else if (isSeq(parent)) out.push(parent.items.indexOf(child as never));
  }
  return out;
}

/**
 * yaml refuses to expand aliases beyond a budget (a "billion laughs" bomb). Name the
 * alias that multiplies: the first one whose anchor itself contains aliases.
 */
function aliasBombProblem(doc: Document, counter: LineCounter): ConfigProblem {
  let found: { node: unknown; path: (string | number)[]; name: string } | undefined;
  let first: typeof found;
  visit(doc, {
    Alias(_key, node, ancestry) {
      const here = { node, path: fieldPath(ancestry, node), name: node.source };
      first ??= here;
      const target = node.resolve(doc);
      let nested = false;
      if (target && isCollection(target)) {
        visit(target, {
          Alias() {
            nested = true;
            return visit.BREAK;
          },
        });
      }
      if (nested) {
        found = here;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  const at = found ?? first;
  const range = (at?.node as { range?: [number, number, number] } | undefined)?.range;
  const pos = range ? counter.linePos(range[0]) : { line: 1, col: 1 };
  return {
    path: at ? formatPath(at.path) : '',
    line: pos.line,
    column: pos.col,
    message: `YAML aliases expand too far (*${at?.name ?? '?'} repeats an anchor that itself holds aliases); refused as a resource-exhaustion guard, expected plain values`,
  };
}

/** One problem per unknown key, placed at the key itself, with the closest known key when it looks like a typo. */
function unknownKeyProblems(
  issue: z.core.$ZodIssueUnrecognizedKeys,
  schema: z.ZodType,
  doc: Document,
  counter: LineCounter,
): ConfigProblem[] {
  const known = knownKeys(schema, issue.path);
  return issue.keys.map((key) => {
    const path = [...issue.path, key];
    const pos = locate(doc, counter, path);
    const guess = closest(key, known);
    const hint = guess !== undefined ? `; did you mean '${guess}'?` : known.length > 0 ? `; expected one of ${known.join(', ')}` : '';
    return { path: formatPath(path), line: pos?.line, column: pos?.column, message: `unknown key '${key}'${hint}` };
  });
}

/** Parse YAML text and validate it; throws ConfigError naming `source` on any problem. */
export function parseConfig<S extends z.ZodType>(text: string, schema: S, source: string): z.output<S> {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((e) => {
        const pos = counter.linePos(e.pos[0]);
        return { path: '', line: pos.line, column: pos.col, message: `YAML syntax: ${e.message.split('\n')[0]}` };
      }),
    );
  }
  // An empty file is an empty mapping: fine where every setting has a default, otherwise each missing field is named.
  const empty = doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null);
  let raw: unknown = {};
  try {
    if (!empty) raw = doc.toJS();
  } catch (err) {
    if (err instanceof ReferenceError && /alias/i.test(err.message) && containsAlias(doc)) {
      throw new ConfigError(source, [aliasBombProblem(doc, counter)]);
    }
    throw new ConfigError(source, [{ path: '', line: 1, column: 1, message: `YAML: ${(err as Error).message}` }]);
  }
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(
      source,
      result.error.issues.flatMap((issue): ConfigProblem[] => {
        if (issue.code === 'unrecognized_keys') return unknownKeyProblems(issue, schema, doc, counter);
        const pos = locate(doc, counter, issue.path) ?? { line: 1, column: 1 };
        const missing = issue.code === 'invalid_type' && / received undefined$/.test(issue.message);
        const message = missing ? `missing; expected ${issue.expected === 'object' ? 'a mapping' : `a ${issue.expected}`}` : issue.message;
        return [
          { path: formatPath(issue.path), line: pos.line, column: pos.column, message: empty ? `the file is empty: ${message}` : message },
        ];
      }),
    );
  }
  return result.data as z.output<S>;
}

function containsAlias(doc: Document): boolean {
  let found = false;
  visit(doc, {
    Alias() {
      found = true;
      return visit.BREAK;
    },
  });
  return found;
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file; expected the path of a YAML file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory; expected a YAML file',
};

/** Read and validate a YAML (or JSON, which is YAML) configuration file. */
export function loadConfigFile<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    throw new ConfigError(file, [
      { path: '', message: `cannot read the configuration file: ${READ_ERRORS[code] ?? 'read failed'} (${code})` },
    ]);
  }
  return parseConfig(text, schema, file);
}

/**
 * Validate values taken from environment variables; `names` maps each schema key
 * to the variable it came from, so the error names the variable.
 */
export function parseEnv<S extends z.ZodType>(values: Record<string, unknown>, schema: S, names: Record<string, string>): z.output<S> {
  const result = schema.safeParse(values);
  if (!result.success) {
    throw new ConfigError(
      'environment',
      result.error.issues.map((issue) => {
        const top = issue.path[0];
        const variable = typeof top === 'string' ? names[top] : undefined;
        return { path: variable ?? formatPath(issue.path), message: issue.message };
      }),
    );
  }
  return result.data as z.output<S>;
}
