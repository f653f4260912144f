// The image profiler: measured download, inflate and extract of an image's layers.
export { extractLayer, type LayerExtract } from './extract.ts'
export { type InflateTiming, type InflateTool, installedTools } from './inflate.ts'
export { type ProfileOptions, type ProfileProgress, profileImage } from './profile.ts'
export { progressReporter } from './progress.ts'
export { formatBytes, renderProfile } from './render.ts'
export { LAZY_READ_FRACTION, pullScenarios } from './scenarios.ts'
export { profileToSplitInputs, type SplitInputs } from './split.ts'
export {
  parsePaxRecords,
  parseTarHeader,
  type TarEntryType,
  TarFormatError,
  type TarHeader,
  TarReader,
} from './tar.ts'
export { IMAGE_PROFILE_VERSION, type ImageProfile, type LayerProfile, type PullScenario } from './types.ts'
