// Narrowing of parsed JSON: Kubernetes objects arrive as unknown, and these are the only guards the lifecycle
// reads them through, so a field of the wrong type reads as absent everywhere alike.

export type Obj = Record<string, unknown>

/** A plain object (not an array, not null), else undefined. */
export const obj = (v: unknown): Obj | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined

/** An array, else empty. */
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])

/** A non-empty string, else null. */
export const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null)
