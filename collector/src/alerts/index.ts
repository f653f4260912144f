// Alerts: rules over written startups and the store -> de-duplicated, grouped episodes -> transports.
export * from './config.ts'
export { type DeliveryResult, Dispatcher } from './dispatcher.ts'
export { AlertEngine, type AlertEngineOptions, fingerprint } from './engine.ts'
export {
  nextRunMs,
  produceReport,
  type ReportRequest,
  ReportSchedule,
  reportLink,
} from './report-delivery.ts'
export * from './rules.ts'
export * from './transports/index.ts'
