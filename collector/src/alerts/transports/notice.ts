// What a transport delivers: a group of alerts (or a plain-text message such as the weekly report summary).

export interface AlertNotice {
  fingerprint: string
  status: 'firing' | 'resolved'
  labels: Record<string, string>
  annotations: Record<string, string>
  startsAt: string
  endsAt: string | null
  generatorURL: string
}

export interface GroupNotice {
  groupKey: string
  groupLabels: Record<string, string>
  alerts: AlertNotice[]
  /** Plain-text body for chat transports when this is not an alert (the weekly report summary). */
  text?: string
}
