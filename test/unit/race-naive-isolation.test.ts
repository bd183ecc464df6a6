/**
 * The naive last-writer-wins writer (src/drills/race/naive-writer.ts and its
 * unconditional SDK calls, naive-writes.ts) is deliberately unsafe and exists
 * only for the race harness. Nothing under src/ outside src/drills/ may import
 * it: the product must not be able to reach it, not even by accident.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');
const HARNESS_ONLY = /(?:^|\/)naive-(?:writer|writes)(?:\.js|\.ts)?$/;

/** Module specifiers a TypeScript/JavaScript source imports, re-exports or loads dynamically. */
function importedSpecifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\bimport\s+(?:type\s+)?(?:[^'"]*?\s+from\s+)?['"]([^'"]+)['"]/g,
    /\bexport\s+(?:type\s+)?[^'"]*?\s+from\s+['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) found.push(m[1] as string);
  return found;
}

function importsNaiveWriter(source: string): boolean {
  return importedSpecifiers(source).some((s) => HARNESS_ONLY.test(s));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|mts|cts|js|mjs)$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

describe('the naive writer is harness-only', () => {
  it('recognises every way of importing it (so the scan below would catch one)', () => {
    expect(importsNaiveWriter(`import { runNaiveEnactor } from '../drills/race/naive-writer.js';`)).toBe(true);
    expect(importsNaiveWriter(`import type { UnconditionalDns } from '../../drills/race/naive-writes.js';`)).toBe(true);
    expect(importsNaiveWriter(`export { runNaiveEnactor } from './race/naive-writer.js';`)).toBe(true);
    expect(importsNaiveWriter(`export * from './race/naive-writes.js';`)).toBe(true);
    expect(importsNaiveWriter(`const m = await import('../drills/race/naive-writer.js');`)).toBe(true);
    expect(importsNaiveWriter(`import '../drills/race/naive-writes.js';`)).toBe(true);
    expect(importsNaiveWriter(`import {\n  runNaiveEnactor,\n} from "./naive-writer";`)).toBe(true);
    expect(importsNaiveWriter(`import { applyEverywhere } from '../controller/apply-everywhere.js';`)).toBe(false);
    expect(importsNaiveWriter(`// the naive-writer.js is harness-only`)).toBe(false);
  });

  it('is the file the harness uses, and it says so in its header', () => {
    for (const file of ['naive-writer.ts', 'naive-writes.ts']) {
      const text = readFileSync(join(SRC, 'drills', 'race', file), 'utf8');
      expect(text.slice(0, 400)).toMatch(/HARNESS ONLY/);
      expect(text.slice(0, 400)).toMatch(/DELIBERATELY UNSAFE/);
    }
  });

  it('no file under src/ outside src/drills/ imports it', () => {
    const files = sourceFiles(SRC).filter((f) => !relative(SRC, f).startsWith(`drills${sep}`));
    expect(files.length).toBeGreaterThan(50);
    const offenders = files.filter((f) => importsNaiveWriter(readFileSync(f, 'utf8'))).map((f) => relative(ROOT, f));
    expect(offenders, `product code imports the harness-only naive writer: ${offenders.join(', ')}`).toEqual([]);
  });
});
