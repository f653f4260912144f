// Image pulls: the OCI distribution client, the image profiler and containerd's per-layer apply times.
export * from './containerd-log.ts'
export * from './profile/index.ts'
export * from './registry/index.ts'
