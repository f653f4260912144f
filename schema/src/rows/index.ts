// Typed rows of every table (zod Insert / Read) and the record <-> rows conversion.
export * from './codec.ts'
export * from './image-pulls.ts'
export * from './pod-events.ts'
export * from './pod-startups.ts'
export * from './startup-rows.ts'
