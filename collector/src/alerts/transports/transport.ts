// The shape every transport has: which of its settings is the secret read at send time, and how it sends.
import type { SecretRef, TransportConfig } from '../config.ts'
import type { GroupNotice } from './notice.ts'

export type TransportType = TransportConfig['type']
export type TransportConfigs = { [K in TransportType]: Extract<TransportConfig, { type: K }> }

interface SendContext {
  /** The transport's secret, resolved just before sending. */
  secret: string
  externalUrl: string
  timeoutMs: number
  env: NodeJS.ProcessEnv | undefined
}

export interface Transport<K extends TransportType> {
  secret(t: TransportConfigs[K]): SecretRef
  send(t: TransportConfigs[K], g: GroupNotice, ctx: SendContext): Promise<void>
}
