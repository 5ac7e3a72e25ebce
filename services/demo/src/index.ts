export { DEMO_EXIT, runDemo, type DemoOptions, type DemoOutput } from './run-demo.js';
export type { DemoRedis, DemoStack, DemoStarters } from './starters.js';
