// Streaming readers of Kubernetes dumps, shared by `podstart analyze` and `podstart import`.
export { type IngestedUpdate, type IngestProblem, type ReadOptions, readDump } from './dump-reader.ts'
export { JsonScanner, type ScannedUnit } from './json-scanner.ts'
