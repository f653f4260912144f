import { describe, expect, it } from 'vitest'
import { eventRow } from './event-rows.ts'

const ev = (first: unknown, eventTime: unknown = null) => ({
  kind: 'Event',
  metadata: {
    name: 'web-1.18edcbdadc395d60',
    namespace: 'default',
    creationTimestamp: '2026-12-03T16:39:27Z',
  },
  involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', uid: 'u1' },
  reason: 'Pulled',
  message: 'ok',
  firstTimestamp: first,
  lastTimestamp: first,
  eventTime,
})

describe('eventRow times', () => {
  it('converts stamps to DateTime64 text, the same on every read of the same text', () => {
    const at = Date.UTC(2026, 11, 3, 16, 39, 28, 5)
    for (let i = 0; i < 3; i++) {
      const row = eventRow('c', ev('2026-12-03T16:39:27Z', '2026-12-03T16:39:27.248189Z'), at + i)
      expect(row?.first_at).toBe('2026-12-03 16:39:27.000')
      expect(row?.event_time).toBe('2026-12-03 16:39:27.248')
      expect(row?.observed_at).toBe(`2026-12-03 16:39:28.00${5 + i}`)
      expect(row?.version).toBe(at + i)
    }
  })

  it('reads an unparseable or out-of-range stamp as unknown, each time', () => {
    const at = Date.UTC(2026, 11, 3, 16, 39, 28)
    for (let i = 0; i < 2; i++) {
      expect(eventRow('c', ev('yesterday'), at)?.first_at).toBeNull()
      expect(eventRow('c', ev('0001-01-01T00:00:00Z'), at)?.first_at).toBeNull()
    }
    expect(eventRow('c', ev('2026-12-03T16:39:29Z'), at)?.first_at).toBe('2026-12-03 16:39:29.000')
  })
})
