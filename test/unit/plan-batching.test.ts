import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ownershipRecord } from '../../src/dns/ownership.js';
import type { RecordSet } from '../../src/dns/record.js';
import {
  BatchLimitError,
  CLOUD_DNS_LIMITS,
  ROUTE53_LIMITS,
  chunk,
  packCloudDns,
  packFirstFit,
  packRoute53,
  route53Actions,
  route53Cost,
} from '../../src/plan/batching.js';
import type { Change } from '../../src/plan/change.js';
import { exactRecordToken } from '../../src/plan/state.js';

const obs = (record: RecordSet) => ({ record, token: exactRecordToken(record) });
const a = (name: string, ...values: string[]): RecordSet => ({ name, type: 'A', ttl: 30, values });
const own = (name: string, generation: number) => ownershipRecord(name, { owner: 'ctl', generation, types: ['A'] });

/** A failover move of one name: DELETE A + CREATE A + DELETE TXT + CREATE TXT. */
function move(i: number): Change {
  const name = `n${i}.example.test.`;
  return {
    kind: 'update',
    name,
    from: [obs(a(name, `10.${i >> 8}.${i & 255}.1`))],
    to: [a(name, `10.${i >> 8}.${i & 255}.2`)],
    ownershipFrom: obs(own(name, 41)),
    ownershipTo: own(name, 42),
  };
}

function assertPacked(changes: readonly Change[], batches: readonly { changes: readonly Change[] }[]) {
  const packed = batches.flatMap((b) => b.changes);
  expect(packed).toHaveLength(changes.length);
  expect(new Set(packed)).toEqual(new Set(changes));
}

describe('Route 53 packing', () => {
  it('lists DELETEs before CREATEs and costs UPSERT twice', () => {
    const change = move(1);
    expect(route53Actions(change).map((x) => `${x.action} ${x.record.name} ${x.record.type}`)).toEqual([
      'DELETE n1.example.test. A',
      'DELETE _mcf.n1.example.test. TXT',
      'CREATE n1.example.test. A',
      'CREATE _mcf.n1.example.test. TXT',
    ]);
    expect(route53Cost([{ action: 'UPSERT', record: a('x.', '192.0.2.1', '10.0.0.1') }])).toEqual({ resourceRecords: 4, valueChars: 34 });
    expect(route53Cost([{ action: 'DELETE', record: a('x.', '192.0.2.1', '10.0.0.1') }])).toEqual({ resourceRecords: 2, valueChars: 17 });
  });

  it('moves 2,500 names in the minimum 10 requests, never splitting a name', () => {
    const changes = Array.from({ length: 2500 }, (_, i) => move(i));
    const batches = packRoute53(changes);
    expect(batches).toHaveLength(Math.ceil((2500 * 4) / ROUTE53_LIMITS.resourceRecords));
    assertPacked(changes, batches);
    for (const b of batches) {
      expect(b.resourceRecords).toBeLessThanOrEqual(ROUTE53_LIMITS.resourceRecords);
      expect(b.valueChars).toBeLessThanOrEqual(ROUTE53_LIMITS.valueChars);
      expect(b.actions).toEqual(b.changes.flatMap(route53Actions));
      expect(route53Cost(b.actions)).toEqual({ resourceRecords: b.resourceRecords, valueChars: b.valueChars });
    }
  });

  it('refuses a single name larger than a request, naming it', () => {
    const huge: Change = {
      kind: 'create',
      name: 'big.example.test.',
      records: [a('big.example.test.', ...Array.from({ length: 1000 }, (_, i) => `10.0.${i >> 8}.${i & 255}`))],
      ownership: own('big.example.test.', 1),
    };
    expect(() => packRoute53([huge])).toThrow(BatchLimitError);
    expect(() => packRoute53([huge])).toThrow(/the create of big\.example\.test\. needs 1001 resourceRecords; one request allows 1000/);
  });
});

describe('Cloud DNS packing', () => {
  it('keeps additions, deletions and rrdata per change within the limits', () => {
    const changes = Array.from({ length: 2500 }, (_, i) => move(i));
    const batches = packCloudDns(changes);
    expect(batches).toHaveLength(5); // 2 additions and 2 deletions per name, 1,000 each per change
    assertPacked(changes, batches);
    for (const b of batches) {
      expect(b.additions.length).toBeLessThanOrEqual(CLOUD_DNS_LIMITS.additions);
      expect(b.deletions.length).toBeLessThanOrEqual(CLOUD_DNS_LIMITS.deletions);
      expect(b.deletions).toEqual(b.changes.flatMap((c) => (c.kind === 'create' ? [] : [...c.from, c.ownershipFrom].map((o) => o.record))));
    }
  });
});

describe('generic packing', () => {
  it('chunks atomic units by size and keeps their order inside a chunk', () => {
    expect(chunk([3, 3, 3, 3], (x) => x, 6)).toEqual([
      [3, 3],
      [3, 3],
    ]);
    expect(chunk(['aa', 'b', 'cccc', 'dd'], (s) => s.length, 5)).toEqual([
      ['b', 'cccc'],
      ['aa', 'dd'],
    ]);
    expect(chunk([], (x: number) => x, 5)).toEqual([]);
  });

  const unitsArb = fc.array(fc.record({ records: fc.integer({ min: 1, max: 40 }), chars: fc.integer({ min: 0, max: 700 }) }), {
    maxLength: 200,
  });
  const limits = { records: 100, chars: 2000 };
  const dims = ['records', 'chars'] as const;
  const total = (units: readonly { cost: Record<(typeof dims)[number], number> }[], d: (typeof dims)[number]) =>
    units.reduce((n, u) => n + u.cost[d], 0);

  it('packs every unit exactly once, never over a limit, within the first-fit bounds', () => {
    fc.assert(
      fc.property(unitsArb, (units) => {
        const items = units.map((cost, id) => ({ id, cost }));
        const batches = packFirstFit(items, (u) => u.cost, limits);
        expect(
          batches
            .flat()
            .map((u) => u.id)
            .sort((x, y) => x - y),
        ).toEqual(items.map((u) => u.id));
        for (const b of batches) {
          for (const d of dims) expect(total(b, d)).toBeLessThanOrEqual(limits[d]);
          expect(b.map((u) => u.id)).toEqual([...b.map((u) => u.id)].sort((x, y) => x - y));
        }
        // S: the batches' summed fill; eps: the largest unit relative to a limit (see batching.ts for the proofs).
        const s = dims.reduce((n, d) => n + total(items, d) / limits[d], 0);
        const eps = Math.max(0, ...items.flatMap((u) => dims.map((d) => u.cost[d] / limits[d])));
        expect(batches.length).toBeLessThan(2 * s + 1);
        expect(batches.length).toBeLessThan(1 + s / (1 - eps));
        const lowerBound = Math.max(...dims.map((d) => Math.ceil(total(items, d) / limits[d])));
        expect(batches.length).toBeGreaterThanOrEqual(lowerBound);
      }),
      { numRuns: 300 },
    );
  });

  it('is optimal for units of equal cost', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 0, max: 2000 }),
        (count, records, chars) => {
          const batches = packFirstFit(
            Array.from({ length: count }, (_, i) => i),
            () => ({ records, chars }),
            limits,
          );
          const perBatch = Math.min(Math.floor(100 / records), chars === 0 ? Infinity : Math.floor(2000 / chars));
          expect(batches.length).toBe(Math.ceil(count / perBatch));
        },
      ),
    );
  });
});
