import { defineConfig } from 'vitest/config'

// chDB must never load in a worker thread (the process crashes when the worker exits): use forks.
export default defineConfig({
  test: {
    pool: 'forks',
    // End-to-end suites run real servers and measure timing: one file at a time keeps them honest on 2 cores.
    fileParallelism: false,
    include: ['e2e/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})
