/**
 * dependency-dns-empty: the incident itself. AWS's instance stays up (its
 * /healthz answers 200) but the name of its dependency resolves to nothing, so
 * its deep readiness fails; only a readiness probe notices, and traffic moves.
 * Its main endpoint needs the dependency, so clients get 503s until then: the
 * drill shows that impact, with the same detection bound as cloud-outage.
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
    const { obs, figures } = input;
    const movedAt = figures.rto_ms === null ? obs.endedAt : obs.faultAt + figures.rto_ms;
    const beforeFailover = (obs.traffic ?? []).filter((o) => !o.ok && o.endedAt >= obs.faultAt && o.endedAt <= movedAt).length;
    return {
      invariants: [
        ...base.invariants,
        {
          name: 'process alive, not ready',
          ok: healthz === 200 && readyz === 503,
          detail: `aws /healthz ${String(healthz)}, /readyz ${String(readyz)} (expected 200 and 503)`,
        },
        {
          name: 'clients felt the incident',
          ok: obs.traffic === undefined || beforeFailover > 0,
          detail:
            obs.traffic === undefined
              ? 'ran without traffic'
              : `${beforeFailover} client errors between the fault and every provider answering azure (the main endpoint needs its dependency)`,
        },
      ],
      details: {
        ...base.details,
        aws_healthz: healthz ?? null,
        aws_readyz: readyz ?? null,
        client_errors_before_failover: beforeFailover,
      },
    };
  },
};
