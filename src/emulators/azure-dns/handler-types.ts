/** What the route handlers take and give back; server.ts does the HTTP. */
import type { Preconditions } from './etag.js';

export interface ArmRequest {
  query: URLSearchParams;
  /** Parsed JSON body of a PUT or PATCH; undefined otherwise. */
  body: unknown;
  preconditions: Preconditions;
  /** `https://host:port` the client used, for absolute nextLinks. */
  origin: string;
  pathname: string;
}

export interface ArmResponse {
  status: number;
  body?: unknown;
  /** Sent as an ETag header too (the SDK reads the body's). */
  etag?: string;
}
