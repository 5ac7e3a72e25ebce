import type { Redis } from 'ioredis';

export type ReadinessCheck = () => Promise<string | undefined>;

/**
 * What `/readyz` answers: not ready once shutdown starts, nor while Redis does not answer PING
 * or a worker is not running. `/healthz` never looks here: a Redis blip must not restart pods.
 */
export class Readiness {
  private shuttingDown = false;
  private readonly checks: ReadinessCheck[] = [];
  private readonly noticeChecks: ReadinessCheck[] = [];

  add(check: ReadinessCheck): void {
    this.checks.push(check);
  }

  /** A condition `/readyz` reports without turning 503: restarting replicas would not cure it (tasks nobody probes, say). */
  addNotice(check: ReadinessCheck): void {
    this.noticeChecks.push(check);
  }

  async notices(): Promise<string[]> {
    const results = await Promise.all(this.noticeChecks.map((c) => c().catch((err: Error) => err.message)));
    return results.filter((r): r is string => Boolean(r));
  }

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  async problems(): Promise<string[]> {
    if (this.shuttingDown) return ['shutting down'];
    const results = await Promise.all(this.checks.map((c) => c().catch((err: Error) => err.message)));
    return results.filter((r): r is string => Boolean(r));
  }
}

export function redisPingCheck(redis: Redis, timeoutMs = 1000): ReadinessCheck {
  return async () => {
    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('redis: no answer to PING'), timeoutMs).unref());
    const ping = redis.ping().then(
      () => undefined,
      (err: Error) => `redis: ${err.message}`,
    );
    return Promise.race([ping, timeout]);
  };
}
