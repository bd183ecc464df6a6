/**
 * List paging with `maxResults` / `pageToken` / `nextPageToken`. The token is a
 * cursor (the last key returned), not an offset, so writes between pages neither
 * skip nor repeat items that were there all along.
 */
import { GoogleApiError, googleErrors } from './google-error.js';

const INT32_MAX = 2_147_483_647;
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './limits.js';

export interface PageRequest {
  maxResults?: string;
  pageToken?: string;
}

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

function decodeToken(token: string): string {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'after' in parsed && typeof parsed.after === 'string') return parsed.after;
  } catch {
    // fall through to the error below
  }
  throw googleErrors.invalid('parameters.pageToken', token, 'use the nextPageToken of the previous page');
}

export function pageSize(maxResults: string | undefined, defaultSize = DEFAULT_PAGE_SIZE): number {
  if (maxResults === undefined) return defaultSize;
  if (!/^\d+$/.test(maxResults) || Number(maxResults) < 1) {
    throw googleErrors.invalid('parameters.maxResults', maxResults, 'a positive integer');
  }
  // The discovery document types maxResults as int32; Google's front end refuses what does not fit.
  if (Number(maxResults) > INT32_MAX) {
    throw new GoogleApiError(400, 'invalid', `Invalid value at 'max_results' (TYPE_INT32), "${maxResults.slice(0, 40)}"`);
  }
  return Math.min(Number(maxResults), MAX_PAGE_SIZE);
}

/** `sorted` must be in ascending order of `keyOf` under `compare`. */
export function paginate<T>(
  sorted: readonly T[],
  keyOf: (item: T) => string,
  request: PageRequest,
  options: { defaultSize?: number; compare?: (a: string, b: string) => number } = {},
): Page<T> {
  const compare = options.compare ?? ((a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0));
  const size = pageSize(request.maxResults, options.defaultSize);
  let start = 0;
  if (request.pageToken !== undefined && request.pageToken !== '') {
    const after = decodeToken(request.pageToken);
    start = sorted.findIndex((item) => compare(keyOf(item), after) > 0);
    if (start < 0) start = sorted.length;
  }
  const items = sorted.slice(start, start + size);
  const last = items[items.length - 1];
  const more = start + size < sorted.length && last !== undefined;
  return more ? { items, nextPageToken: Buffer.from(JSON.stringify({ after: keyOf(last) })).toString('base64url') } : { items };
}
