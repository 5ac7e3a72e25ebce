import { afterEach, describe, expect, it } from 'vitest';
import { decideClaim, type ClaimBody, type Task } from '@smart-reap/shared';
import { createTestCore } from '../../../../test/support/test-core.js';

type TestCore = Awaited<ReturnType<typeof createTestCore>>;

const T0 = 1_750_000_000_000;
const LEASE_HASH = 'a'.repeat(64);

function assigned(id: string, kind: string, extra: Partial<Task> = {}): Task {
  return {
    id,
    kind,
    status: 'ASSIGNED',
    attempt: 1,
    maxRetries: 2,
    extensions: 0,
    fencedRunners: [],
    payload: { list: [], empty: {}, third: 1 / 3 },
    context: {},
    history: [{ from: 'PENDING', to: 'ASSIGNED', at: T0 - 5000, by: 'api', reason: 'queued for a runner' }],
    createdAt: T0 - 5000,
    updatedAt: T0 - 5000,
    ...extra,
  };
}

/** Every key of a core's prefix with its content, named without the prefix (the task hashes apart). */
async function dump(core: TestCore): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const keys = await core.redis.keys(`${core.keys.tag}:*`);
  for (const key of keys.sort()) {
    const name = key.slice(core.keys.tag.length);
    if (name.startsWith(':task:')) continue;
    const type = await core.redis.type(key);
    if (type === 'zset') out[name] = await core.redis.zrangebyscore(key, '-inf', '+inf', 'WITHSCORES');
    else if (type === 'hash') out[name] = await core.redis.hgetall(key);
    else if (type === 'set') out[name] = (await core.redis.smembers(key)).sort();
    else if (type === 'string') out[name] = await core.redis.get(key);
    else if (type === 'list') out[name] = await core.redis.lrange(key, 0, -1);
    // A stream's entries by their fields (the entry ids are times the two writes cannot share).
    else if (type === 'stream') out[name] = (await core.redis.xrange(key, '-', '+')).map(([, fields]) => fields);
    else out[name] = type;
  }
  return out;
}

/**
 * The one-step claim against what a compare-and-set of decideClaim (with the learned window of
 * kindStats.maxAgeFor, and indexOpsFor's index changes) writes for the same task at the same time:
 * two cores on one Redis under two prefixes, one claiming each way, must hold the same state.
 */
describe('claim.lua: the same claim as decideClaim + indexOpsFor', () => {
  const cores: TestCore[] = [];
  afterEach(async () => {
    await Promise.all(cores.splice(0).map((c) => c.dispose()));
  });

  async function pair(): Promise<{ lua: TestCore; cas: TestCore; at: (t: number) => void }> {
    let now = T0;
    const options = { clock: () => now };
    const lua = await createTestCore({}, options);
    const cas = await createTestCore({}, options);
    cores.push(lua, cas);
    return { lua, cas, at: (t) => void (now = t) };
  }

  const shapes: Array<{ name: string; task: Task; claim: ClaimBody; durationsMs?: number[] }> = [
    { name: 'a heartbeat runner', task: assigned('t-heartbeat', 'plain'), claim: { runnerId: 'r1', runtime: { type: 'heartbeat', ref: '' } } },
    {
      name: 'a process runner with host, pid, reporter',
      task: assigned('t-process', 'proc'),
      claim: { runnerId: 'r2', runtime: { type: 'process', ref: 'cmd' }, host: 'box-1', pid: 4242, pidStartTime: '123456', reporter: { pid: 4241, pidStartTime: '123450' }, logRef: 'file:///tmp/x.log' },
    },
    { name: 'a tmux runner', task: assigned('t-tmux', 'tmux'), claim: { runnerId: 'r3', runtime: { type: 'tmux', ref: 'sess:0.0' }, host: 'box-2' } },
    { name: 'a kubernetes runner', task: assigned('t-k8s', 'k8s'), claim: { runnerId: 'r4', runtime: { type: 'kubernetes', ref: 'ns/pod' } } },
    { name: 'an http runner', task: assigned('t-http', 'http'), claim: { runnerId: 'r5', runtime: { type: 'http', ref: 'http://127.0.0.1:1/health' } } },
    { name: 'an id that JSON escapes', task: assigned('t-"q"\\\n\u0001', 'odd'), claim: { runnerId: 'r12', runtime: { type: 'heartbeat', ref: '' } } },
    { name: 'a dedupKey', task: assigned('t-dedup', 'fix', { dedupKey: 'issue-9' }), claim: { runnerId: 'r6', runtime: { type: 'heartbeat', ref: '' } } },
    {
      name: 'a previous lease, a lapse of supervision and a probe stamp of the ended attempt',
      task: assigned('t-again', 'again', {
        attempt: 2,
        leaseHash: 'b'.repeat(64),
        endedLeaseHashes: ['c'.repeat(64)],
        supervision: { state: 'unsupervised', since: T0 - 9000, reason: 'prober gone', queue: 'probe-host-x' },
        probe: { runtimeState: 'dead', processState: 'dead', at: T0 - 8000, evidence: [], unknownRounds: 0, contradictionRounds: 0 },
        reap: { at: T0 - 7000, by: 'reaper', reason: 'dead' },
      }),
      claim: { runnerId: 'r7', runtime: { type: 'heartbeat', ref: '' } },
    },
    {
      name: 'a heal hint past its notBefore, with a longer window',
      task: assigned('t-healed', 'healed', { healHint: { maxAgeMinutes: 45, notBefore: T0 - 1000, reason: 'timeout' } }),
      claim: { runnerId: 'r8', runtime: { type: 'heartbeat', ref: '' } },
    },
    {
      name: "the task's own window below a heal hint's",
      task: assigned('t-own', 'own', { maxAgeMinutes: 7, healHint: { maxAgeMinutes: 9 } }),
      claim: { runnerId: 'r9', runtime: { type: 'heartbeat', ref: '' } },
    },
    {
      name: 'a continuation of a kind with a learned window',
      task: assigned('t-cont', 'learned', { parentId: 't-parent', continuationId: undefined }),
      claim: { runnerId: 'r10', runtime: { type: 'heartbeat', ref: '' } },
      durationsMs: [61_000, 120_000, 95_000, 300_001, 45_000, 77_777, 1_000_003],
    },
    {
      name: 'a kind with too few durations to learn from',
      task: assigned('t-few', 'few'),
      claim: { runnerId: 'r11', runtime: { type: 'heartbeat', ref: '' } },
      durationsMs: [61_000, 120_000],
    },
  ];

  for (const shape of shapes) {
    it(`claims ${shape.name} as the compare-and-set would`, async () => {
      const { lua, cas, at } = await pair();
      for (const core of [lua, cas]) {
        await core.store.insert(shape.task);
        for (const ms of shape.durationsMs ?? []) await core.redis.lpush(core.keys.kindStats(shape.task.kind), JSON.stringify({ ms, chars: 10 }));
      }
      at(T0 + 1234);

      const viaLua = await lua.store.claim([shape.task.kind], shape.claim, LEASE_HASH, { defaultMaxAgeMinutes: lua.config.DEFAULT_MAX_AGE_MINUTES, minMaxAgeMinutes: lua.config.MIN_MAX_AGE_MINUTES });
      const current = await cas.store.mustGet(shape.task.id);
      const maxAge = await cas.kindStats.maxAgeFor(current);
      const viaCas = await cas.store.mutate(shape.task.id, (t, now) => decideClaim(t, shape.claim, now, maxAge, LEASE_HASH));

      expect(viaLua).toEqual(viaCas);
      expect(await lua.store.get(shape.task.id)).toEqual(viaCas);
      expect(await lua.redis.hget(lua.keys.task(shape.task.id), 'rev')).toBe(await cas.redis.hget(cas.keys.task(shape.task.id), 'rev'));
      expect(await dump(lua)).toEqual(await dump(cas));
      // The producer's payload as it was: never re-encoded by Lua.
      expect(viaLua!.payload).toEqual({ list: [], empty: {}, third: 1 / 3 });

      // The next write folds the claim into the JSON and drops the record: both stores agree still.
      const beat = (core: TestCore) => core.store.mutate(shape.task.id, (t, now) => ({ write: { ...t, heartbeatAt: now } }));
      at(T0 + 5000);
      expect(await beat(lua)).toEqual(await beat(cas));
      expect(await lua.redis.hgetall(lua.keys.task(shape.task.id))).toEqual(await cas.redis.hgetall(cas.keys.task(shape.task.id)));
    });
  }
});

describe('claim.lua: what it records stays readable', () => {
  let core: TestCore | undefined;
  afterEach(async () => {
    await core?.dispose();
  });

  it('refuses, before anything is written, a claim its record could not be read back from', async () => {
    core = await createTestCore();
    const { task } = await core.tasks.create({ kind: 'strict' });
    // Past the type: a caller in plain JS, or a hook that adds a field the claim schema does not know.
    const odd = { runnerId: 'r', runtime: { type: 'heartbeat', ref: '' }, extra: 1 } as unknown as ClaimBody;
    await expect(core.tasks.claim(odd)).rejects.toThrow(/extra/);
    expect(await core.store.get(task.id)).toMatchObject({ status: 'ASSIGNED' });
    expect(await core.redis.hget(core.keys.task(task.id), 'claim')).toBeNull();
  });
});
