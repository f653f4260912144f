import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  // The same '@/' root as tsconfig.json's paths (and Next's build).
  resolve: { alias: { '@/': fileURLToPath(new URL('./src/', import.meta.url)) } },
  test: { pool: 'forks', include: ['src/**/*.test.ts'] },
})
