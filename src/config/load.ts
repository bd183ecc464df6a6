/**
 * Loading YAML configuration with errors a person can act on: every problem names
 * the file, the line and column, the field path and what was expected.
 */
import { readFileSync } from 'node:fs';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';

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
  const raw: unknown = doc.toJS() ?? {};
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(
      source,
      result.error.issues.map((issue) => {
        // An unknown key is reported at the key itself, not at the map holding it.
        const path = issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? [...issue.path, issue.keys[0]!] : issue.path;
        const pos = locate(doc, counter, path);
        return { path: formatPath(path), line: pos?.line, column: pos?.column, message: issue.message };
      }),
    );
  }
  return result.data as z.output<S>;
}

/** Read and validate a YAML (or JSON, which is YAML) configuration file. */
export function loadConfigFile<S extends z.ZodType>(file: string, schema: S): z.output<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    throw new ConfigError(file, [{ path: '', message: `cannot read the file (${code})` }]);
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
