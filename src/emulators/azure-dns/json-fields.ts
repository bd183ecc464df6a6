/** Typed reads of request JSON that fail with ARM errors naming the field. */
import { badRequest, invalidFormat } from './arm-error.js';

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON null and a missing key mean the same to ARM: not given. */
export function given(v: unknown): boolean {
  return v !== undefined && v !== null;
}

export function asObject(v: unknown, field: string): JsonObject {
  if (!isObject(v)) throw invalidFormat(`'${field}' must be a JSON object.`, field);
  return v;
}

export function asArray(v: unknown, field: string): unknown[] {
  if (!Array.isArray(v)) throw invalidFormat(`'${field}' must be a JSON array.`, field);
  return v;
}

export function asString(v: unknown, field: string): string {
  if (typeof v !== 'string') throw invalidFormat(`'${field}' must be a string.`, field);
  return v;
}

export function requiredString(obj: JsonObject, key: string, field: string): string {
  const v = obj[key];
  if (!given(v)) throw badRequest(`'${field}' is required.`, field);
  return asString(v, field);
}

export function asInteger(v: unknown, field: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidFormat(`'${field}' must be an integer.`, field);
  if (v < min || v > max) throw badRequest(`'${field}' must be from ${min} to ${max}, got ${v}.`, field);
  return v;
}

export function requiredInteger(obj: JsonObject, key: string, field: string, min: number, max: number): number {
  const v = obj[key];
  if (!given(v)) throw badRequest(`'${field}' is required.`, field);
  return asInteger(v, field, min, max);
}

/** ARM tags and record-set metadata: string keys to string values. */
export function asStringMap(v: unknown, field: string): Record<string, string> {
  const obj = asObject(v, field);
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj)) {
    if (k.length === 0 || k.length > 512) throw badRequest(`'${field}' keys must be 1 to 512 characters.`, field);
    out[k] = asString(val, `${field}.${k}`);
  }
  return out;
}
