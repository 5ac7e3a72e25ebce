import type { Rule } from '../types.js';
import { diskRules } from './disk.js';
import { exceptionRules } from './exceptions.js';
import { memoryRules } from './memory.js';
import { panicRules, segfaultRules } from './native.js';
import { networkRules } from './network.js';
import { authRules, contextRules, overloadRules, rateLimitRules } from './provider.js';
import { killedRules, timeoutRules } from './termination.js';

export const RULES: readonly Rule[] = [
  ...memoryRules,
  ...segfaultRules,
  ...panicRules,
  ...exceptionRules,
  ...rateLimitRules,
  ...overloadRules,
  ...authRules,
  ...contextRules,
  ...networkRules,
  ...diskRules,
  ...killedRules,
  ...timeoutRules,
];
