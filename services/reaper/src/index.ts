// What the composition root (services/cli) wires together into a running reaper.
export { createApp } from './api/create-app.js';
export { ROUTES } from './api/api-routes.js';
export { closeServer, listen, type ListenOptions } from './api/service-host.js';
export { createQueueBoard, type QueueBoard } from './board/queue-board.js';
export { startDecideWorker } from './decide/decide-worker.js';
export { Escalator } from './decide/escalator.js';
export { VerdictApplier } from './decide/verdict-applier.js';
export { IncidentResolver, type Resolution } from './incidents/incident-resolver.js';
export { registerGlobalGauges } from './metrics/global-gauges.js';
export { reaperMetrics, type ReaperMetrics } from './metrics/reaper-metrics.js';
export { Readiness, redisPingCheck } from './ops/readiness.js';
export { unsupervisedNotice } from './ops/supervision-notice.js';
export { intakeContract, startIntakeWorker } from './intake/intake-worker.js';
export { startReassignWorker } from './reassign/reassign-worker.js';
export { ProbeScheduler, type TickStats } from './scheduler/probe-scheduler.js';
export { SupervisionTracker } from './scheduler/supervision-tracker.js';
