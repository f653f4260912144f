import { Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { configureLogging, logger, textLine } from './log.ts'

function capture(): { stream: Writable; lines: () => string[] } {
  let text = ''
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8')
      done()
    },
  })
  return { stream, lines: () => text.split('\n').filter(Boolean) }
}

afterEach(() => configureLogging({}))

describe('logger', () => {
  it('writes JSON lines with level, name and component; loggers made before configuring follow it', () => {
    const early = logger('alerts')
    const out = capture()
    configureLogging({ format: 'json', name: 'podstart collect', stream: out.stream })
    early.info('rule fired')
    logger().warn('store slow')
    const [first, second] = out.lines().map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(first).toMatchObject({
      level: 'info',
      name: 'podstart collect',
      component: 'alerts',
      msg: 'rule fired',
    })
    expect(typeof first?.time).toBe('string')
    expect(second).toMatchObject({ level: 'warn', msg: 'store slow' })
    expect(second?.component).toBeUndefined()
  })

  it('drops lines below the level', () => {
    const out = capture()
    configureLogging({ format: 'json', level: 'warn', stream: out.stream })
    const log = logger('collect')
    log.debug('d')
    log.info('i')
    log.warn('w')
    log.error('e')
    expect(out.lines().map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['w', 'e'])
  })

  it('prints the lines the CLI always printed in text mode', () => {
    const out = capture()
    configureLogging({ format: 'text', stream: out.stream })
    logger().info('dashboard on http://127.0.0.1:3000')
    logger('cluster').info('watching the current context')
    logger('collect').child('lease').info('leading as a')
    configureLogging({ format: 'text', name: 'podstart collect', stream: out.stream })
    logger().info('watching x')
    expect(out.lines()).toEqual([
      'podstart: dashboard on http://127.0.0.1:3000',
      'podstart: cluster: watching the current context',
      'podstart: collect: lease: leading as a',
      'podstart collect: watching x',
    ])
  })

  it('defaults to JSON when the stream is not a terminal', () => {
    const out = capture()
    configureLogging({ stream: out.stream })
    logger().info('hello')
    expect(JSON.parse(out.lines()[0] ?? '')).toMatchObject({ msg: 'hello' })
  })

  it('renders a record without name or component', () => {
    expect(textLine({ msg: 'x' })).toBe('podstart: x')
  })
})
