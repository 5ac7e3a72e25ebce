/**
 * bench/scale's other processes, apart from the reaper as they are deployed (DESIGN §1): `prober`
 * runs the prober (with its host watcher) and the diagnoser, and records the watcher's sweeps;
 * `fleet` plays the runners, beating for every task every 30 s, spread over the interval.
 * Driven over IPC by bench/scale/main.ts.
 */
import { configWith, createCore, createLogger } from '@smart-reap/shared';
import { startStack } from '@smart-reap/cli';
import { BEAT_MS, SCALE_CONFIG, type FromHelper, type ToHelper } from './helper-protocol.js';

const [role, redisUrl] = process.argv.slice(2);
if ((role !== 'prober' && role !== 'fleet') || !redisUrl) throw new Error('usage: helper-process.ts prober|fleet REDIS_URL');
const config = configWith(SCALE_CONFIG);
const send = (m: FromHelper): void => void process.send!(m);

if (role === 'prober') {
  let measuring = false;
  let lastStart: number | undefined;
  const gaps: number[] = [];
  const durations: number[] = [];
  let watched = 0;
  let fullProbes = 0;
  const stack = await startStack({
    config,
    redisUrl,
    services: ['prober', 'diagnoser'],
    logger: createLogger('bench', 'silent'),
    host: '127.0.0.1',
    onSweep: (s) => {
      const start = Date.now() - s.durationMs;
      if (measuring) {
        if (lastStart !== undefined) gaps.push(start - lastStart);
        durations.push(s.durationMs);
        watched = s.watched;
        fullProbes += s.fullProbes;
      }
      lastStart = start;
    },
  });
  process.on('message', (m: ToHelper) => {
    if (m.type === 'measure') measuring = m.on;
    if (m.type === 'report') send({ type: 'sweeps', gaps, durations, watched, fullProbes });
    if (m.type === 'stop') void stack.close().then(() => process.exit(0));
  });
} else {
  const core = createCore({ config, redisUrl, logger: createLogger('bench', 'silent') });
  await core.ready();
  let timer: NodeJS.Timeout | undefined;
  const ids: string[] = [];
  const leases: string[] = [];
  process.on('message', (m: ToHelper) => {
    // Tasks arrive in chunks as they are claimed, so that none goes without beats while the rest are set up.
    if (m.type === 'beat') {
      ids.push(...m.ids);
      leases.push(...m.leases);
      if (timer) return;
      let round = 0;
      timer = setInterval(() => {
        const slice = Math.ceil(ids.length / (BEAT_MS / 100));
        const start = (round * slice) % ids.length;
        round++;
        for (let i = start; i < Math.min(ids.length, start + slice); i++) void core.tasks.heartbeat(ids[i]!, { runnerId: `r-${i}`, lease: leases[i] }).catch(() => undefined);
      }, 100);
    }
    if (m.type === 'stop') {
      clearInterval(timer);
      void core.close().then(() => process.exit(0));
    }
  });
}
send({ type: 'ready' });
