// The weekly regression report: a pure model over two windows of samples and its renderers (Markdown, HTML, JSON).
export { reportFromStore, type StoreReportRequest, statsOfWindows } from './from-store.ts'
export { renderHtml } from './html.ts'
export { renderMarkdown, renderSummary } from './markdown.ts'
export { buildReport, foldChanges } from './model.ts'
export { benjaminiHochberg, bootstrapQuantileDiff, mannWhitney, quantile } from './stats.ts'
export * from './types.ts'

/** `--format json`: the report object itself; its JSON Schema is report.schema.json next to this file. */
export function renderJson(report: import('./types.ts').Report): string {
  return `${JSON.stringify({ $schema: 'https://podstart.dev/schemas/report-v2.json', ...report }, null, 2)}\n`
}
