/**
 * The race harness's own parts, without emulators: the incident model, the
 * interleaver and its schedulers, writer gates (delay, crash), the
 * committed-state checker and the report. The race tests lean on these; a
 * wrong checker would make a passing race mean nothing.
 */
import { describe, expect, it } from 'vitest';
import { ownershipRecord } from '../../src/dns/ownership.js';
import { ZoneStore, type EmuZone } from '../../src/emulators/index.js';
import { CommittedStateChecker } from '../../src/drills/race/committed-states.js';
import { IncidentModelError, PlanBook, desiredOf, planAddress, planIncident } from '../../src/drills/race/incident.js';
import { Interleaver, QueueScheduler, RaceStuckError, fifoScheduler, seededScheduler } from '../../src/drills/race/interleaving.js';
import { RACE_OWNER } from '../../src/drills/race/product-writer.js';
import { raceFailure, summarize, summaryLine } from '../../src/drills/race/race-report.js';
import type { RaceRunReport } from '../../src/drills/race/race-run.js';
import { ScenarioError, incidentScenario, randomScenario, validateScenario, SCENARIO_BOUNDS } from '../../src/drills/race/scenario.js';
import { WriterGate } from '../../src/drills/race/writer-gate.js';
import { seededRandom } from '../../src/drills/race/interleaving.js';

const APP = 'app.example.test.';
const API = 'api.example.test.';

describe('the incident model', () => {
  it('plans generation 1 and then one generation per spec, with fresh, kept and published answers', () => {
    const plans = planIncident([APP, 'API.example.test'], [{ names: ['fresh', 'keep'] }, { names: ['published', 'fresh'] }]);
    expect(plans.map((p) => p.generation)).toEqual([1, 2, 3]);
    expect(plans.map((p) => [...p.answers.entries()])).toEqual([
      [
        [APP, ['10.1.0.2']],
        [API, ['10.2.0.2']],
      ],
      [
        [APP, ['10.1.0.3']],
        [API, ['10.2.0.2']],
      ],
      [
        [APP, ['10.1.0.2']],
        [API, ['10.2.0.4']],
      ],
    ]);
    expect(desiredOf(plans[2]!)).toEqual([
      { name: APP, type: 'A', ttl: 5, values: ['10.1.0.2'] },
      { name: API, type: 'A', ttl: 5, values: ['10.2.0.4'] },
    ]);
  });

  it('tells which plans serve a set of values, and takes a catch-up plan with a new generation only', () => {
    const book = new PlanBook(planIncident([APP], [{ names: ['fresh'] }, { names: ['published'] }]));
    expect(book.generationsServing(APP, [planAddress(0, 1)])).toEqual([1, 3]);
    expect(book.generationsServing(APP, [planAddress(0, 2)])).toEqual([2]);
    expect(book.generationsServing(APP, ['192.0.2.1'])).toEqual([]);
    expect(book.newest().generation).toBe(3);
    book.add({ generation: 4, answers: book.newest().answers });
    expect(book.newest().generation).toBe(4);
    expect(() => book.add({ generation: 4, answers: new Map() })).toThrow(IncidentModelError);
    expect(() => planIncident([APP], [{ names: ['fresh', 'fresh'] }])).toThrow(/lists 2 names, the incident has 1/);
  });
});

describe('scenarios', () => {
  it('are validated with messages that say what is wrong', () => {
    expect(() => validateScenario({ ...incidentScenario(), writers: [incidentScenario().writers[0]!] })).toThrow(
      /two or more writers, got 1/,
    );
    expect(() =>
      validateScenario({
        ...incidentScenario(),
        writers: [...incidentScenario().writers, { plan: 5, startAfter: 0, holdBeforeFirstWrite: 0, cleanUp: false }],
      }),
    ).toThrow(ScenarioError);
    expect(() =>
      validateScenario({
        ...incidentScenario(),
        outages: [
          { provider: 'azure', startAfter: 0, lasts: 1 },
          { provider: 'azure', startAfter: 2, lasts: 1 },
        ],
      }),
    ).toThrow(/one outage per provider/);
  });

  it('drawn from a seed stay within the bounds and are the same for the same seed', () => {
    const draw = (seed: number) => randomScenario(seededRandom(seed), ['route53', 'azure', 'clouddns']);
    expect(draw(7)).toEqual(draw(7));
    for (let seed = 0; seed < 200; seed++) {
      const s = draw(seed);
      validateScenario(s);
      expect(s.writers.length).toBeGreaterThanOrEqual(SCENARIO_BOUNDS.writers.min);
      expect(s.writers.length).toBeLessThanOrEqual(SCENARIO_BOUNDS.writers.max);
      for (const w of s.writers) expect(w.holdBeforeFirstWrite).toBeLessThanOrEqual(SCENARIO_BOUNDS.holdBeforeFirstWrite.max);
    }
  });
});

describe('the interleaver', () => {
  it('releases one step at a time in the order the scheduler picks, waiting for work in flight', async () => {
    const scheduler = fifoScheduler();
    const il = new Interleaver(scheduler);
    const log: string[] = [];
    const writer = async (name: string) => {
      for (const call of ['read', 'write']) {
        await il.step(`${name} ${call}`);
        await il.activity.track(async () => {
          log.push(`${name} ${call} starts`);
          await new Promise((resolve) => setTimeout(resolve, 5));
          log.push(`${name} ${call} ends`);
        });
      }
    };
    void writer('a');
    void writer('b');
    expect(await il.drive()).toBe(4);
    // Never two calls in flight at once: every start is followed by its own end.
    expect(log).toEqual([
      'a read starts',
      'a read ends',
      'b read starts',
      'b read ends',
      'a write starts',
      'a write ends',
      'b write starts',
      'b write ends',
    ]);
    expect(scheduler.released).toEqual(['a read', 'b read', 'a write', 'b write']);
  });

  it('is reproducible from a seed', async () => {
    const order = async (seed: number) => {
      const scheduler = seededScheduler(seed);
      const il = new Interleaver(scheduler);
      for (const w of ['a', 'b', 'c']) void il.pause(4, w);
      await il.drive();
      return scheduler.released.join();
    };
    expect(await order(1)).toBe(await order(1));
    const orders = new Set(await Promise.all([1, 2, 3, 4, 5].map(order)));
    expect(orders.size).toBeGreaterThan(1);
  });

  it('gives up on a race that never settles', async () => {
    const il = new Interleaver(new QueueScheduler(() => 0));
    const forever = async () => {
      for (;;) await il.step('spin');
    };
    void forever();
    await expect(il.drive(50)).rejects.toThrow(RaceStuckError);
  });
});

describe('writer gates', () => {
  it('hold a writer before its first write, then let it write', async () => {
    const scheduler = fifoScheduler();
    const il = new Interleaver(scheduler);
    const gate = new WriterGate('w1', il, { holdBeforeFirstWrite: 3 });
    const done: string[] = [];
    void (async () => {
      await gate.call('read', 'route53', async () => done.push('read'));
      await Promise.all(['route53', 'azure'].map((p) => gate.call('write', p as 'route53', async () => done.push(`write ${p}`))));
    })();
    await il.drive();
    expect(done).toEqual(['read', 'write route53', 'write azure']);
    expect(scheduler.released).toEqual([
      'w1 read route53',
      'w1 delayed before writing (1/3)',
      'w1 delayed before writing (2/3)',
      'w1 delayed before writing (3/3)',
      'w1 write route53',
      'w1 write azure',
    ]);
    expect(gate.writes).toBe(2);
    expect(gate.crashed).toBe(false);
  });

  it('crash a writer after its n-th write: the answer and every later call never come back', async () => {
    const il = new Interleaver(fifoScheduler());
    const gate = new WriterGate('w1', il, { crashAfterWrites: 1 });
    const made: string[] = [];
    let returned = 0;
    for (const p of ['route53', 'azure', 'clouddns'] as const) {
      void gate.call('write', p, async () => made.push(p)).then(() => (returned += 1));
    }
    await il.drive();
    expect(made).toEqual(['route53']);
    expect(returned).toBe(0);
    expect(gate.crashed).toBe(true);
  });

  it('a crash after 0 writes means the writer only ever read', async () => {
    const il = new Interleaver(fifoScheduler());
    const gate = new WriterGate('w1', il, { crashAfterWrites: 0 });
    const made: string[] = [];
    void gate.call('read', 'azure', async () => made.push('read')).then(() => gate.call('write', 'azure', async () => made.push('write')));
    await il.drive();
    expect(made).toEqual(['read']);
    expect(gate.crashed).toBe(true);
  });
});

describe('the committed-state checker', () => {
  const zoneWith = (answers: Record<string, { values: string[]; generation?: number }>): EmuZone => {
    const store = new ZoneStore();
    const zone = store.createZone({ id: 'z', name: 'example.test', nameServers: ['ns1.example.test'] });
    store.transact('z', (d) => {
      for (const [name, a] of Object.entries(answers)) {
        if (a.values.length > 0) d.put({ name, type: 'A', ttl: 5, values: a.values });
        if (a.generation !== undefined) {
          const o = ownershipRecord(name, { owner: RACE_OWNER, generation: a.generation, types: ['A'] });
          d.put({ name: o.name, type: 'TXT', ttl: o.ttl, values: o.values });
        }
      }
    });
    return zone;
  };
  const book = () => new PlanBook(planIncident([APP], [{ names: ['fresh'] }, { names: ['published'] }]));
  const [V1, V2] = [planAddress(0, 1), planAddress(0, 2)];

  it('accepts rising generations with their own values', () => {
    const c = new CommittedStateChecker(book(), 'ownership', RACE_OWNER);
    c.observe('route53', zoneWith({ [APP]: { values: [V1], generation: 1 } }));
    c.observe('route53', zoneWith({ [APP]: { values: [V2], generation: 2 } }));
    c.observe('route53', zoneWith({ [APP]: { values: [V1], generation: 3 } }));
    expect(c.violations()).toEqual([]);
    expect(c.counters()).toEqual({ commits: 3, emptyStates: 0, staleWritesApplied: 0, acknowledgedPlansLost: 0 });
  });

  it('flags an empty name, a generation going back and values that are not the generation’s', () => {
    const c = new CommittedStateChecker(book(), 'ownership', RACE_OWNER);
    c.observe('route53', zoneWith({ [APP]: { values: [V1], generation: 3 } }));
    c.observe('route53', zoneWith({ [APP]: { values: [V2], generation: 2 } }));
    c.observe('clouddns', zoneWith({ [APP]: { values: [V1], generation: 2 } }));
    c.observe('azure', zoneWith({ [APP]: { values: [], generation: 1 } }));
    expect(c.violations().map((v) => [v.kind, v.provider])).toEqual([
      ['generation-regressed', 'route53'],
      ['stale-values', 'clouddns'],
      ['empty', 'azure'],
    ]);
    expect(c.counters()).toMatchObject({ commits: 4, emptyStates: 1, staleWritesApplied: 2 });
  });

  it('lets Azure lead with a newer plan’s values while its ownership record is still old (written last), never an older one', () => {
    const c = new CommittedStateChecker(book(), 'ownership', RACE_OWNER);
    c.observe('azure', zoneWith({ [APP]: { values: [V2], generation: 1 } }));
    expect(c.violations()).toEqual([]);
    c.observe('route53', zoneWith({ [APP]: { values: [V2], generation: 1 } }));
    expect(c.violations().map((v) => v.kind)).toEqual(['stale-values']);
  });

  it('judges the naive writer by the plan its values belong to', () => {
    const naiveBook = new PlanBook(planIncident([APP], [{ names: ['fresh'] }, { names: ['fresh'] }]));
    const c = new CommittedStateChecker(naiveBook, 'values', RACE_OWNER);
    c.observe('azure', zoneWith({ [APP]: { values: [planAddress(0, 3)] } }));
    c.observe('azure', zoneWith({ [APP]: { values: [planAddress(0, 2)] } }));
    c.observe('azure', zoneWith({ [APP]: { values: [] } }));
    expect(c.violations().map((v) => v.kind)).toEqual(['generation-regressed', 'empty']);
  });

  it('at the end, flags a provider serving an older answer than a plan it acknowledged', () => {
    const c = new CommittedStateChecker(book(), 'ownership', RACE_OWNER);
    // Plan 3 kept the published answer: serving V1 at generation 1 still serves plan 3.
    c.checkAcknowledged('route53', 3, zoneWith({ [APP]: { values: [V1], generation: 1 } }));
    expect(c.violations()).toEqual([]);
    c.checkAcknowledged('azure', 3, zoneWith({ [APP]: { values: [V2], generation: 2 } }));
    expect(c.violations()).toEqual([
      expect.objectContaining({ kind: 'acknowledged-plan-lost', provider: 'azure', acknowledged: 3, serving: 2 }),
    ]);
    expect(c.counters().acknowledgedPlansLost).toBe(1);
  });
});

describe('the race report', () => {
  const report = (over: Partial<RaceRunReport>): RaceRunReport => ({
    kind: 'product',
    run: 0,
    names: [APP],
    newest: 3,
    steps: 10,
    writers: [{ writer: 'w1/g3', generation: 3, status: 'in-sync', writeCalls: 3, crashed: false }],
    outages: [],
    commits: { commits: 4, emptyStates: 0, staleWritesApplied: 0, acknowledgedPlansLost: 0 },
    violations: [],
    emptyAnswers: 0,
    emptyAnswersBy: { route53: 0, azure: 0, clouddns: 0 },
    polls: 30,
    conflicts: 1,
    final: [],
    converged: true,
    dnsHistory: new Map(),
    reconcile: [],
    ...over,
  });

  it('names why a race failed, and sums sections', () => {
    expect(raceFailure(report({}))).toBeUndefined();
    expect(raceFailure(report({ emptyAnswers: 2 }))).toBe('empty answer (0 committed state(s), 2 over DNS)');
    expect(raceFailure(report({ converged: false }))).toBe('providers did not converge on the newest plan');
    expect(raceFailure(report({ kind: 'naive', converged: false }))).toBeUndefined();
    const s = summarize([
      report({}),
      report({
        commits: { commits: 5, emptyStates: 1, staleWritesApplied: 2, acknowledgedPlansLost: 1 },
        writers: [{ writer: 'w1/g2', generation: 2, status: 'crashed', writeCalls: 1, crashed: true }],
      }),
    ]);
    expect(s).toEqual({
      interleavings: 2,
      failed_interleavings: 1,
      empty_answers: 0,
      empty_states: 1,
      stale_writes_applied: 2,
      acknowledged_plans_lost: 1,
      not_converged: 0,
      writes: 4,
      conflicts: 2,
      crashed_writers: 1,
      outages: 0,
      steps: 20,
    });
    expect(summaryLine('naive', s, 1234)).toBe(
      'race naive: 2 interleavings in 1.2 s, 4 writes, 2 conflicts, 1 crashed writers, 0 API outages; failed 1 (50.0%): empty_answers=0 empty_states=1 stale_writes_applied=2 acknowledged_plans_lost=1 not_converged=0',
    );
  });
});
