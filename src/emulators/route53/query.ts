/** Query-string parameters of the list operations. */
import { invalidInput } from './errors.js';

export type Query = Record<string, unknown>;

/** One value of a parameter; repeated parameters are refused rather than guessed. */
export function param(query: Query, name: string): string | undefined {
  const v = query[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw invalidInput(`Query parameter '${name}' must be given once, as a plain value`);
  return v;
}

/**
 * `maxitems`: a positive integer; Route 53 caps larger values at the
 * operation's maximum rather than failing.
 */
export function maxItems(query: Query, fallback: number, max: number): number {
  const raw = param(query, 'maxitems');
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1) throw invalidInput(`maxitems must be a positive integer, got '${raw}'`);
  return Math.min(Number(raw), max);
}
