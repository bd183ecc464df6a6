/**
 * Verification over the data plane, against a small UDP nameserver whose
 * answer the test changes (dns-packet on both sides).
 */
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import dnsPacket from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askNameserver, servingNow, verifyServing } from '../../src/controller/verify.js';

let server: Socket;
let port = 0;
let answer: string[] = ['127.0.0.11'];
let queries = 0;

beforeAll(async () => {
  server = createSocket('udp4');
  server.on('message', (msg, rinfo) => {
    queries += 1;
    const q = dnsPacket.decode(msg);
    const question = q.questions?.[0];
    if (question === undefined) return;
    const reply = dnsPacket.encode({
      type: 'response',
      id: q.id,
      flags: dnsPacket.AUTHORITATIVE_ANSWER,
      questions: [question],
      answers: question.type === 'A' ? answer.map((data) => ({ type: 'A' as const, name: question.name, ttl: 30, data })) : [],
    });
    server.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('verify over DNS', () => {
  it('asks one nameserver and returns its addresses, sorted', async () => {
    answer = ['127.0.0.13', '127.0.0.12'];
    expect(await askNameserver({ host: '127.0.0.1', port }, 'app.example.test.', 'A', 500)).toEqual({
      ok: true,
      rcode: 'NOERROR',
      addresses: ['127.0.0.12', '127.0.0.13'],
    });
  });

  it('retries until the expected answer is served and records when', async () => {
    answer = ['127.0.0.11'];
    const before = queries;
    setTimeout(() => {
      answer = ['127.0.0.12'];
    }, 150);
    const decidedAt = Date.now();
    const [result] = await verifyServing({
      nameservers: [{ provider: 'route53', host: '127.0.0.1', port }],
      name: 'app.example.test',
      type: 'A',
      expected: ['127.0.0.12'],
      decidedAt,
      now: Date.now,
      timing: { attemptTimeoutMs: 200, deadlineMs: 2000, retryDelayMs: 50 },
    });
    expect(result).toMatchObject({ provider: 'route53', ok: true, addresses: ['127.0.0.12'] });
    expect(result?.attempts).toBeGreaterThan(1);
    expect(queries - before).toBe(result?.attempts);
    expect(result?.afterDecisionMs).toBe((result?.matchedAt as number) - decidedAt);
  });

  it('gives up at the deadline and says what was served instead; a silent server is a timeout', async () => {
    answer = ['127.0.0.11'];
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    try {
      const results = await verifyServing({
        nameservers: [
          { provider: 'azure', host: '127.0.0.1', port },
          { provider: 'clouddns', host: '127.0.0.1', port: (silent.address() as AddressInfo).port },
        ],
        name: 'app.example.test',
        type: 'A',
        expected: ['127.0.0.12'],
        decidedAt: 0,
        now: Date.now,
        timing: { attemptTimeoutMs: 100, deadlineMs: 300, retryDelayMs: 50 },
      });
      expect(results[0]).toMatchObject({
        provider: 'azure',
        ok: false,
        addresses: ['127.0.0.11'],
        error: 'answers [127.0.0.11] (NOERROR), expected [127.0.0.12]',
      });
      expect(results[1]).toMatchObject({ provider: 'clouddns', ok: false, addresses: [] });
      expect(results[1]?.error).toMatch(/no answer from 127\.0\.0\.1:\d+ within 100 ms/);
    } finally {
      silent.close();
    }
  });

  it('servingNow asks every nameserver once', async () => {
    answer = ['127.0.0.13'];
    const now = await servingNow([{ provider: 'route53', host: '127.0.0.1', port }], 'app.example.test', 'A', 300);
    expect(now.get('route53')).toEqual({ ok: true, rcode: 'NOERROR', addresses: ['127.0.0.13'] });
  });
});
