// The rule registry: every advice rule, in a fixed order (findings are ranked by saving afterwards).
import type { AdvicePhase } from '../../queries/advice-startups.ts'
import type { Rule } from '../types.ts'
import { decompression } from './decompression.ts'
import { inPlaceUpdate } from './in-place-update.ts'
import { incident } from './incident.ts'
import { initContainers } from './init-containers.ts'
import { lazyFormat } from './lazy-format.ts'
import { p2p } from './p2p.ts'
import { preWarm } from './pre-warm.ts'
import { pullFailures } from './pull-failures.ts'
import { pullPolicy } from './pull-policy.ts'
import { readiness } from './readiness.ts'
import { sandbox } from './sandbox.ts'
import { scheduling } from './scheduling.ts'

export const RULES: readonly Rule[] = [
  incident,
  preWarm,
  decompression,
  lazyFormat,
  p2p,
  inPlaceUpdate,
  pullPolicy,
  pullFailures,
  scheduling,
  sandbox,
  initContainers,
  readiness,
] as unknown as readonly Rule[]

export const RULE_IDS = RULES.map((r) => r.id)

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.id === id)
}

/**
 * The additive phases whose time each rule's fix removes: a finding's saving comes from these phases only, and
 * its pods are the startups of its scope that spent time in them.
 */
export const RULE_PHASES: Readonly<Record<string, readonly AdvicePhase[]>> = {
  'pre-warm': ['pullWait', 'pull'],
  decompression: ['pull'],
  'lazy-format': ['pullWait', 'pull'],
  p2p: ['pullWait', 'pull'],
  'in-place-update': ['scheduling', 'sandbox'],
  'pull-policy': ['pullWait', 'pull'],
  'pull-failures': ['pullWait', 'pull'],
  scheduling: ['scheduling'],
  sandbox: ['sandbox'],
  'init-containers': ['init'],
  readiness: ['ready'],
  // incident findings name the one phase that regressed (finding.phases).
  incident: [],
}
