import type { Config, Core, Logger } from '@smart-reap/shared';

/** The part of a running stack the demo reads: its API and the core it observes tasks through. */
export interface DemoStack {
  url: string;
  core: Core;
  close(): Promise<void>;
}

export interface DemoRedis {
  url: string;
  stop(): Promise<void>;
}

/**
 * How the demo starts Redis and the whole stack. Injected by the composition root (the CLI), which
 * also runs the demo: the demo importing it would make the two packages depend on each other.
 */
export interface DemoStarters {
  /** Every service in this process, around one core on `redisUrl`. */
  startStack(o: { config: Config; redisUrl: string; logger: Logger; host: string }): Promise<DemoStack>;
  /** REDIS_URL when set, else a private redis-server; `dataDir` undefined: it keeps nothing. */
  redisForStart(o: { redisUrl: string | undefined; dataDir: undefined; logger: Logger }): Promise<DemoRedis>;
}
