/**
 * A resolver's cache: entries live for their TTL on an injected clock, so tests
 * step time instead of waiting for it. Bounded, oldest entry out first.
 */

export interface CachedEntry<T> {
  readonly value: T;
  /** Seconds left, rounded up, as a resolver hands them on (never 0 while alive). */
  readonly remainingSeconds: number;
}

interface Slot<T> {
  value: T;
  expiresAt: number;
}

export class TtlCache<T> {
  private readonly slots = new Map<string, Slot<T>>();

  constructor(
    private readonly now: () => number,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string): CachedEntry<T> | undefined {
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    const left = slot.expiresAt - this.now();
    if (left <= 0) {
      this.slots.delete(key);
      return undefined;
    }
    return { value: slot.value, remainingSeconds: Math.ceil(left / 1000) };
  }

  /** A TTL of 0 (or less) means "do not cache", as RFC 1035 §3.2.1 says. */
  set(key: string, value: T, ttlSeconds: number): void {
    if (!(ttlSeconds > 0)) return;
    this.slots.delete(key);
    if (this.slots.size >= this.maxEntries) {
      const oldest = this.slots.keys().next();
      if (!oldest.done) this.slots.delete(oldest.value);
    }
    this.slots.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
  }

  clear(): void {
    this.slots.clear();
  }

  get size(): number {
    return this.slots.size;
  }
}
