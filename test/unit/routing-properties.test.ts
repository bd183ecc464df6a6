/**
 * Properties of the routing core over arbitrary health histories:
 * I1: no decision ever names an empty answer, and the answer a simulated
 *     controller publishes is never empty.
 * I6: let a change be "urgent" when it skipped the dwell. Every non-urgent change
 *     comes at least dwellMs after the previous change, hence in any window of T ms
 *     there are at most floor(T / dwellMs) + 1 non-urgent changes; an urgent change
 *     only happens when the published answer held a target that is down by quorum
 *     or drained, or to apply a pin. With verdicts flapping between up and unknown
 *     and no overrides, every change is non-urgent, so that bound holds for all changes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLOUDS } from '../../src/config/schema.js';
import { judgeTarget, type VerdictKind } from '../../src/health/quorum.js';
import { INITIAL_TARGET_STATE, observe, type TargetState } from '../../src/health/target-state.js';
import { sameAddresses, type PublishedAnswer, type RoutedService } from '../../src/routing/answer.js';
import { decide } from '../../src/routing/decide.js';
import { shouldPublish, type Decision } from '../../src/routing/decision.js';
import type { ServiceOverrides } from '../../src/routing/overrides.js';

const serviceArb: fc.Arbitrary<RoutedService> = fc
  .record({
    policy: fc.constantFrom('failover' as const, 'multivalue' as const),
    targets: fc.array(fc.record({ cloud: fc.constantFrom(...CLOUDS), priority: fc.integer({ min: 0, max: 3 }) }), {
      minLength: 1,
      maxLength: 4,
    }),
  })
  .map(({ policy, targets }) => ({
    name: 'app.example.test',
    type: 'A' as const,
    policy,
    targets: targets.map((t, i) => ({ id: `t${i}`, cloud: t.cloud, address: `192.0.2.${i + 1}`, priority: t.priority })),
  }));

interface Step {
  readonly dt: number;
  readonly health: readonly VerdictKind[];
  readonly overrides: ServiceOverrides;
}

const stepArb = (kinds: readonly VerdictKind[], withOverrides: boolean): fc.Arbitrary<Step> =>
  fc.record({
    dt: fc.integer({ min: 0, max: 4000 }),
    health: fc.array(fc.constantFrom(...kinds), { minLength: 4, maxLength: 4 }),
    overrides: withOverrides
      ? fc.record({
          drainedClouds: fc.subarray([...CLOUDS]),
          pinnedTargetId: fc.option(fc.constantFrom('t0', 't1', 't2', 't3', 'missing'), { nil: undefined }),
          paused: fc.boolean(),
        })
      : fc.constant({ drainedClouds: [], paused: false }),
  });

const publishedArb = fc.option(
  fc.record({
    addresses: fc.subarray(['192.0.2.1', '192.0.2.2', '198.51.100.9']),
    changedAt: fc.integer({ min: -10_000, max: 0 }),
    generation: fc.nat(5),
  }),
  { nil: undefined },
);

interface Recorded {
  readonly at: number;
  readonly decision: Decision;
  readonly before: PublishedAnswer | undefined;
  readonly step: Step;
}

/** Run decide() as the controller would: publish when told to, stamping the change time. */
function simulate(service: RoutedService, initial: PublishedAnswer | undefined, steps: readonly Step[], dwellMs: number): Recorded[] {
  let published = initial;
  let now = 0;
  const out: Recorded[] = [];
  for (const step of steps) {
    now += step.dt;
    const verdicts = new Map(service.targets.map((t, i) => [t.id, { kind: step.health[i] ?? 'unknown' }]));
    const decision = decide({ service, verdicts, published, overrides: step.overrides, now, dwellMs });
    out.push({ at: now, decision, before: published, step });
    if (shouldPublish(decision))
      published = { addresses: decision.addresses, changedAt: now, generation: (published?.generation ?? 0) + 1 };
  }
  return out;
}

const healthOf = (service: RoutedService, step: Step, id: string): VerdictKind =>
  step.health[service.targets.findIndex((t) => t.id === id)] ?? 'unknown';

describe('I1: never an empty answer', () => {
  it('holds for every decision over arbitrary health, overrides and published state', () => {
    fc.assert(
      fc.property(
        serviceArb,
        publishedArb,
        fc.array(stepArb(['up', 'down', 'unknown'], true), { maxLength: 40 }),
        fc.integer({ min: 0, max: 10_000 }),
        (service, initial, steps, dwellMs) => {
          const known = new Set([...service.targets.map((t) => t.address), ...(initial?.addresses ?? [])]);
          for (const { decision, before } of simulate(service, initial, steps, dwellMs)) {
            expect(decision.addresses.length).toBeGreaterThan(0);
            for (const a of decision.addresses) expect(known.has(a)).toBe(true);
            for (const id of decision.targetIds) expect(service.targets.some((t) => t.id === id)).toBe(true);
            // A decision that writes nothing describes exactly what is live.
            if (!shouldPublish(decision) && before !== undefined && before.addresses.length > 0) {
              expect(sameAddresses(service, decision.addresses, before.addresses)).toBe(true);
            }
            if (shouldPublish(decision))
              expect(decision.kind === 'change' || (decision.kind === 'fail-open' && (before?.addresses.length ?? 0) === 0)).toBe(true);
          }
        },
      ),
    );
  });
});

describe('I6: dwell bounds flapping', () => {
  it('non-urgent changes are at least dwellMs apart; urgent ones only leave a down or drained target or apply a pin', () => {
    fc.assert(
      fc.property(
        serviceArb,
        publishedArb,
        fc.array(stepArb(['up', 'down', 'unknown'], true), { maxLength: 40 }),
        fc.integer({ min: 1, max: 10_000 }),
        (service, initial, steps, dwellMs) => {
          for (const { at, decision, before, step } of simulate(service, initial, steps, dwellMs)) {
            if (decision.kind !== 'change' || before === undefined || before.addresses.length === 0) continue;
            if (!decision.urgent) {
              expect(at - before.changedAt).toBeGreaterThanOrEqual(dwellMs);
              continue;
            }
            const leftDown =
              decision.previous?.targetIds.some((id) => healthOf(service, step, id) === 'down' && !decision.targetIds.includes(id)) ??
              false;
            const leftDrained =
              !decision.overrides.drainIgnored &&
              (decision.previous?.targetIds.some(
                (id) =>
                  step.overrides.drainedClouds.includes(service.targets.find((t) => t.id === id)!.cloud) &&
                  !decision.targetIds.includes(id),
              ) ??
                false);
            const pinApplied = step.overrides.pinnedTargetId !== undefined && !decision.overrides.pinIgnored;
            expect(leftDown || leftDrained || pinApplied).toBe(true);
          }
        },
      ),
    );
  });

  it('with verdicts flapping between up and unknown, at most floor(T / dwellMs) + 1 changes in any window of T ms', () => {
    fc.assert(
      fc.property(
        serviceArb,
        publishedArb,
        fc.array(stepArb(['up', 'unknown'], false), { maxLength: 60 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 30_000 }),
        (service, initial, steps, dwellMs, windowMs) => {
          const changes = simulate(service, initial, steps, dwellMs)
            .filter(({ decision }) => shouldPublish(decision))
            .map((r) => {
              if (r.decision.kind === 'change') expect(r.decision.urgent).toBe(false);
              return r.at;
            });
          for (const start of changes) {
            const inWindow = changes.filter((c) => c >= start && c <= start + windowMs).length;
            expect(inWindow).toBeLessThanOrEqual(Math.floor(windowMs / dwellMs) + 1);
          }
        },
      ),
    );
  });
});

describe('probe → state → quorum → decision', () => {
  const service: RoutedService = {
    name: 'app.example.test',
    type: 'A',
    policy: 'failover',
    targets: [
      { id: 'aws', cloud: 'aws', address: '192.0.2.1', priority: 10 },
      { id: 'azure', cloud: 'azure', address: '192.0.2.2', priority: 20 },
      { id: 'gcp', cloud: 'gcp', address: '192.0.2.3', priority: 30 },
    ],
  };
  const vps = ['vp-1', 'vp-2', 'vp-3'];
  const cfg = { rise: 2, fall: 3 };

  /** Feed per-step probe outcomes [target][vantage] through the whole pure pipeline. */
  function pipeline(policy: RoutedService['policy'], rounds: readonly (readonly (readonly boolean[])[])[]) {
    const svc = { ...service, policy };
    const states = new Map<string, TargetState>();
    let published: PublishedAnswer | undefined;
    const decisions: Decision[] = [];
    let publishes = 0;
    rounds.forEach((round, r) => {
      const now = r * 1000;
      const verdicts = new Map(
        svc.targets.map((t, ti) => {
          vps.forEach((vp, vi) => {
            const key = `${t.id}/${vp}`;
            states.set(key, observe(states.get(key) ?? INITIAL_TARGET_STATE, { ok: round[ti]?.[vi] ?? true, at: now }, cfg));
          });
          const perVp = new Map(vps.map((vp) => [vp, states.get(`${t.id}/${vp}`)!]));
          return [t.id, judgeTarget({ targetId: t.id, vantageIds: vps, states: perVp, staleAfterMs: 2500, now })];
        }),
      );
      const d = decide({ service: svc, verdicts, published, now, dwellMs: 5000 });
      decisions.push(d);
      if (shouldPublish(d)) {
        publishes += 1;
        published = { addresses: d.addresses, changedAt: now, generation: publishes };
      }
    });
    return { decisions, publishes };
  }

  const outcome = fc.array(fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), { minLength: 3, maxLength: 3 });

  it('never publishes an empty answer for any probe history', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('failover' as const, 'multivalue' as const),
        fc.array(outcome, { minLength: 1, maxLength: 40 }),
        (policy, rounds) => {
          for (const d of pipeline(policy, rounds).decisions) expect(d.addresses.length).toBeGreaterThan(0);
        },
      ),
    );
  });

  it('one misbehaving vantage point never moves traffic', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('failover' as const, 'multivalue' as const),
        fc.array(fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 40 }),
        (policy, vp1) => {
          // vp-1 sees arbitrary results for each target; vp-2 and vp-3 always succeed.
          const rounds = vp1.map((perTarget) => perTarget.map((ok) => [ok, true, true]));
          const { decisions, publishes } = pipeline(policy, rounds);
          expect(publishes).toBe(1);
          const expected = policy === 'failover' ? ['192.0.2.1'] : ['192.0.2.1', '192.0.2.2', '192.0.2.3'];
          for (const d of decisions) expect(d.addresses).toEqual(expected);
        },
      ),
    );
  });
});
