#!/usr/bin/env node
// The `failover` command. Runs the TypeScript sources directly through tsx's loader,
// so a fresh `npm ci` needs no build step; `npm run build` emits dist/ for images.
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../apps/cli/main.ts');
await main(process.argv);
