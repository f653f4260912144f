// @podstart/schema: the startup record contract, the store, typed rows and queries.
export * from './record/index.ts'
