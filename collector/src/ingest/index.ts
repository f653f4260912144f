// Streaming readers of Kubernetes dumps, shared by `podstart analyze` and `podstart import`, and the
// breakdown `analyze` prints from what they read.
export {
  DEFAULT_MAX_LINE_BYTES,
  failureStatus,
  type IngestedUpdate,
  type IngestProblem,
  readDump,
} from './dump-reader.ts'
export { StartupSummary } from './startup-summary.ts'
