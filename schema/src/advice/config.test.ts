import { describe, expect, it } from 'vitest'
import { AdviceConfigError, parseAdviceConfig, thresholdsFor } from './config.ts'

describe('advice config', () => {
  it('layers rule defaults, config defaults and the cluster values', () => {
    const config = parseAdviceConfig({
      advice: {
        defaults: { 'pre-warm': { minColdPullsPerWeek: 50 } },
        clusters: { prod: { 'pre-warm': { minColdP90Seconds: 2 } } },
      },
    })
    expect(thresholdsFor(config, 'prod', 'pre-warm')).toEqual({
      minColdPullsPerWeek: 50,
      minColdP90Seconds: 2,
      artifact: 'daemonset',
    })
    expect(thresholdsFor(config, 'staging', 'pre-warm')).toMatchObject({ minColdP90Seconds: 5 })
    expect(parseAdviceConfig({ other: 1 })).toEqual({ defaults: {}, clusters: {} })
  })

  it('names the path of a bad value, an unknown key and an unknown rule', () => {
    expect(() =>
      parseAdviceConfig({ advice: { clusters: { prod: { p2p: { burstNodes: 'ten' } } } } }),
    ).toThrow(
      /advice\.clusters\.prod\.p2p\.burstNodes: .*thresholds of p2p: burstNodes, collapseRatio, bucketMinutes/,
    )
    expect(() => parseAdviceConfig({ advice: { defaults: { sandbox: { tagetSeconds: 1 } } } })).toThrow(
      /advice\.defaults\.sandbox/,
    )
    expect(() => parseAdviceConfig({ advice: { defaults: { prewarm: {} } } })).toThrow(AdviceConfigError)
    expect(() => parseAdviceConfig({ advice: { default: {} } })).toThrow(/advice/)
  })
})
