/** The per-provider answer history behind `rto_ms` and `empty_answers`, from synthetic observations. */
import { describe, expect, it } from 'vitest';
import { AnswerHistory, type Observation } from '../../src/drills/answer-history.js';

const answer = (at: number, ...addresses: string[]): Observation => ({ at, outcome: 'answer', addresses, rcode: 'NOERROR' });
const empty = (at: number, rcode = 'NOERROR'): Observation => ({ at, outcome: 'empty', addresses: [], rcode });
const timeout = (at: number): Observation => ({ at, outcome: 'timeout', addresses: [] });

function play(events: [string, Observation][]): AnswerHistory {
  const h = new AnswerHistory();
  for (const [p, o] of events) h.record(p, o);
  return h;
}

const OLD = '127.0.0.11';
const NEW = '127.0.0.12';

describe('answer runs', () => {
  it('keeps one span per run of identical answers, with first and last time seen', () => {
    const h = play([
      ['aws', answer(0, OLD)],
      ['aws', answer(20, OLD)],
      ['aws', answer(40, NEW, OLD)],
      ['aws', answer(60, OLD, NEW)], // same set, other order
      ['aws', empty(80)],
      ['aws', empty(100, 'NXDOMAIN')],
      ['aws', timeout(120)],
    ]);
    expect(h.history('aws')).toEqual([
      { outcome: 'answer', addresses: [OLD], rcode: 'NOERROR', from: 0, to: 20, polls: 2 },
      { outcome: 'answer', addresses: [OLD, NEW], rcode: 'NOERROR', from: 40, to: 60, polls: 2 },
      { outcome: 'empty', addresses: [], rcode: 'NOERROR', from: 80, to: 80, polls: 1 },
      { outcome: 'empty', addresses: [], rcode: 'NXDOMAIN', from: 100, to: 100, polls: 1 },
      { outcome: 'timeout', addresses: [], from: 120, to: 120, polls: 1 },
    ]);
    expect(h.emptyAnswers('aws')).toBe(2);
    expect(h.emptyAnswers('gcp')).toBe(0);
    expect(h.history('gcp')).toEqual([]);
  });

  it('says whether an observation changed the answer', () => {
    const h = new AnswerHistory();
    expect(h.record('aws', answer(0, OLD)).changed).toBe(true);
    expect(h.record('aws', answer(10, OLD))).toMatchObject({ changed: false, span: { from: 0, to: 10, polls: 2 } });
    expect(h.record('aws', answer(20, NEW)).changed).toBe(true);
  });
});

describe('firstTimeAllServe', () => {
  const FAULT = 1_000;
  const h = play([
    ['aws', answer(900, OLD)],
    ['azure', answer(910, OLD)],
    ['gcp', answer(920, OLD)],
    ['azure', answer(1_200, NEW)],
    ['aws', answer(1_250, NEW)],
    ['gcp', empty(1_260)], // a moment of nothing on gcp
    ['gcp', answer(1_300, OLD)], // then stale
    ['gcp', answer(1_400, NEW)],
    ['aws', answer(1_500, NEW)],
  ]);

  it('is when the last provider switched, all of them serving the new set', () => {
    expect(h.firstTimeAllServe([NEW], FAULT)).toBe(1_400);
    expect(h.emptyAnswers()).toBe(1);
  });

  it('can be asked for the reachable providers only', () => {
    expect(h.firstTimeAllServe([NEW], FAULT, ['aws', 'azure'])).toBe(1_250);
  });

  it('is the start of the window when every provider already served the set', () => {
    expect(h.firstTimeAllServe([OLD], 950)).toBe(950);
  });

  it('does not count a provider that switched away before the others arrived', () => {
    const flap = play([
      ['aws', answer(100, NEW)],
      ['aws', answer(150, OLD)],
      ['gcp', answer(200, NEW)],
      ['aws', answer(300, NEW)],
    ]);
    expect(flap.firstTimeAllServe([NEW], 0)).toBe(300);
  });

  it('is undefined when it never happened, or for a set nobody served exactly', () => {
    expect(h.firstTimeAllServe(['127.0.0.13'], FAULT)).toBeUndefined();
    expect(h.firstTimeAllServe([NEW, OLD], FAULT)).toBeUndefined();
    expect(h.firstTimeAllServe([NEW], FAULT, ['aws', 'unknown'])).toBeUndefined();
    expect(h.firstTimeAllServe([NEW], FAULT, [])).toBeUndefined();
  });
});
