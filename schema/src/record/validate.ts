// Validates startup records against the frozen JSON Schema, with error messages that name the field.
import { createRequire } from 'node:module'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormatsImport from 'ajv-formats'
import type { StartupRecord } from './types.ts'

const require = createRequire(import.meta.url)
export const startupRecordJsonSchema: object = require('../../startup-record.schema.json')

const addFormats = addFormatsImport as unknown as (ajv: Ajv2020) => Ajv2020
const ajv = new Ajv2020({ allErrors: true, strict: true })
addFormats(ajv)
const validateFn = ajv.compile(startupRecordJsonSchema)

export interface RecordValidation {
  ok: boolean
  errors: string[]
}

export function validateStartupRecord(record: unknown): RecordValidation {
  const ok = validateFn(record) as boolean
  if (ok) return { ok, errors: [] }
  const errors = (validateFn.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
  return { ok, errors }
}

export function assertStartupRecord(record: unknown): asserts record is StartupRecord {
  const v = validateStartupRecord(record)
  if (!v.ok) throw new Error(`invalid startup record: ${v.errors.slice(0, 5).join('; ')}`)
}
