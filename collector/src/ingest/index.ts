// Streaming readers of Kubernetes dumps, shared by `podstart analyze` and `podstart import`.
export {
  DEFAULT_MAX_LINE_BYTES,
  type IngestedUpdate,
  type IngestProblem,
  type IngestProblemKind,
  type ReadOptions,
  readDump,
  statusProblem,
} from './dump-reader.ts'
export { JsonScanner, type JsonScannerOptions, type ScannedUnit } from './json-scanner.ts'
export { type LinePiece, LineSplitter } from './lines.ts'
