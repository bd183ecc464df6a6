import { describe, expect, it } from 'vitest';
import { backoffDelay, callWithRetry, isConnectionError } from '../../src/providers/call.js';
import { ProviderError } from '../../src/providers/provider.js';

const policy = { timeoutMs: 50, maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1000 };

function ctx(sleeps: number[]) {
  return {
    provider: 'route53' as const,
    policy,
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
    random: () => 1,
    classify: (err: unknown) => {
      const m = (err as Error).message;
      if (m === 'throttle') return { error: new ProviderError('route53', 'throttled', m), retryAfterMs: 700 };
      if (m === 'conflict') return { error: new ProviderError('route53', 'conflict', m) };
      return { error: new ProviderError('route53', 'unavailable', m) };
    },
  };
}

describe('callWithRetry', () => {
  it("stops at the caller's signal: the attempt in flight is aborted, no retry, no backoff sleep; 'cancelled'", async () => {
    const sleeps: number[] = [];
    const controller = new AbortController();
    const seen: AbortSignal[] = [];
    let n = 0;
    const err = await callWithRetry({ ...ctx(sleeps), signal: controller.signal }, 'op', (signal) => {
      n++;
      seen.push(signal);
      setTimeout(() => controller.abort(new Error('stopping')), 5);
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted by the SDK'))));
    }).catch((e: unknown) => e);
    expect((err as ProviderError).kind).toBe('cancelled');
    expect((err as ProviderError).message).toContain('stopping');
    expect((err as ProviderError).retryable).toBe(false);
    expect(seen[0]?.aborted).toBe(true);
    expect(n).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('a signal that fires during the backoff ends the wait at once; an aborted signal sends nothing', async () => {
    const controller = new AbortController();
    let n = 0;
    const err = await callWithRetry(
      { ...ctx([]), signal: controller.signal, sleep: () => new Promise<void>(() => controller.abort(new Error('stopping'))) },
      'op',
      async () => {
        n++;
        throw new Error('down');
      },
    ).catch((e: unknown) => e);
    expect((err as ProviderError).kind).toBe('cancelled');
    expect(n).toBe(1);
    const again = await callWithRetry({ ...ctx([]), signal: controller.signal }, 'op', async () => {
      n++;
      return 1;
    }).catch((e: unknown) => e);
    expect((again as ProviderError).kind).toBe('cancelled');
    expect(n).toBe(1);
  });

  it('retries retryable errors with growing delays and returns the first success', async () => {
    const sleeps: number[] = [];
    let n = 0;
    const out = await callWithRetry(ctx(sleeps), 'op', async () => {
      n++;
      if (n < 3) throw new Error('down');
      return 'ok';
    });
    expect(out).toBe('ok');
    expect(n).toBe(3);
    expect(sleeps).toEqual([100, 200]);
  });

  it('honours Retry-After when it is longer than the backoff', async () => {
    const sleeps: number[] = [];
    let n = 0;
    await callWithRetry(ctx(sleeps), 'op', async () => {
      if (n++ === 0) throw new Error('throttle');
      return 1;
    });
    expect(sleeps).toEqual([700]);
  });

  it('throws conflicts at once, without retrying', async () => {
    const sleeps: number[] = [];
    let n = 0;
    const err = await callWithRetry(ctx(sleeps), 'op', async () => {
      n++;
      throw new Error('conflict');
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).kind).toBe('conflict');
    expect(n).toBe(1);
    expect(sleeps).toEqual([]);
  });

  it('gives up after maxAttempts with a message that says so', async () => {
    const err = await callWithRetry(ctx([]), 'ChangeResourceRecordSets', async () => {
      throw new Error('down');
    }).catch((e: unknown) => e as ProviderError);
    expect(err.kind).toBe('unavailable');
    expect(err.message).toBe('route53: unavailable: ChangeResourceRecordSets: gave up after 4 attempts: down');
  });

  it('aborts an attempt at its deadline and reports a timeout', async () => {
    let sawAbort = false;
    const err = await callWithRetry<never>({ ...ctx([]), policy: { ...policy, maxAttempts: 1 } }, 'op', (signal) => {
      return new Promise((_r, reject) => {
        signal.addEventListener('abort', () => {
          sawAbort = true;
          reject(new Error('aborted'));
        });
      });
    }).catch((e: unknown) => e as ProviderError);
    expect(sawAbort).toBe(true);
    expect(err.kind).toBe('timeout');
  });

  it('caps backoff at maxDelayMs', () => {
    expect(backoffDelay(10, policy, () => 1)).toBe(1000);
    expect(backoffDelay(0, policy, () => 0.5)).toBe(50);
  });
});

describe('isConnectionError', () => {
  it('finds connection codes in causes and aggregate errors', () => {
    expect(isConnectionError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isConnectionError(new Error('wrap', { cause: Object.assign(new Error('y'), { code: 'ECONNRESET' }) }))).toBe(true);
    expect(isConnectionError(new AggregateError([Object.assign(new Error('z'), { code: 'ECONNREFUSED' })]))).toBe(true);
    expect(isConnectionError(new Error('plain'))).toBe(false);
  });
});
