// Streaming readers of Kubernetes dumps, shared by `podstart analyze` and `podstart import`, and the
// breakdown `analyze` prints from what they read.
export {
  DEFAULT_MAX_LINE_BYTES,
  failureStatus,
  type IngestedUpdate,
  type IngestProblem,
  type IngestProblemKind,
  type ReadOptions,
  readDump,
  statusProblem,
} from './dump-reader.ts'
export { JsonScanner, type JsonScannerOptions, type ScannedUnit } from './json-scanner.ts'
export { type LinePiece, LineSplitter } from './lines.ts'
export { quantile, StartupSummary } from './startup-summary.ts'
