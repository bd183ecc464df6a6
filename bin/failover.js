#!/usr/bin/env node
// The `failover` command: runs the compiled JavaScript in dist/ (npm ci builds it through
// the `prepare` script; `npm run build` rebuilds it after a change to the sources).
import { existsSync } from 'node:fs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// `failover --help | head`: the reader went away; stop quietly, as other command-line tools do.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
const entry = new URL('../dist/apps/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('failover: the compiled CLI is missing (dist/apps/cli/main.js). Run `npm run build` (npm ci does it for you).');
  process.exit(1);
}
const { main } = await import(entry.href);
await main(process.argv);
