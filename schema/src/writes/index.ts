// Everything that writes podstart's rows: bounded startup inserts, rejected records. Queries only read.

export * from './events.ts'
export * from './evidence.ts'
export * from './imports.ts'
export * from './rejected.ts'
export * from './startup-bounds.ts'
export * from './startups.ts'
