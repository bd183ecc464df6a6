/**
 * dependency-dns-empty: the incident itself. AWS's instance stays up (its
 * /healthz answers 200) but the name of its dependency resolves to nothing, so
 * its deep readiness fails; only a readiness probe notices, and traffic moves.
 */
import { breakPrimary, movedAway } from './cloud-outage.js';
import type { TopologyScenario } from './scenario.js';

const HEALTH_DEADLINE_MS = 2_000;

async function status(url: string): Promise<number | string> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(HEALTH_DEADLINE_MS) });
    await res.arrayBuffer();
    return res.status;
  } catch (err) {
    return (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
  }
}

export const dependencyDnsEmpty: TopologyScenario = {
  kind: 'topology',
  name: 'dependency-dns-empty',
  summary: "AWS's dependency name resolves to nothing; the process is up, readiness fails; traffic moves",
  proves: 'deep readiness catches what liveness cannot (20 Oct 2025); I1; I2',
  async run(ctx) {
    const run = await breakPrimary(
      ctx,
      'dependency-dns-empty',
      "AWS's dependency name resolves to no address (chaos dependency-dns-empty)",
    );
    const aws = ctx.topology.clouds.aws.url;
    const [healthz, readyz] = await Promise.all([status(`${aws}/healthz`), status(`${aws}/readyz`)]);
    ctx.progress(`aws /healthz ${healthz}, /readyz ${readyz}`);
    return { ...run, facts: { healthz, readyz } };
  },
  judge(input) {
    const base = movedAway(input, 'azure');
    const { healthz, readyz } = input.run.facts ?? {};
    return {
      invariants: [
        ...base.invariants,
        {
          name: 'process alive, not ready',
          ok: healthz === 200 && readyz === 503,
          detail: `aws /healthz ${String(healthz)}, /readyz ${String(readyz)} (expected 200 and 503)`,
        },
      ],
      details: { ...base.details, aws_healthz: healthz ?? null, aws_readyz: readyz ?? null },
    };
  },
};
