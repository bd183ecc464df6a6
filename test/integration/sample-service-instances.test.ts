/**
 * The local topology's three "clouds": one instance each on 127.0.0.11, .12 and .13,
 * on the same port, each reporting its own cloud.
 */
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startSampleService, type SampleService } from '../../apps/sample-service/index.js';
import type { Cloud } from '../../apps/sample-service/config.js';
import { silentLogger } from '../../src/observability/logger.js';

const CLOUDS: { cloud: Cloud; region: string; host: string }[] = [
  { cloud: 'aws', region: 'us-east-1', host: '127.0.0.11' },
  { cloud: 'azure', region: 'westeurope', host: '127.0.0.12' },
  { cloud: 'gcp', region: 'europe-west1', host: '127.0.0.13' },
];

/** A port free on 127.0.0.11 right now (closed again before use). */
async function freePort(host: string): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, host, resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function startThree(port: (host: string) => number): Promise<SampleService[]> {
  return Promise.all(
    CLOUDS.map(({ cloud, region, host }) =>
      startSampleService({ cloud, region, instanceId: `${cloud}-1`, host, port: port(host) }, { logger: silentLogger() }),
    ),
  );
}

async function whoAnswers(url: string): Promise<{ cloud: string; region: string; instanceId: string; servedName: string }> {
  const res = await fetch(`${url}/`);
  expect(res.status).toBe(200);
  return (await res.json()) as { cloud: string; region: string; instanceId: string; servedName: string };
}

describe('three clouds side by side', () => {
  it('each instance on its own loopback address reports its own cloud', async () => {
    const services = await startThree(() => 0);
    try {
      for (const [i, svc] of services.entries()) {
        const expected = CLOUDS[i];
        expect(svc.host).toBe(expected?.host);
        expect(await whoAnswers(svc.url)).toMatchObject({
          cloud: expected?.cloud,
          region: expected?.region,
          instanceId: `${expected?.cloud}-1`,
          servedName: expected?.host,
        });
      }
    } finally {
      await Promise.all(services.map((s) => s.stop({ drainMs: 0 })));
    }
  });

  it('all three share one fixed port, as they would behind DNS', async () => {
    const port = await freePort('127.0.0.11');
    const services = await startThree(() => port);
    try {
      expect(services.map((s) => s.url)).toEqual([`http://127.0.0.11:${port}`, `http://127.0.0.12:${port}`, `http://127.0.0.13:${port}`]);
      const answers = await Promise.all(services.map((s) => whoAnswers(s.url)));
      expect(answers.map((a) => a.cloud)).toEqual(['aws', 'azure', 'gcp']);

      // Breaking one leaves the other two answering on the same port.
      await services[0]?.setChaos('down');
      const refused = await fetch(`http://127.0.0.11:${port}/`).then(
        () => 'answered',
        (err: { cause?: { code?: string } }) => err.cause?.code,
      );
      expect(refused).toBe('ECONNREFUSED');
      expect((await whoAnswers(`http://127.0.0.12:${port}`)).cloud).toBe('azure');
      expect((await whoAnswers(`http://127.0.0.13:${port}`)).cloud).toBe('gcp');
    } finally {
      await Promise.all(services.map((s) => s.stop({ drainMs: 0 })));
    }
  });
});
