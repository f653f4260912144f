// The alert history: one row per alert episode (fingerprint + start), rewritten on every state or delivery
// change; readers take the latest version. Written one episode at a time: alerts are few.
import { z } from 'zod'
import { chTimeOut, isoToCh } from '../rows/codec.ts'
import type { Querier } from '../store/querier.ts'

export const ALERT_STATES = ['firing', 'resolved'] as const
export type AlertState = (typeof ALERT_STATES)[number]

export interface AlertEpisode {
  cluster: string
  fingerprint: string
  rule: string
  labels: Record<string, string>
  annotations: Record<string, string>
  state: AlertState
  /** ISO times with ms. */
  startsAt: string
  endsAt: string | null
  lastSentAt: string | null
  deliveries: number
  lastError: string | null
}

const INSERT_SQL = `INSERT INTO alerts (cluster, fingerprint, rule, labels, annotations, state, starts_at, ends_at,
    last_sent_at, deliveries, last_error, version)
  VALUES ({cluster:String}, {fingerprint:String}, {rule:String}, {labels:Map(String, String)},
    {annotations:Map(String, String)}, {state:String}, {starts_at:DateTime64(3, 'UTC')},
    {ends_at:Nullable(DateTime64(3, 'UTC'))}, {last_sent_at:Nullable(DateTime64(3, 'UTC'))},
    {deliveries:UInt32}, {last_error:Nullable(String)}, {version:UInt64})`

/** Writes the current state of an episode; `version` orders writes (the writer's ms clock, strictly increasing). */
export async function saveAlertEpisode(q: Querier, a: AlertEpisode, version: number): Promise<void> {
  await q.command(INSERT_SQL, {
    cluster: a.cluster,
    fingerprint: a.fingerprint,
    rule: a.rule,
    labels: a.labels,
    annotations: a.annotations,
    state: a.state,
    starts_at: isoToCh(a.startsAt),
    ends_at: a.endsAt ? isoToCh(a.endsAt) : null,
    last_sent_at: a.lastSentAt ? isoToCh(a.lastSentAt) : null,
    deliveries: a.deliveries,
    last_error: a.lastError,
    version,
  })
}

export const listAlertsParams = z.object({
  cluster: z.string().min(1).optional(),
  state: z.enum(ALERT_STATES).optional(),
  limit: z.number().int().min(1).max(10_000).default(200),
})

const episodeRow = z.object({
  cluster: z.string(),
  fingerprint: z.string(),
  rule: z.string(),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  state: z.enum(ALERT_STATES),
  starts_at: chTimeOut,
  ends_at: chTimeOut.nullable(),
  last_sent_at: chTimeOut.nullable(),
  deliveries: z.union([z.number(), z.string()]).transform(Number),
  last_error: z.string().nullable(),
})

/** Latest state of each episode, firing first, newest first. */
export const listAlerts =
  (q: Querier) =>
  async (input: z.input<typeof listAlertsParams> = {}): Promise<AlertEpisode[]> => {
    const p = listAlertsParams.parse(input)
    const conds: string[] = []
    const params: Record<string, unknown> = { limit: p.limit }
    if (p.cluster) {
      conds.push('cluster = {cluster:String}')
      params.cluster = p.cluster
    }
    if (p.state) {
      conds.push('state = {state:String}')
      params.state = p.state
    }
    const sql = `SELECT cluster, fingerprint, rule, labels, annotations, state, starts_at, ends_at, last_sent_at,
        deliveries, last_error
      FROM alerts FINAL
      ${conds.length ? `WHERE ${conds.join(' AND ')}` : ''}
      ORDER BY state = 'firing' DESC, starts_at DESC, fingerprint
      LIMIT {limit:UInt32}`
    const rows = await q.query('listAlerts', sql, params, episodeRow)
    return rows.map((r) => ({
      cluster: r.cluster,
      fingerprint: r.fingerprint,
      rule: r.rule,
      labels: r.labels,
      annotations: r.annotations,
      state: r.state,
      startsAt: r.starts_at,
      endsAt: r.ends_at,
      lastSentAt: r.last_sent_at,
      deliveries: r.deliveries,
      lastError: r.last_error,
    }))
  }
