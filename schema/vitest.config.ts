import { defineConfig } from 'vitest/config'

// chDB must never load in a worker thread (the process crashes when the worker exits): use forks.
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})
