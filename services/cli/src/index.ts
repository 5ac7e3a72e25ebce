// The stack as one call, for the end-to-end tests and benches that start it in their own process.
export { SERVICE_NAMES, startStack, type ServiceName, type Stack, type StackOptions } from './runtime/start-stack.js';
