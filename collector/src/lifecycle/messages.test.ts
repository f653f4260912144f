import { describe, expect, it } from 'vitest'
import { parseGoDuration } from './duration.ts'
import { parseKubeletMessage } from './messages.ts'

describe('parseGoDuration', () => {
  it.each([
    ['796ms', 796],
    ['1.594s', 1594],
    ['1m21.28s', 81280],
    ['1h2m3s', 3723000],
    ['512µs', 0.512],
    ['512μs', 0.512],
    ['512us', 0.512],
    ['1500ns', 0.0015],
    ['5.870196872s', 5870.196872],
    ['0s', 0],
  ])('%s -> %d ms', (text, ms) => {
    expect(parseGoDuration(text)).toBeCloseTo(ms, 6)
  })
  it.each(['', 'abc', '12', '1.5', 's', '1x', '1s garbage'])('rejects %j', (text) => {
    expect(parseGoDuration(text)).toBeNull()
  })
})

describe('parseKubeletMessage', () => {
  it('reads every Pulled era', () => {
    expect(parseKubeletMessage('Pulled', 'Successfully pulled image "nginx"')).toEqual({
      kind: 'pulled',
      image: 'nginx',
      pullMs: null,
      withWaitMs: null,
      sizeBytes: null,
    })
    expect(parseKubeletMessage('Pulled', 'Successfully pulled image "nginx:1.25" in 2.5s')).toMatchObject({
      pullMs: 2500,
      withWaitMs: null,
    })
    expect(
      parseKubeletMessage('Pulled', 'Successfully pulled image "nginx" in 796ms (1.594s including waiting)'),
    ).toMatchObject({
      pullMs: 796,
      withWaitMs: 1594,
      sizeBytes: null,
    })
    expect(
      parseKubeletMessage(
        'Pulled',
        'Successfully pulled image "nginx" in 1.481s (1.481s including waiting). Image size: 180545980 bytes.',
      ),
    ).toMatchObject({ image: 'nginx', pullMs: 1481, withWaitMs: 1481, sizeBytes: 180545980 })
    expect(
      parseKubeletMessage('Pulled', 'Successfully pulled image "big" in 1m21.28s (1h2m3s including waiting)'),
    ).toMatchObject({
      pullMs: 81280,
      withWaitMs: 3723000,
    })
  })
  it('strips the aggregator prefix', () => {
    expect(
      parseKubeletMessage(
        'Pulled',
        '(combined from similar events): Successfully pulled image "a" in 512µs (1s including waiting)',
      ),
    ).toMatchObject({ kind: 'pulled', image: 'a', withWaitMs: 1000 })
    expect(
      parseKubeletMessage('Pulled', '(combined from similar events): Successfully pulled image "a" in 512µs'),
    ).toMatchObject({ pullMs: 0.512 })
  })
  it('knows both already-present wordings', () => {
    expect(
      parseKubeletMessage('Pulled', 'Container image "busybox:1.36" already present on machine'),
    ).toEqual({ kind: 'present', image: 'busybox:1.36' })
    expect(
      parseKubeletMessage(
        'Pulled',
        'Container image "busybox" already present on machine and can be accessed by the pod',
      ),
    ).toEqual({
      kind: 'present',
      image: 'busybox',
    })
  })
  it('classifies failures and back-offs', () => {
    expect(parseKubeletMessage('Failed', 'Failed to pull image "x": rpc error: code = NotFound')).toEqual({
      kind: 'pull-failed',
      image: 'x',
    })
    expect(parseKubeletMessage('Failed', 'Error: ErrImagePull')).toEqual({
      kind: 'error',
      reason: 'ErrImagePull',
    })
    expect(parseKubeletMessage('Failed', 'Error: ImagePullBackOff')).toEqual({
      kind: 'error',
      reason: 'ImagePullBackOff',
    })
    expect(parseKubeletMessage('Failed', 'Error: configmap "cfg" not found')).toEqual({
      kind: 'error',
      reason: 'CreateContainerConfigError',
    })
    expect(parseKubeletMessage('BackOff', 'Back-off pulling image "x"')).toEqual({
      kind: 'pull-backoff',
      image: 'x',
    })
    expect(
      parseKubeletMessage('BackOff', 'Back-off restarting failed container app in pod p_ns(uid)'),
    ).toEqual({ kind: 'restart-backoff' })
  })
  it('reads Created/Started of every era and the scheduler', () => {
    for (const m of ['Created container app', 'Created container: app', 'Container created'])
      expect(parseKubeletMessage('Created', m).kind).toBe('created')
    for (const m of ['Started container app', 'Started container: app', 'Container started'])
      expect(parseKubeletMessage('Started', m).kind).toBe('started')
    expect(parseKubeletMessage('Scheduled', 'Successfully assigned default/web-1 to node-a')).toEqual({
      kind: 'scheduled',
      node: 'node-a',
    })
    expect(parseKubeletMessage('FailedScheduling', '0/3 nodes are available: 3 Insufficient cpu.').kind).toBe(
      'failed-scheduling',
    )
  })
})
