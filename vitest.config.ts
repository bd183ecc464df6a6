import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    pool: 'forks',
    globalSetup: ['test/support/build-once.ts'],
    // Vitest runs availableParallelism() - 1 files at once: one at a time on a 2-core runner, though most
    // files spend their time waiting on sockets, timers and child processes. At least two.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // Bounds on waiting, not on speed: a test that cares about a duration measures it against a floor or an
    // injected clock. On a loaded 2-core machine a file that starts child processes needs well over 30 s.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      METADATA_SERVER_DETECTION: 'none',
    },
  },
});
