/**
 * The two routing policies, applied to targets already judged usable:
 * - `failover`: the single most preferred target (lowest priority, ties by config order);
 * - `multivalue`: every usable target, in config order.
 */
import type { RoutedService, RoutedTarget } from './answer.js';

/** Pick the targets the policy serves from `usable` (given in config order). Empty in, empty out. */
export function applyPolicy(policy: RoutedService['policy'], usable: readonly RoutedTarget[]): RoutedTarget[] {
  switch (policy) {
    case 'multivalue':
      return [...usable];
    case 'failover': {
      let best: RoutedTarget | undefined;
      // Strictly lower wins, so the first of equal priorities (config order) stays.
      for (const t of usable) if (best === undefined || t.priority < best.priority) best = t;
      return best === undefined ? [] : [best];
    }
  }
}
