import { describe, expect, it } from 'vitest'
import { UsageError } from './args.ts'
import { inputEnv, logEnv, parseCliEnv } from './env.ts'

const refused = (env: Record<string, string>): UsageError => {
  try {
    parseCliEnv(env)
  } catch (err) {
    return err as UsageError
  }
  throw new Error('accepted')
}

describe('the CLI environment', () => {
  it('defaults, with blank values unset', () => {
    const env = parseCliEnv({ PORT: '', PODSTART_DEBUG: ' ' })
    expect(env.PORT).toBeUndefined()
    expect(env.PODSTART_DEBUG).toBe(false)
    expect(env.PODSTART_LOG_LEVEL).toBe('info')
    expect(env.PODSTART_LOG_FORMAT).toBeUndefined()
    expect(env.KUBECONFIG).toEqual([])
  })

  it('parses ports, durations, booleans and path lists', () => {
    const env = parseCliEnv({
      PORT: '8080',
      PODSTART_METRICS_PORT: '9464',
      PODSTART_SHUTDOWN_TIMEOUT: '1500ms',
      PODSTART_DEBUG: 'true',
      KUBECONFIG: ['/a', '/b'].join(process.platform === 'win32' ? ';' : ':'),
      PODSTART_LOG_FORMAT: 'json',
    })
    expect(env).toMatchObject({ PORT: 8080, PODSTART_METRICS_PORT: 9464, PODSTART_SHUTDOWN_TIMEOUT: 1500 })
    expect(env.PODSTART_DEBUG).toBe(true)
    expect(env.KUBECONFIG).toEqual(['/a', '/b'])
    expect(parseCliEnv({ PODSTART_DEBUG: 'false' }).PODSTART_DEBUG).toBe(false)
  })

  it('refuses a bad value naming the variable, never the value', () => {
    for (const [name, value] of [
      ['PORT', 'eighty'],
      ['PORT', '70000'],
      ['PODSTART_METRICS_PORT', '0'],
      ['PODSTART_SHUTDOWN_TIMEOUT', 'soon-x7'],
      ['PODSTART_DEBUG', 'yes'],
      ['PODSTART_LOG_LEVEL', 'verbose'],
      ['PODSTART_LOG_FORMAT', 'pretty'],
    ] as const) {
      const err = refused({ [name]: value })
      expect(err).toBeInstanceOf(UsageError)
      expect(err.message).toContain(`invalid setting ${name}:`)
      expect(err.message).not.toContain(value)
    }
  })

  it('reads the logging settings alone, so a bad PORT does not stop a command that never listens', () => {
    expect(logEnv({ PORT: 'eighty', PODSTART_LOG_LEVEL: 'debug' }).PODSTART_LOG_LEVEL).toBe('debug')
    expect(() => logEnv({ PODSTART_LOG_LEVEL: 'loud' })).toThrow(/PODSTART_LOG_LEVEL/)
  })

  it('takes the input line cap in bytes, inside 64 KiB .. 1 GiB, naming the variable when it is off', () => {
    expect(inputEnv({ PODSTART_MAX_LINE_BYTES: '1048576' }).PODSTART_MAX_LINE_BYTES).toBe(1_048_576)
    expect(inputEnv({}).PODSTART_MAX_LINE_BYTES).toBeUndefined()
    for (const bad of ['4MiB', '100', '2000000000', '-1']) {
      expect(() => inputEnv({ PODSTART_MAX_LINE_BYTES: bad })).toThrow(
        /invalid setting PODSTART_MAX_LINE_BYTES/,
      )
    }
    // A bad port does not stop a command that reads only its input settings.
    expect(inputEnv({ PORT: 'x', PODSTART_MAX_LINE_BYTES: '65536' }).PODSTART_MAX_LINE_BYTES).toBe(65_536)
  })
})
