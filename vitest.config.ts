import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    // Deadlines catch hangs; they are not a pace. A release test takes ~5 s on a quiet machine
    // and several times that next to a CPU hog, and must pass there too.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Integration and e2e tests start their own servers on port 0; files may run in parallel.
    pool: 'forks',
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
