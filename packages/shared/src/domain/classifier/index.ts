export { classify } from './classify.js';
export { withHostMemoryEvidence, type HostMemoryEvidence } from './memory-evidence.js';
export { parseRetryAfterMs } from './retry-after.js';
export { RETRYABLE_BY_DEFAULT } from './retryable.js';
export type { Classification, ClassifyInput } from './types.js';
