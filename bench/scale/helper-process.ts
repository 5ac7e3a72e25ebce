/**
 * bench/scale's other processes, apart from the reaper as they are deployed (DESIGN §1): `prober`
 * runs the prober and diagnoser services and counts probes and the gaps between two probes of one
 * task; `fleet` plays the runners, beating for every task every 30 s, spread over the interval.
 * Driven over IPC by bench/scale/main.ts.
 */
import { configWith, createCore, createLogger } from '@smart-reap/shared';
import { startStack } from '@smart-reap/cli';
import { BEAT_MS, SCALE_CONFIG, type FromHelper, type ToHelper } from './helper-protocol.js';
import { ProbeGaps } from './probe-gaps.js';

const [role, redisUrl] = process.argv.slice(2);
if ((role !== 'prober' && role !== 'fleet') || !redisUrl) throw new Error('usage: helper-process.ts prober|fleet REDIS_URL');
const config = configWith(SCALE_CONFIG);
const send = (m: FromHelper): void => void process.send!(m);

if (role === 'prober') {
  const recorder = new ProbeGaps();
  const stack = await startStack({
    config,
    redisUrl,
    services: ['prober', 'diagnoser'],
    logger: createLogger('bench', 'silent'),
    host: '127.0.0.1',
    onProbe: (t) => recorder.record(t.taskId),
  });
  process.on('message', (m: ToHelper) => {
    if (m.type === 'measure') recorder.measuring = m.on;
    if (m.type === 'report') send({ type: 'probes', probes: recorder.probes, gaps: recorder.gaps });
    if (m.type === 'stop') void stack.close().then(() => process.exit(0));
  });
} else {
  const core = createCore({ config, redisUrl, logger: createLogger('bench', 'silent') });
  await core.ready();
  let timer: NodeJS.Timeout | undefined;
  process.on('message', (m: ToHelper) => {
    if (m.type === 'beat') {
      const { ids, leases } = m;
      let round = 0;
      timer = setInterval(() => {
        const slice = Math.ceil(ids.length / (BEAT_MS / 100));
        const start = (round * slice) % ids.length;
        round++;
        for (let i = start; i < Math.min(ids.length, start + slice); i++) void core.tasks.heartbeat(ids[i]!, { runnerId: `hb-${i}`, lease: leases[i] }).catch(() => undefined);
      }, 100);
    }
    if (m.type === 'stop') {
      clearInterval(timer);
      void core.close().then(() => process.exit(0));
    }
  });
}
send({ type: 'ready' });
