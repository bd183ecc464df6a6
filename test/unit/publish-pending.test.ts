/**
 * failover_publish_pending, the input of the FailoverNotPublishing alert, and
 * the operator commands' "settled" check, as pure functions over the
 * controller's state: table tests, no I/O.
 */
import { describe, expect, it } from 'vitest';
import type { ControllerStatus, ServiceStatus } from '../../apps/controller/status.js';
import { settled } from '../../apps/cli/commands/operate.js';
import { publishPending, type PublishView } from '../../src/observability/metrics.js';
import type { RoutedService } from '../../src/routing/answer.js';
import type { Decision } from '../../src/routing/decision.js';

const routed: RoutedService = {
  name: 'app.example.test.',
  type: 'A',
  policy: 'failover',
  targets: [
    { id: 'aws', cloud: 'aws', address: '192.0.2.10', priority: 10 },
    { id: 'azure', cloud: 'azure', address: '198.51.100.10', priority: 20 },
  ],
};
const AWS = ['192.0.2.10'];
const AZURE = ['198.51.100.10'];
const overrides = { paused: false, pinIgnored: false, drainedClouds: [], drainIgnored: false, notes: [] };

function decision(kind: Decision['kind'], addresses: readonly string[], extra: Record<string, unknown> = {}): Decision {
  const targetIds = addresses === AWS ? ['aws'] : ['azure'];
  return {
    kind,
    addresses,
    targetIds,
    service: routed.name,
    reason: kind,
    basedOnGeneration: 1,
    overrides,
    ...extra,
  } as unknown as Decision;
}

const view = (v: Partial<PublishView>): PublishView => ({
  name: routed.name,
  routed,
  published: { addresses: AWS },
  wanted: undefined,
  lastDecision: undefined,
  ...v,
});

describe('publishPending', () => {
  it.each([
    ['nothing decided yet', view({}), false],
    ['keep: the published answer is the wanted one', view({ lastDecision: decision('keep', AWS) }), false],
    ['hold: the dwell time defers a change on purpose', view({ lastDecision: decision('hold', AWS) }), false],
    ['paused by the operator', view({ lastDecision: decision('paused', AWS) }), false],
    ['fail-open keeps the last answer', view({ lastDecision: decision('fail-open', AWS, { firstPublish: false }) }), false],
    ['a change that is published', view({ published: { addresses: AZURE }, lastDecision: decision('change', AZURE) }), false],
    ['a change no provider took yet', view({ lastDecision: decision('change', AZURE) }), true],
    [
      'a publish handed to the reconciler, on no provider yet',
      view({ wanted: { addresses: AZURE }, lastDecision: decision('change', AZURE) }),
      true,
    ],
    [
      'a first publish that failed open with nothing published',
      view({ published: undefined, lastDecision: decision('fail-open', AWS, { firstPublish: true }) }),
      true,
    ],
  ])('%s → %s', (_what, v, expected) => {
    expect(publishPending(v)).toBe(expected);
  });
});

function service(s: Partial<ServiceStatus>, decisionAt = 2_000): ServiceStatus {
  return {
    name: routed.name,
    type: 'A',
    policy: 'failover',
    published: { addresses: AZURE, generation: 2, changedAt: 1_500 },
    pending: null,
    decision: { kind: 'keep', addresses: AZURE, reason: 'keep', at: decisionAt, failOpen: false, paused: false },
    overrides: { paused: false, pinnedTargetId: null, drainedClouds: ['aws'] },
    providers: {
      route53: {
        serving: { ok: true, addresses: AZURE, checkedAt: 2_000, generation: 2 },
        sync: 'in-sync',
        reason: '',
        lastWriteAt: 1_500,
      },
      azure: { serving: null, sync: 'in-sync', reason: '', lastWriteAt: 1_500 },
    },
    lastWrite: null,
    lastVerify: null,
    ...s,
  };
}
const status = (...services: ServiceStatus[]) => ({ services }) as unknown as ControllerStatus;

describe('settled (what failover drain/pin/pause/resume wait for)', () => {
  const since = 1_000;
  it.each([
    ['decided after the change, published, served by every known nameserver', service({}), true],
    ['not decided again since the change', service({}, 900), false],
    [
      'a change still being written',
      service({ decision: { kind: 'change', addresses: AZURE, reason: '', at: 2_000, failOpen: false, paused: false } }),
      false,
    ],
    [
      'waiting for the dwell time',
      service({ decision: { kind: 'hold', addresses: AWS, reason: '', at: 2_000, heldUntil: 9_000, failOpen: false, paused: false } }),
      false,
    ],
    ['a publish pending', service({ pending: { addresses: AZURE, generation: 3 } }), false],
    [
      'a nameserver still serving the old answer',
      service({
        providers: {
          route53: { serving: { ok: true, addresses: AWS, checkedAt: 2_000, generation: 1 }, sync: 'in-sync', reason: '', lastWriteAt: 1 },
        },
      }),
      false,
    ],
    [
      'a nameserver that does not answer',
      service({
        providers: { route53: { serving: { ok: false, error: 'timeout', checkedAt: 2_000 }, sync: 'in-sync', reason: '', lastWriteAt: 1 } },
      }),
      false,
    ],
  ])('%s → %s', (_what, s, expected) => {
    expect(settled(status(s), since)).toBe(expected);
  });
});
