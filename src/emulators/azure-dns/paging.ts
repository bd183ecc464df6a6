/**
 * ARM list paging: `$top` caps a page, and `nextLink` is an absolute URL carrying
 * `$skipToken`, the sort key of the last item returned. Items are sorted by key,
 * so a page boundary survives concurrent writes: no item present for the whole
 * listing is returned twice or skipped.
 */
import { badRequest } from './arm-error.js';

export const DEFAULT_TOP = 100;
export const MAX_TOP = 1000;

export interface PageRequest {
  top: number;
  /** Return only items whose key sorts after this one. */
  after?: string;
}

export function readPageRequest(query: URLSearchParams): PageRequest {
  const rawTop = query.get('$top');
  let top = DEFAULT_TOP;
  if (rawTop !== null) {
    top = Number(rawTop);
    if (!/^\d+$/.test(rawTop) || top < 1 || top > MAX_TOP) {
      throw badRequest(`'$top' must be an integer from 1 to ${MAX_TOP}, got '${rawTop}'.`, '$top');
    }
  }
  const token = query.get('$skipToken');
  if (token === null) return { top };
  const after = Buffer.from(token, 'base64url').toString('utf8');
  if (token.length === 0 || !/^[A-Za-z0-9_-]+$/.test(token) || Buffer.from(after, 'utf8').toString('base64url') !== token) {
    throw badRequest(`'$skipToken' is not a token this service issued.`, '$skipToken');
  }
  return { top, after };
}

export interface Page<T> {
  items: T[];
  /** Set when more items follow. */
  nextAfter?: string;
}

/** `items` must be sorted by `keyOf` (plain string order). */
export function paginate<T>(items: readonly T[], keyOf: (item: T) => string, req: PageRequest): Page<T> {
  const rest = req.after === undefined ? items : items.filter((i) => keyOf(i) > (req.after as string));
  const page = rest.slice(0, req.top);
  const last = page[page.length - 1];
  return rest.length > page.length && last !== undefined ? { items: page, nextAfter: keyOf(last) } : { items: page };
}

/**
 * The absolute URL of the next page: same path and filters, plus `$skipToken`.
 * Keys keep a literal `$` (legal in a query) so the SDK, which compares raw
 * query keys before adding its own `$top`, does not send the parameter twice.
 */
export function nextLink(origin: string, pathname: string, query: URLSearchParams, after: string, top: number): string {
  const pairs: [string, string][] = [
    ['api-version', query.get('api-version') ?? ''],
    ['$top', String(top)],
  ];
  const suffix = query.get('$recordsetnamesuffix');
  if (suffix !== null) pairs.push(['$recordsetnamesuffix', suffix]);
  pairs.push(['$skipToken', Buffer.from(after, 'utf8').toString('base64url')]);
  return `${origin}${pathname}?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
}
