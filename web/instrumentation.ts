// Runs once when the dashboard's server starts: evaluates the advice of the default view in the background, so
// the first visit to the overview or the advice page does not wait for it (findings are cached per range).
export async function register(): Promise<void> {
  // NEXT_RUNTIME is Next.js's own marker of the server runtime, set before any module of ours loads.
  if (process.env.NEXT_RUNTIME !== 'nodejs') return
  const { warmFindings } = await import('@/server/advice-warmup.ts')
  setTimeout(() => void warmFindings(), 2_000).unref()
}
