/** The shared request-body bounds of the emulator APIs (src/emulators/core/http-body.ts), without a server. */
import type { IncomingMessage } from 'node:http';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BodyError, decodeBody, jsonDepthExceeded, parseJsonBounded } from '../../src/emulators/core/http-body.js';

const withHeaders = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('jsonDepthExceeded', () => {
  it('counts objects and arrays, not brackets inside strings (escaped quotes included)', () => {
    expect(jsonDepthExceeded('{"a":[{"b":1}]}', 3)).toBeUndefined();
    expect(jsonDepthExceeded('{"a":[{"b":[1]}]}', 3)).toBe(4);
    expect(jsonDepthExceeded(`{"s":"${'['.repeat(500)}"}`, 1)).toBeUndefined();
    expect(jsonDepthExceeded(`{"s":"\\"${'{'.repeat(10)}"}`, 1)).toBeUndefined();
    expect(jsonDepthExceeded(`{"s":"\\\\"${'['.repeat(10)}`, 5)).toBe(6); // the string ended at the escaped backslash
  });

  it('stops at the first level over the bound (a megabyte of nesting costs one short scan)', () => {
    const deep = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
    expect(jsonDepthExceeded(deep, 64)).toBe(65);
    expect(() => parseJsonBounded(deep, 64)).toThrow(BodyError);
    expect(parseJsonBounded(`${'['.repeat(64)}${']'.repeat(64)}`, 64)).toBeInstanceOf(Array);
  });

  it('reports a syntax error as entity.parse.failed and too deep as entity.too.deep, both 400', () => {
    expect(() => parseJsonBounded('{', 64)).toThrow(expect.objectContaining({ status: 400, type: 'entity.parse.failed' }));
    expect(() => parseJsonBounded('[[[1]]]', 2)).toThrow(expect.objectContaining({ status: 400, type: 'entity.too.deep' }));
  });
});

describe('decodeBody', () => {
  it('inflates gzip up to the size limit and refuses a bomb with 413 instead of inflating it', () => {
    const small = Buffer.from('{"a":1}');
    expect(decodeBody(withHeaders({ 'content-encoding': 'gzip' }), gzipSync(small), 1024).equals(small)).toBe(true);
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024)); // 50 MB of zeros in ~50 kB
    expect(bomb.length).toBeLessThan(100 * 1024);
    expect(() => decodeBody(withHeaders({ 'content-encoding': 'gzip' }), bomb, 1024 * 1024)).toThrow(
      expect.objectContaining({ status: 413, type: 'entity.too.large' }),
    );
  });

  it('refuses unknown encodings (415) and corrupt data (400)', () => {
    expect(() => decodeBody(withHeaders({ 'content-encoding': 'zstd' }), Buffer.from('x'), 10)).toThrow(
      expect.objectContaining({ status: 415, type: 'encoding.unsupported' }),
    );
    expect(() => decodeBody(withHeaders({ 'content-encoding': 'gzip' }), Buffer.from([1, 2, 3]), 10)).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });
});
