/**
 * The layering rules (docs/architecture.md, "Layering"), checked over the
 * repo's own module graph as TypeScript resolves it: every import, export-from
 * and dynamic import, type-only ones included (a type import is still a
 * dependency a reader has to follow).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Repo-relative POSIX path → the repo-relative files or bare package names it imports. */
export type ModuleGraph = Map<string, string[]>;

export interface Violation {
  rule: string;
  from: string;
  to: string;
}

const SCANNED_ROOTS = ['src', 'apps'];

function listTs(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...listTs(root, rel));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/**
 * Builds the graph of src/ and apps/. `overlay` adds or replaces files in memory
 * (repo-relative path → source text), so the self-check can plant a broken import
 * without touching the tree.
 */
export function buildGraph(root: string, overlay: ReadonlyMap<string, string> = new Map()): ModuleGraph {
  const configPath = path.join(root, 'tsconfig.json');
  const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, root);
  const abs = (rel: string): string => path.join(root, rel);
  const overlayAbs = new Map([...overlay].map(([rel, text]) => [abs(rel), text]));
  const host: ts.ModuleResolutionHost = {
    fileExists: (f) => overlayAbs.has(f) || ts.sys.fileExists(f),
    readFile: (f) => overlayAbs.get(f) ?? ts.sys.readFile(f),
    directoryExists: (d) => ts.sys.directoryExists?.(d) ?? true,
    realpath: (p) => ts.sys.realpath?.(p) ?? p,
  };
  const files = new Set([...SCANNED_ROOTS.flatMap((r) => listTs(root, r)), ...overlay.keys()]);
  const graph: ModuleGraph = new Map();
  for (const file of files) {
    const text = overlay.get(file) ?? readFileSync(abs(file), 'utf8');
    const { importedFiles } = ts.preProcessFile(text, true, true);
    const targets: string[] = [];
    for (const { fileName: spec } of importedFiles) {
      const resolved = ts.resolveModuleName(spec, abs(file), parsed.options, host).resolvedModule;
      if (resolved && !resolved.isExternalLibraryImport) {
        targets.push(path.relative(root, resolved.resolvedFileName).split(path.sep).join('/'));
      } else if (spec.startsWith('.')) {
        throw new Error(`${file}: import '${spec}' does not resolve to a file (expected a path that exists)`);
      } else {
        targets.push(spec);
      }
    }
    graph.set(file, targets);
  }
  return graph;
}

const under = (dir: string) => (p: string) => p.startsWith(`${dir}/`);
const isRepoFile = (p: string): boolean => p.includes('/') && !p.startsWith('@') && p.endsWith('.ts');

/**
 * Where the local emulators may be started or read: the emulators themselves, the
 * drills that inject faults into them and inspect what they committed, and the
 * composition roots on the apps side (CLI, local topology).
 */
const MAY_USE_EMULATORS = ['src/emulators', 'src/drills', 'apps/cli', 'apps/topology'];

interface EdgeRule {
  name: string;
  from: (p: string) => boolean;
  to: (p: string) => boolean;
}

export const EDGE_RULES: readonly EdgeRule[] = [
  { name: 'src/ never imports apps/', from: under('src'), to: under('apps') },
  { name: 'src/observability does not import src/controller', from: under('src/observability'), to: under('src/controller') },
  {
    name: 'HTTP handlers live in apps/: only src/emulators uses express inside src/',
    from: (p) => under('src')(p) && !under('src/emulators')(p),
    to: (p) => p === 'express' || p.startsWith('express/') || p === 'express-rate-limit',
  },
  {
    name: 'no production module imports src/emulators',
    from: (p) => !MAY_USE_EMULATORS.some((d) => under(d)(p)),
    to: under('src/emulators'),
  },
  {
    name: 'src/emulators imports nothing of the product',
    from: under('src/emulators'),
    to: (p) => isRepoFile(p) && !under('src/emulators')(p),
  },
];

/** Strongly connected components with more than one module (Tarjan), each sorted. */
export function findCycles(graph: ModuleGraph): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return cycles;
}

export function checkLayering(graph: ModuleGraph): Violation[] {
  const violations: Violation[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      for (const rule of EDGE_RULES) if (rule.from(from) && rule.to(to)) violations.push({ rule: rule.name, from, to });
    }
  }
  for (const cycle of findCycles(graph)) violations.push({ rule: 'no import cycles', from: cycle[0]!, to: cycle.join(' → ') });
  return violations;
}
