// Copies the files that the compiled JavaScript reads at run time but tsc does not emit
// (the dashboard's static assets) next to the compiled modules in dist/.
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const assets = [['apps/controller/public', 'dist/apps/controller/public']];

for (const [from, to] of assets) {
  rmSync(`${root}${to}`, { recursive: true, force: true });
  cpSync(`${root}${from}`, `${root}${to}`, { recursive: true });
}
