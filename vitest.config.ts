import { defineConfig } from 'vitest/config';

export default defineConfig({
  // In this repository 'codex-dbg' is the source API (as tsconfig.json's paths say), not the built package.
  resolve: { alias: { 'codex-dbg': new URL('./src/api.ts', import.meta.url).pathname } },
  test: {
    include: ['test/**/*.test.ts', 'plugins-examples/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // End-to-end files each start real codex processes; two cores.
    maxWorkers: 2,
    // CI shares two cores with real codex servers, chromium and tmux: a test that fails once is run once more
    // (vitest reports it as flaky); one that fails twice fails the run.
    retry: process.env.CI ? 1 : 0,
  },
});
