export * from './probe-worker.js';
export * from './stop-handler.js';
export * from './prober-metrics.js';
export * from './prober-registration.js';
export * from './host-watcher.js';
