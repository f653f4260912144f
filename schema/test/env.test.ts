import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { redactUrl, storeConfigFromEnv } from '../src/store/env.ts'

describe('storeConfigFromEnv', () => {
  it('defaults to the embedded store under ./.podstart and database podstart', () => {
    expect(storeConfigFromEnv({})).toEqual({ dataDir: resolve('.podstart'), database: 'podstart' })
  })

  it('moves credentials out of CLICKHOUSE_URL and lets --data override the directory', () => {
    const c = storeConfigFromEnv(
      {
        CLICKHOUSE_URL: 'https://alice:p%40ss@ch.example:8443',
        CLICKHOUSE_DATABASE: 'ps',
        PODSTART_DATA_DIR: '',
      },
      { dataDir: '/tmp/x' },
    )
    expect(c).toEqual({
      dataDir: '/tmp/x',
      url: 'https://ch.example:8443',
      user: 'alice',
      password: 'p@ss',
      database: 'ps',
    })
  })

  it('names the bad setting', () => {
    expect(() => storeConfigFromEnv({ CLICKHOUSE_URL: 'ftp://x' })).toThrow('CLICKHOUSE_URL')
    expect(() => storeConfigFromEnv({ CLICKHOUSE_DATABASE: 'a-b; DROP' })).toThrow(
      'CLICKHOUSE_DATABASE: must be a plain identifier',
    )
    expect(() => storeConfigFromEnv({ CLICKHOUSE_TLS_CERT_FILE: '/c' })).toThrow(
      'need CLICKHOUSE_TLS_CA_FILE',
    )
  })

  it('redactUrl drops user, password and query', () => {
    expect(redactUrl('http://u:secret@h:8123/?password=secret')).toBe('http://h:8123')
  })
})
