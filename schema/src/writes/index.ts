// Everything that writes podstart's rows: bounded startup inserts, rejected records. Queries only read.

export * from './evidence.ts'
export * from './rejected.ts'
export * from './startup-bounds.ts'
export * from './startups.ts'
