/**
 * control-plane-outage: AWS's service fails AND Route 53's API is down, as on
 * 20 October 2025 when us-east-1 failed. Failover must complete through Azure
 * DNS and Cloud DNS alone (I5); Route 53's nameservers keep answering the old
 * address meanwhile (its data plane is up, nobody can change it), and Route 53
 * is reconciled once its API returns (I4).
 */
import { movingWrite, present, servedAfter } from '../report.js';
import { firstAfter } from './checks.js';
import { movedAway } from './cloud-outage.js';
import { patience, type TopologyScenario } from './scenario.js';

const REACHABLE = ['azure', 'clouddns'];
/** How long the drill keeps Route 53's API down after the others moved, to show its data plane lagging. */
export const API_DOWN_AFTER_MOVE_MS = 2_000;
/** The reconciler backs off up to 30 s between attempts. */
const RECONCILE_PATIENCE_MS = 40_000;

export const controlPlaneOutage: TopologyScenario = {
  kind: 'topology',
  name: 'control-plane-outage',
  summary: "AWS down and Route 53's API down: failover through Azure DNS and Cloud DNS; Route 53 reconciled when back",
  proves: "I5 no dependency on the failed cloud's control plane; I4 providers converge; I1; I2",
  async run(ctx) {
    const t = ctx.topology;
    const expected = [ctx.addresses.azure];
    ctx.progress("fault: Route 53's API goes down, then AWS stops answering");
    const faultAt = ctx.now();
    await t.chaosProvider('route53', 'api-down');
    await t.chaosCloud('aws', 'down');
    const moved = await ctx.waitFor(() => ctx.served(expected, REACHABLE), patience(ctx.settings));
    ctx.progress(
      moved
        ? `Azure DNS and Cloud DNS answer azure after ${ctx.now() - faultAt} ms; Route 53 still answers ${ctx.served([ctx.addresses.aws], ['route53']) ? 'the old address' : 'something else'}`
        : 'Azure DNS and Cloud DNS did not move in time',
    );
    await ctx.sleep(API_DOWN_AFTER_MOVE_MS);
    ctx.progress("heal: Route 53's API is back");
    const healAt = ctx.now();
    await t.chaosProvider('route53', 'heal');
    const reconciled = await ctx.waitFor(() => ctx.served(expected, ['route53']), RECONCILE_PATIENCE_MS);
    ctx.progress(
      reconciled ? `Route 53 answers azure ${ctx.now() - healAt} ms after its API returned` : 'Route 53 was not reconciled in time',
    );
    // Clients that asked Route 53 still hold the old answer for up to a TTL.
    if (reconciled) await ctx.waitFor(() => ctx.clientsOn('azure'), ctx.settings.ttl * 1000 + 5_000);
    return { faultAt, faultTarget: 'aws', expectedAnswer: expected, reachableProviders: REACHABLE, marks: { healAt } };
  },
  judge(input) {
    const { obs, run, addresses } = input;
    const base = movedAway(input, 'azure');
    const healAt = run.marks?.healAt ?? obs.endedAt;
    const expected = run.expectedAnswer ?? [addresses.azure];
    const write = movingWrite(obs.events, expected, obs.faultAt);
    const route53 = write?.providers.find((p) => p.provider === 'route53');
    const takers: string[] = (write?.providers ?? []).filter((p) => p.result === 'ok').map((p) => p.provider);
    const reconcileMs = servedAfter(obs.answers, expected, healAt, ['route53']);
    const inSync = firstAfter(obs.events, 'provider-sync', healAt, (e) => e.provider === 'route53' && e.after === 'in-sync');
    // Route 53's data plane after the others moved: still the old answer (reality, not a fault of the design).
    const othersAt = obs.faultAt + (input.figures.rto_ms ?? 0);
    const oldSpans = (obs.answers.route53 ?? []).filter(
      (s) => s.outcome === 'answer' && s.addresses.length === 1 && s.addresses[0] === addresses.aws && s.to >= othersAt,
    );
    const oldPolls = oldSpans.reduce((n, s) => n + s.polls, 0);
    const oldUntil = oldSpans.length > 0 ? Math.max(...oldSpans.map((s) => s.to)) : undefined;
    // "published everywhere" does not apply here: Route 53 cannot take the write.
    const invariants = base.invariants.filter((i) => i.name !== 'published everywhere');
    invariants.push(
      {
        name: 'failover without Route 53 (I5)',
        ok: write !== undefined && route53?.result !== 'ok' && REACHABLE.every((p) => takers.includes(p)),
        detail:
          write === undefined
            ? 'no write moved the answer'
            : `generation ${write.generation}: ${write.providers.map((p) => `${p.provider} ${p.result}`).join(', ')}`,
      },
      present('Route 53 reconciled (I4)', reconcileMs, 'Route 53 answers azure after its API returned'),
    );
    return {
      invariants,
      details: {
        ...base.details,
        route53_reconcile_ms: reconcileMs,
        route53_in_sync_event_ms: inSync ? inSync.at - healAt : null,
        route53_old_answer_polls: oldPolls,
        route53_old_answer_ms: oldUntil !== undefined ? Math.max(0, oldUntil - othersAt) : 0,
        route53_write_result: route53?.result ?? null,
        // Clients whose resolver asked Route 53 still got the old, dead address until it was reconciled.
        client_errors_until_reconciled: (obs.traffic ?? []).filter(
          (o) => !o.ok && o.endedAt >= obs.faultAt && o.endedAt <= healAt + (reconcileMs ?? obs.endedAt - healAt),
        ).length,
      },
    };
  },
};
