// vitest's settings for this example: only the *.vitest.ts files (renew-subscription.test.ts is
// node:test's), and `nightshift/testing` resolved to this repository's source through the package's
// `nightshift-source` export condition, as `node --conditions=nightshift-source` does for node:test
// (without it, the package's own dist/ is used, which may be stale in a checkout). In a project of
// yours, nightshift is installed and resolves to its dist/: no config is needed.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Tests run on vite's server side (`ssr`): its conditions are the ones that resolve their imports.
  ssr: { resolve: { conditions: ['nightshift-source'] } },
  test: { include: ['*.vitest.ts'] },
});
