/**
 * all-down: every cloud fails. The backups go first (nothing to move: AWS is
 * still serving), then AWS. With no usable target the controller fails open:
 * it keeps the last published answer and raises an alert. The answer is never
 * empty and never changes (I1).
 */
import { present } from '../report.js';
import { answersOtherThan, effectiveWrites, firstAfter } from './checks.js';
import { patience, type TopologyScenario } from './scenario.js';

export const allDown: TopologyScenario = {
  kind: 'topology',
  name: 'all-down',
  summary: 'every cloud down: fail open (keep the last answer, raise an alert), never an empty answer',
  proves: 'I1 never empty: fail-open keeps the published answer; the alert is raised',
  async run(ctx) {
    const t = ctx.topology;
    const seen = (target: string, from: number) => () =>
      ctx.events().some((e) => e.type === 'verdict' && e.targetId === target && e.after === 'down' && e.at >= from);
    ctx.progress('fault: Azure and Google Cloud stop answering');
    const backupsDownAt = ctx.now();
    await Promise.all([t.chaosCloud('azure', 'down'), t.chaosCloud('gcp', 'down')]);
    const backups = await ctx.waitFor(() => seen('azure', backupsDownAt)() && seen('gcp', backupsDownAt)(), patience(ctx.settings));
    ctx.progress(backups ? 'azure and gcp are down by quorum; aws still serves' : 'azure and gcp were not both declared down in time');
    ctx.progress('fault: AWS stops answering too; every cloud is down');
    const faultAt = ctx.now();
    await t.chaosCloud('aws', 'down');
    const failOpen = await ctx.waitFor(
      () => ctx.events().some((e) => e.type === 'fail-open' && e.active && e.at >= faultAt),
      patience(ctx.settings),
    );
    ctx.progress(failOpen ? 'fail-open alert raised; watching the answer stay put' : 'no fail-open alert in time');
    // Long enough for a dwell-held or retried change to show up if there were one.
    await ctx.sleep(Math.max(ctx.settings.dwellMs, 2 * ctx.settings.health.intervalMs));
    return { faultAt, faultTarget: 'aws', marks: { backupsDownAt } };
  },
  judge({ obs, run, addresses, figures }) {
    const from = run.marks?.backupsDownAt ?? obs.faultAt;
    const alert = firstAfter(obs.events, 'fail-open', obs.faultAt, (e) => e.active);
    const writes = effectiveWrites(obs.events, from, obs.endedAt);
    const other = answersOtherThan(obs.answers, [addresses.aws], from, obs.endedAt);
    return {
      invariants: [
        present('detected', figures.detect_ms, 'aws declared down by quorum'),
        {
          name: 'fail-open alert raised',
          ok: alert !== undefined,
          detail: alert ? `after ${alert.at - obs.faultAt} ms: ${alert.reason}` : 'no fail-open event',
        },
        {
          name: 'nothing written',
          ok: writes.length === 0,
          detail:
            writes.length === 0
              ? 'no publish took effect once the clouds started failing'
              : `${writes.length} publish(es): ${writes.map((w) => `[${w.after.join(', ')}]`).join(', ')}`,
        },
        {
          name: 'answer unchanged',
          ok: other.length === 0,
          detail: other.length === 0 ? `every provider kept answering [${addresses.aws}]` : other.slice(0, 5).join('; '),
        },
      ],
      details: { fail_open_ms: alert ? alert.at - obs.faultAt : null, backups_down_before_ms: obs.faultAt - from },
    };
  },
};
