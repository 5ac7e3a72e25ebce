export * from './client/runner-api-error.js';
export * from './client/api-transport.js';
export * from './client/runner-client.js';
export * from './client/api-client.js';
export { describeApiFailure } from './api-failure.js';
export { runCommand, type RunCommandOptions } from './run-command.js';
export * from './supervised-worker.js';
