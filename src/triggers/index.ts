export { cronJobHandlers, tickIdempotencyKey, type CronOptions, type TriggerJobHandler } from './cron.ts';
export { planTick, type TickPlan, type TickSituation } from './cron-plan.ts';
export { scheduleTriggers, syncDeployedSchedules, syncFileSchedules, syncWorkflowSchedules } from './cron-sync.ts';
export { drainOutbox, tableChangeJobHandlers, type DrainResult, type TableChangeOptions } from './table-changes.ts';
export { checkTableTriggers, outboxDrainJob, readTableTriggers, syncDeployedTableSubscriptions, syncTableSubscriptions, type SyncReport, type TriggerProblem } from './table-subscriptions.ts';
export { executionEndedJobKind, scheduledRunJobHandlers, type ScheduledRunJobHandler } from './scheduled-runs.ts';
export { flowControlJobHandlers } from './flow-control.ts';
