export { classify } from './classify.js';
export { parseRetryAfterMs } from './retry-after.js';
export { RETRYABLE_BY_DEFAULT } from './retryable.js';
export type { Classification, ClassifyInput } from './types.js';
