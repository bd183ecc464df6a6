/**
 * "Did you mean …?" for a misspelled configuration key: the known key closest
 * to what was typed, when it is close enough to be a likely typo.
 */
import type { z } from 'zod';

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate closest to `typed`, compared case-insensitively; undefined when
 * none is within a third of the word's length (at least one edit), so an
 * unrelated key gets no misleading suggestion.
 */
export function closest(typed: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(typed.length / 3));
  let best: { key: string; distance: number } | undefined;
  for (const key of candidates) {
    const distance = editDistance(typed.toLowerCase(), key.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}

interface SchemaDef {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
}

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/** Strip wrappers (optional, default, pipe, …) down to the schema that does the work. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let i = 0; i < 16; i++) {
    const def = defOf(current);
    const next = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
    if (next === undefined) return current;
    current = next;
  }
  return current;
}

/** The keys an object schema accepts at `path` (array indexes step into elements); empty when unknown. */
export function knownKeys(schema: z.ZodType, path: ReadonlyArray<PropertyKey>): string[] {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const key of path) {
    if (current === undefined) return [];
    const def = defOf(current);
    if (typeof key === 'number' && def.type === 'array' && def.element) current = unwrap(def.element);
    else if (typeof key === 'string' && def.type === 'object' && def.shape) {
      const next: z.ZodType | undefined = def.shape[key];
      current = next === undefined ? undefined : unwrap(next);
    } else return [];
  }
  if (current === undefined) return [];
  const def = defOf(current);
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}
