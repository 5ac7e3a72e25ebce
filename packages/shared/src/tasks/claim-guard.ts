import type { Config } from '../config.js';
import { httpTargetAllowed, parseHttpTarget } from '../domain/http-target.js';
import { logPathRefusal, logRefTarget } from '../domain/log-ref-rule.js';
import { InvalidFieldError } from '../errors/invalid-field-error.js';
import type { ClaimBody } from '../schemas/api.js';
import { configuredLogRoots, resolvePath, resolveRoots } from './resolve-log-path.js';

/**
 * Checks a claim's references before it takes a task: what the services will read (a log file)
 * or contact (a health URL) on the runner's word. Throws InvalidFieldError (400) naming the field.
 */
export function claimGuard(config: Pick<Config, 'LOG_ROOTS' | 'DATA_DIR' | 'HTTP_PROBE_ALLOW'>): (claim: ClaimBody) => Promise<void> {
  const roots = configuredLogRoots(config);
  return async (claim) => {
    if (claim.runtime.type === 'http') {
      const url = parseHttpTarget(claim.runtime.ref);
      if (!url) throw new InvalidFieldError('runtime.ref', 'an http runtime needs an http:// or https:// health URL');
      if (config.HTTP_PROBE_ALLOW && !httpTargetAllowed(url, config.HTTP_PROBE_ALLOW)) {
        throw new InvalidFieldError('runtime.ref', `host ${url.host} is not allowed by HTTP_PROBE_ALLOW`);
      }
    }
    if (claim.logRef === undefined) return;
    const target = logRefTarget(claim.logRef);
    if (target.kind === 'invalid') throw new InvalidFieldError('logRef', target.reason);
    if (target.kind !== 'file') return;
    // A path the service cannot resolve (EACCES, ELOOP) is refused like any other it may not read.
    const resolved = await resolvePath(target.path).catch(() => undefined);
    if (!resolved) throw new InvalidFieldError('logRef', `${target.path} cannot be resolved`);
    const refusal = logPathRefusal(resolved, await resolveRoots(roots));
    if (refusal) throw new InvalidFieldError('logRef', refusal);
  };
}
