export * from './partial-output.js';
export * from './backoff.js';
export * from './recovery-strategy.js';
export * from './resume-partial.js';
export * from './fail-and-reassign.js';
export * from './recovery-engine.js';
export * from './decide-recovery.js';
export * from './recovered-attempt.js';
