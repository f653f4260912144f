import { describe, expect, it } from 'vitest'
import {
  type LayerApply,
  parseContainerdLog,
  parseDiffApplied,
  parseGoDuration,
  parseLogfmt,
} from './containerd-log.ts'

const DIG = 'sha256:4f4fb700ef54461cfa02571ae0db9a0dc1e0cdb5577484a6d75e68dc38e8acc1'

async function* lines(...ls: string[]) {
  for (const l of ls) yield l
}

async function collect(it: AsyncIterable<LayerApply>): Promise<LayerApply[]> {
  const out: LayerApply[] = []
  for await (const x of it) out.push(x)
  return out
}

describe('containerd debug log', () => {
  it('parses Go durations', () => {
    expect(parseGoDuration('1.234s')).toBeCloseTo(1234, 9)
    expect(parseGoDuration('796ms')).toBe(796)
    expect(parseGoDuration('1m21.28s')).toBeCloseTo(81280, 6)
    expect(parseGoDuration('850µs')).toBeCloseTo(0.85, 9)
    expect(parseGoDuration('1h2m3s')).toBe(3723000)
    expect(parseGoDuration('12.5us')).toBeCloseTo(0.0125, 9)
    expect(parseGoDuration('0s')).toBe(0)
    expect(parseGoDuration('fast')).toBeNaN()
    expect(parseGoDuration('12')).toBeNaN()
  })

  it('parses logfmt with quoted values and escapes, ignoring a journald prefix', () => {
    expect(parseLogfmt('May 01 host containerd[9]: time="t 1" level=debug msg="say \\"hi\\"" n=3')).toEqual({
      time: 't 1',
      level: 'debug',
      msg: 'say "hi"',
      n: '3',
    })
  })

  it('streams diff applied records from a containerd 1.6 text log and skips everything else', async () => {
    const got = await collect(
      parseContainerdLog(
        lines(
          'time="2024-05-01T10:00:00.100000000Z" level=debug msg="fetch" digest="sha256:aa" mediatype=application/vnd.oci.image.layer.v1.tar+gzip size=100',
          `time="2024-05-01T10:00:01.123456789Z" level=debug msg="diff applied" d=1.234567s digest="${DIG}" media=application/vnd.oci.image.layer.v1.tar+gzip size=3622892`,
          `Jun 02 03:04:05 node1 containerd[812]: time="2024-05-01T10:00:02.5+02:00" level=debug msg="diff applied" d=850µs digest="${DIG}" media=application/vnd.oci.image.layer.v1.tar size=10240`,
          'time="2024-05-01T10:00:03Z" level=debug msg="diff applied" d=broken digest="sha256:bb"',
          'not a log line at all',
        ),
      ),
    )
    expect(got).toEqual([
      {
        at: '2024-05-01T10:00:01.123Z',
        digest: DIG,
        durationMs: expect.closeTo(1234.567, 6),
        size: 3622892,
        media: 'application/vnd.oci.image.layer.v1.tar+gzip',
      },
      {
        at: '2024-05-01T08:00:02.500Z',
        digest: DIG,
        durationMs: expect.closeTo(0.85, 9),
        size: 10240,
        media: 'application/vnd.oci.image.layer.v1.tar',
      },
    ])
  })

  it('reads the JSON log format, where d is nanoseconds', () => {
    const line = `{"d":2500000000,"digest":"${DIG}","level":"debug","media":"application/vnd.oci.image.layer.v1.tar+zstd","msg":"diff applied","size":42,"time":"2024-05-01T10:00:00Z"}`
    expect(parseDiffApplied(line)).toEqual({
      at: '2024-05-01T10:00:00.000Z',
      digest: DIG,
      durationMs: 2500,
      size: 42,
      media: 'application/vnd.oci.image.layer.v1.tar+zstd',
    })
  })
})
