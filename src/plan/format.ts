/** Human-readable plans for `failover plan`: one block per provider and a summary line. */
import { parseOwnership } from '../dns/ownership.js';
import { canonicalRecordSet } from '../dns/record.js';
import type { RecordSet, RecordType } from '../dns/record.js';
import type { Change, ProviderPlan } from './change.js';
import type { ObservedRecord } from './state.js';

function answer(rs: RecordSet | undefined): string {
  return rs === undefined ? '(absent)' : `${rs.ttl} ${rs.values.length === 0 ? '(no values)' : rs.values.join(', ')}`;
}

function generationOf(observed: ObservedRecord): string {
  const parsed = parseOwnership(canonicalRecordSet(observed.record));
  return parsed.ok ? String(parsed.ownership.generation) : '?';
}

function changeLines(change: Change, generation: number): string[] {
  switch (change.kind) {
    case 'create':
      return change.records.map((r) => `  + create ${r.name} ${r.ttl} ${r.type} ${r.values.join(', ')} [generation ${generation}]`);
    case 'delete': {
      const lines = change.from.map(({ record: r }) => `  - delete ${r.name} ${r.ttl} ${r.type} ${r.values.join(', ')}`);
      return lines.length > 0 ? lines : [`  - delete ${change.name} (ownership record only)`];
    }
    case 'update': {
      const before = new Map<RecordType, RecordSet>(change.from.map((o) => [o.record.type, o.record]));
      const after = new Map<RecordType, RecordSet>(change.to.map((r) => [r.type, r]));
      const types = [...new Set([...before.keys(), ...after.keys()])];
      const gen = `[generation ${generationOf(change.ownershipFrom)} → ${generation}]`;
      return types.map(
        (t) => `  ~ update ${change.name} ${t} ${answer(before.get(t))} → ${after.has(t) ? answer(after.get(t)) : '(removed)'} ${gen}`,
      );
    }
  }
}

function count(plans: readonly ProviderPlan[], kind: Change['kind']): number {
  return plans.reduce((n, p) => n + p.changes.filter((c) => c.kind === kind).length, 0);
}

export function formatPlan(plans: readonly ProviderPlan[]): string {
  const out: string[] = [];
  for (const plan of plans) {
    out.push(`${plan.provider} (generation ${plan.generation})`);
    for (const change of plan.changes) out.push(...changeLines(change, plan.generation));
    for (const s of plan.skipped) out.push(`  ! skipped ${s.name}${s.type ? ` ${s.type}` : ''}: ${s.reason}: ${s.detail}`);
    const p = [plan];
    out.push(
      `  ${count(p, 'create')} to create, ${count(p, 'update')} to update, ${count(p, 'delete')} to delete, ${plan.skipped.length} skipped, ${plan.unchanged} unchanged`,
    );
  }
  const total = plans.reduce((n, p) => n + p.changes.length, 0);
  const skipped = plans.reduce((n, p) => n + p.skipped.length, 0);
  const providers = plans.map((p) => p.provider).join(', ') || 'no providers';
  out.push(
    total === 0
      ? `Summary: no changes on ${providers}${skipped > 0 ? ` (${skipped} skipped)` : ''}`
      : `Summary: ${total} changes on ${providers}: ${count(plans, 'create')} to create, ${count(plans, 'update')} to update, ${count(plans, 'delete')} to delete, ${skipped} skipped`,
  );
  return out.join('\n');
}
