/**
 * Child process for audit-crash.test.ts: appends records as fast as it can and
 * prints `ack <seq>` after each append returned (i.e. after it is durable), until
 * the parent kills it with SIGKILL.
 */
import { AuditLog } from '../../src/observability/audit-log.js';

const path = process.argv[2];
if (path === undefined) throw new Error('usage: audit-crash-writer.ts <audit file>');
const log = AuditLog.open(path);
process.stdout.write(`ready ${log.lastSeq}\n`);
// Big-ish records make a kill during a write more likely; each is still one write call.
const padding = 'x'.repeat(2048);
for (;;) {
  const record = log.append({
    kind: 'write',
    actor: 'controller',
    reason: `crash test ${padding}`,
    service: 'app.example.test.',
    generation: log.lastSeq + 1,
    before: ['192.0.2.1'],
    after: ['192.0.2.2'],
  });
  process.stdout.write(`ack ${record.seq}\n`);
  // Let the parent's kill land between appends too, not only inside them.
  if (record.seq % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
}
