import { randomUUID } from 'node:crypto';
import type { Logger, ProberIdentity, ProberRegistry } from '@smart-reap/shared';

export interface ProberRegistrationOptions {
  registry: ProberRegistry;
  /** The probe queues this prober takes from, with the host for its host queue. */
  serves: Array<{ queue: string; host?: string }>;
  /** How long one registration holds (PROBER_TTL_MS); it is renewed every third of it. */
  ttlMs: number;
  logger: Logger;
  clock?: () => number;
}

/**
 * A prober's word that it takes from its probe queues: registered before anything is claimed on
 * it, renewed every third of the TTL so that two missed renewals are survived, and withdrawn on a
 * graceful close. A prober killed with -9 stops renewing, and its registration lapses by itself.
 */
export class ProberRegistration {
  private readonly instance = randomUUID();
  private readonly clock: () => number;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: ProberRegistrationOptions) {
    this.clock = o.clock ?? Date.now;
  }

  private get identities(): ProberIdentity[] {
    return this.o.serves.map((s) => ({ ...s, instance: this.instance }));
  }

  /** Registers at once (a failure here is the caller's: the prober must not serve unregistered), then keeps renewing. */
  async start(): Promise<void> {
    await this.renew();
    this.timer = setInterval(() => {
      this.renew().catch((err: Error) => this.o.logger.warn({ err: err.message }, 'prober registration not renewed; next renewal retries'));
    }, Math.max(100, Math.floor(this.o.ttlMs / 3)));
    this.timer.unref();
  }

  /**
   * Renews now, out of turn: called when Redis is back after an outage, so that a registration that
   * lapsed meanwhile is restored before the scheduler takes this prober for gone. A no-op once stopped.
   */
  renewNow(): void {
    if (!this.timer) return;
    this.renew().catch((err: Error) => this.o.logger.warn({ err: err.message }, 'prober registration not renewed; next renewal retries'));
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all(this.identities.map((who) => this.o.registry.remove(who)));
  }

  private async renew(): Promise<void> {
    const expiresAt = this.clock() + this.o.ttlMs;
    await Promise.all(this.identities.map((who) => this.o.registry.register(who, expiresAt)));
  }
}
