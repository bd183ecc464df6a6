/** The client error window and latency percentiles, from synthetic timelines. */
import { describe, expect, it } from 'vitest';
import { clientErrorWindow, percentile, type RequestOutcome, type TrafficErrorKind } from '../../src/drills/traffic-timeline.js';

let seq = 0;
const ok = (endedAt: number, cloud = 'aws'): RequestOutcome => ({
  seq: ++seq,
  startedAt: endedAt - 5,
  endedAt,
  latencyMs: 5,
  ok: true,
  cloud,
  status: 200,
});
const fail = (endedAt: number, error: TrafficErrorKind = 'timeout'): RequestOutcome => ({
  seq: ++seq,
  startedAt: endedAt - 5,
  endedAt,
  latencyMs: 5,
  ok: false,
  error,
  detail: error,
});
const oks = (from: number, n: number, step = 50, cloud = 'azure') => Array.from({ length: n }, (_, i) => ok(from + i * step, cloud));

describe('client error window', () => {
  it('runs from the first error after the fault to the last error before steady success', () => {
    const timeline = [
      fail(900, 'http-5xx'), // before the fault: not ours
      ...oks(950, 2, 25, 'aws'),
      ok(1_010, 'aws'),
      fail(1_100, 'connect-refused'),
      fail(1_150, 'connect-refused'),
      ok(1_160, 'aws'), // one success is not steady
      fail(1_300, 'timeout'),
      ...oks(1_400, 10),
      fail(5_000, 'dns-empty'), // after steady success: something else
    ];
    expect(clientErrorWindow(timeline, 1_000, { steadySuccesses: 10 })).toEqual({
      client_errors: 3,
      client_error_window_ms: 200,
      firstErrorAt: 1_100,
      lastErrorAt: 1_300,
      steadySince: 1_400,
      recovered: true,
      errorsByKind: { 'connect-refused': 2, timeout: 1 },
    });
  });

  it('keeps the window open until openUntilMs: successes before it do not end it', () => {
    // Until every provider serves a healthy target, some clients still fail between successes.
    const timeline = [fail(100), ...oks(150, 12), fail(800), ...oks(900, 12), fail(1_600), ...oks(2_000, 12)];
    expect(clientErrorWindow(timeline, 0, { steadySuccesses: 10 })).toMatchObject({ client_errors: 1, lastErrorAt: 100 });
    expect(clientErrorWindow(timeline, 0, { steadySuccesses: 10, openUntilMs: 1_700 })).toMatchObject({
      client_errors: 3,
      client_error_window_ms: 1_500,
      steadySince: 2_000,
      recovered: true,
    });
  });

  it('reports no window when nothing failed', () => {
    expect(clientErrorWindow(oks(0, 20), 0)).toEqual({ client_errors: 0, client_error_window_ms: 0, recovered: true, errorsByKind: {} });
    expect(clientErrorWindow([], 0)).toMatchObject({ client_errors: 0, recovered: true });
  });

  it('is not recovered while the steady run is still short, and counts every error up to the end', () => {
    const timeline = [fail(100), fail(200, 'dns-timeout'), ...oks(300, 4)];
    expect(clientErrorWindow(timeline, 0, { steadySuccesses: 5 })).toEqual({
      client_errors: 2,
      client_error_window_ms: 100,
      firstErrorAt: 100,
      lastErrorAt: 200,
      recovered: false,
      errorsByKind: { timeout: 1, 'dns-timeout': 1 },
    });
  });

  it('orders by when the client saw each outcome, and honours toMs', () => {
    // Recorded out of order (a slow timeout finishes after later requests).
    const timeline = [ok(100), fail(400), fail(250, 'connect-refused'), ok(300), fail(900)];
    expect(clientErrorWindow(timeline, 0, { steadySuccesses: 3, toMs: 500 })).toMatchObject({
      client_errors: 2,
      client_error_window_ms: 150,
      firstErrorAt: 250,
      lastErrorAt: 400,
      recovered: false,
    });
  });

  it('a single error is a window of 0 ms with one error', () => {
    expect(clientErrorWindow([ok(10), fail(20), ...oks(30, 10)], 0)).toMatchObject({
      client_errors: 1,
      client_error_window_ms: 0,
      recovered: true,
      steadySince: 30,
    });
  });
});

describe('percentile (nearest rank)', () => {
  it('takes the value at rank ceil(p × n)', () => {
    const values = Array.from({ length: 20 }, (_, i) => 20 - i); // 20..1, unsorted on purpose
    expect(percentile(values, 50)).toBe(10);
    expect(percentile(values, 95)).toBe(19);
    expect(percentile(values, 100)).toBe(20);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });
});
