import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildGraph, checkLayering, findCycles, type ModuleGraph } from '../support/layering.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const rulesBroken = (graph: ModuleGraph): string[] => [...new Set(checkLayering(graph).map((v) => v.rule))];

describe('layering (docs/architecture.md, "Layering")', () => {
  it('holds for the whole of src/ and apps/', () => {
    const graph = buildGraph(ROOT);
    // A graph that lost its files would pass vacuously.
    expect(graph.size).toBeGreaterThan(200);
    expect(checkLayering(graph)).toEqual([]);
  });

  it('reports a deliberately broken import planted in memory (src → apps)', () => {
    const overlay = new Map([['src/plan/planted-back-door.ts', "import { runCli } from '../../apps/cli/main.js';\nexport { runCli };\n"]]);
    const violations = checkLayering(buildGraph(ROOT, overlay));
    expect(violations).toContainEqual({ rule: 'src/ never imports apps/', from: 'src/plan/planted-back-door.ts', to: 'apps/cli/main.ts' });
  });

  it('reports a planted type-only import of the emulators from a production module', () => {
    const overlay = new Map([
      ['src/routing/planted.ts', "import type { EndpointsFile } from '../emulators/endpoints.js';\nexport type X = EndpointsFile;\n"],
    ]);
    const violations = checkLayering(buildGraph(ROOT, overlay));
    expect(violations).toContainEqual({
      rule: 'no production module imports src/emulators',
      from: 'src/routing/planted.ts',
      to: 'src/emulators/endpoints.ts',
    });
  });

  it('reports a planted cycle', () => {
    const overlay = new Map([
      ['src/plan/planted-a.ts', "export { b } from './planted-b.js';\nexport const a = 1;\n"],
      ['src/plan/planted-b.ts', "import { a } from './planted-a.js';\nexport const b = a;\n"],
    ]);
    expect(findCycles(buildGraph(ROOT, overlay))).toContainEqual(['src/plan/planted-a.ts', 'src/plan/planted-b.ts']);
  });

  it('reports every rule on a small in-memory graph', () => {
    const graph: ModuleGraph = new Map([
      ['src/drills/x.ts', ['apps/cli/main.ts']],
      ['apps/cli/main.ts', []],
      ['src/observability/metrics.ts', ['src/controller/events.ts', 'express']],
      ['src/controller/events.ts', []],
      ['src/providers/p.ts', ['src/emulators/endpoints.ts']],
      ['src/emulators/endpoints.ts', ['src/config/schema.ts']],
      ['src/config/schema.ts', []],
      ['src/emulators/route53/a.ts', ['src/emulators/route53/b.ts']],
      ['src/emulators/route53/b.ts', ['src/emulators/route53/a.ts']],
      // Allowed: composition roots and drills may use the emulators; emulators use express.
      ['apps/topology/topology.ts', ['src/emulators/endpoints.ts', 'src/controller/events.ts']],
      ['src/drills/race.ts', ['src/emulators/endpoints.ts']],
      ['src/emulators/admin.ts', ['express']],
    ]);
    expect(rulesBroken(graph).sort()).toEqual(
      [
        'src/ never imports apps/',
        'src/observability does not import src/controller',
        'HTTP handlers live in apps/: only src/emulators uses express inside src/',
        'no production module imports src/emulators',
        'src/emulators imports nothing of the product',
        'no import cycles',
      ].sort(),
    );
    // One violation per broken edge, and one for the cycle.
    expect(checkLayering(graph)).toHaveLength(6);
  });
});
