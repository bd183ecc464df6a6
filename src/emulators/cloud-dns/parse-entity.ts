/** Turn a parsed JSON body into a typed entity, or a Google 400 that names the field. */
import type { z } from 'zod';
import { fieldPath, GoogleApiError, googleErrors } from './google-error.js';

function isRecord(v: unknown): v is Record<PropertyKey, unknown> {
  return typeof v === 'object' && v !== null;
}

function lookup(body: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let at: unknown = body;
  for (const key of path) {
    if (!isRecord(at) || !(key in at)) return { found: false, value: undefined };
    at = at[key];
  }
  return { found: true, value: at };
}

/** Scalars as sent, cut to stay readable; lists and objects only by their kind (they may be huge or deeply nested). */
function preview(value: unknown): unknown {
  if (Array.isArray(value)) return `<a list of ${value.length}>`;
  if (isRecord(value)) return '<an object>';
  const text = String(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : value;
}

/**
 * `root` is Google's name for the body, e.g. `entity.change`.
 * Missing field → 400 `required`; unknown field or wrong value → 400 `invalid`.
 */
export function parseEntity<S extends z.ZodType>(schema: S, body: unknown, root: string): z.output<S> {
  if (body === undefined) throw googleErrors.required(root);
  if (!isRecord(body) || Array.isArray(body)) {
    throw new GoogleApiError(400, 'invalid', `Invalid JSON payload received. '${root}' must be a JSON object.`);
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw googleErrors.invalid(root, '?');
  const path = issue.path as PropertyKey[];
  const where = fieldPath(root, path);
  if (issue.code === 'unrecognized_keys') {
    throw new GoogleApiError(
      400,
      'invalid',
      `Invalid JSON payload received. Unknown name "${issue.keys[0] ?? ''}" at '${where}': Cannot find field.`,
    );
  }
  const { found, value } = lookup(body, path);
  if (!found || value === null) throw googleErrors.required(where);
  throw googleErrors.invalid(where, preview(value), issue.message);
}
