export * from './checks.js';
export * from './load.js';
export * from './query.js';
export type * from './shapes.js';
