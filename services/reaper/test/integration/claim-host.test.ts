import { afterEach, describe, expect, it } from 'vitest';
import { hostProbeQueue } from '@smart-reap/shared';
import { registerProbers } from '../../../../test/support/probers.js';
import { startTestApi } from './api-server.js';

type Api = Awaited<ReturnType<typeof startTestApi>>;
const processRuntime = { type: 'process', ref: '' };

/**
 * Host resolution at claim (issue 10): a host-local runner must land on a host a live prober
 * serves, or nobody would ever probe it. Before, every one of these claims was a 200.
 */
describe('claim: the runner host a live prober serves', () => {
  let api: Api;
  afterEach(async () => {
    await api?.close();
  });

  async function claimable(kind = 'work'): Promise<string> {
    return (await api.call('POST', '/tasks', { kind })).json.id;
  }

  it('without host, with one prober registered: the claim gets that host', async () => {
    api = await startTestApi();
    await registerProbers(api.core.probers, ['box-1']);
    const id = await claimable();
    const claim = await api.call('POST', '/tasks/claim', { runnerId: 'r1', kinds: ['work'], runtime: processRuntime, pid: process.pid });
    expect(claim.status).toBe(200);
    expect(claim.json).toMatchObject({ id, runner: { host: 'box-1' } });
    const target = await api.core.redis.hget(api.core.keys.probeTargets(), id);
    expect(target).toContain('"host":"box-1"');
  });

  it('without host, with two probers or none: 400 naming host and listing the registered hosts, nothing claimed', async () => {
    api = await startTestApi();
    const id = await claimable();
    const none = await api.call('POST', '/tasks/claim', { runnerId: 'r1', kinds: ['work'], runtime: { type: 'tmux', ref: 'agent' } });
    expect(none.status).toBe(400);
    expect(none.json.issues).toEqual([{ field: 'host', reason: expect.stringMatching(/no prober is registered/) }]);
    expect(none.json.registeredHosts).toEqual([]);

    await registerProbers(api.core.probers, ['box-b', 'box-a']);
    const two = await api.call('POST', '/tasks/claim', { runnerId: 'r1', kinds: ['work'], runtime: processRuntime, pid: process.pid });
    expect(two.status).toBe(400);
    expect(two.json.issues).toEqual([{ field: 'host', reason: expect.stringContaining('registered hosts: box-a, box-b') }]);
    expect(two.json.registeredHosts).toEqual(['box-a', 'box-b']);
    expect((await api.core.store.mustGet(id)).status).toBe('ASSIGNED');
  });

  it('a host no live prober serves, or whose registration expired: 400 naming host', async () => {
    api = await startTestApi();
    await registerProbers(api.core.probers, ['box-1']);
    await api.core.probers.register({ queue: hostProbeQueue('gone-box'), host: 'gone-box', instance: 'old' }, Date.now() - 1000);
    const id = await claimable();
    for (const host of ['box-2', 'gone-box']) {
      const wrong = await api.call('POST', '/tasks/claim', { runnerId: 'r1', kinds: ['work'], runtime: processRuntime, pid: process.pid, host });
      expect(wrong.status).toBe(400);
      expect(wrong.json.issues).toEqual([{ field: 'host', reason: expect.stringContaining(`no live prober serves host "${host}"`) }]);
      expect(wrong.json.registeredHosts).toEqual(['box-1']);
    }
    expect((await api.core.store.mustGet(id)).status).toBe('ASSIGNED');
    const right = await api.call('POST', '/tasks/claim', { runnerId: 'r1', kinds: ['work'], runtime: processRuntime, pid: process.pid, host: 'box-1' });
    expect(right.status).toBe(200);
  });

  it('http, heartbeat and kubernetes runners need no host and no prober registration', async () => {
    api = await startTestApi();
    for (const runtime of [{ type: 'heartbeat', ref: '' }, { type: 'http', ref: 'http://127.0.0.1:1/health' }, { type: 'kubernetes', ref: 'ns/pod' }]) {
      const id = await claimable();
      const claim = await api.call('POST', '/tasks/claim', { runnerId: `r-${runtime.type}`, kinds: ['work'], runtime });
      expect(claim.status).toBe(200);
      expect(claim.json.id).toBe(id);
      expect(claim.json.runner.host).toBeUndefined();
    }
  });

  it('pidStartTime must be digits: "yesterday" is a 400 naming pidStartTime and claims nothing', async () => {
    api = await startTestApi();
    await registerProbers(api.core.probers, ['box-1']);
    const id = await claimable();
    const bad = await api.call('POST', '/tasks/claim', { runnerId: 'r1', kinds: ['work'], runtime: processRuntime, pid: process.pid, pidStartTime: 'yesterday', host: 'box-1' });
    expect(bad.status).toBe(400);
    expect(bad.json.issues).toEqual([expect.objectContaining({ field: 'pidStartTime', reason: expect.stringMatching(/digits only/) })]);
    expect((await api.core.store.mustGet(id)).status).toBe('ASSIGNED');
    const good = await api.call('POST', '/tasks/claim', { runnerId: 'r1', kinds: ['work'], runtime: processRuntime, pid: process.pid, pidStartTime: '12345', host: 'box-1' });
    expect(good.status).toBe(200);
  });

  it('memoryCgroup must name a counter file under /sys/fs/cgroup: anything else is a 400 naming memoryCgroup.file; a good one is kept on the runner', async () => {
    api = await startTestApi();
    await registerProbers(api.core.probers, ['box-1']);
    const id = await claimable();
    const claim = (file: string) =>
      api!.call('POST', '/tasks/claim', { runnerId: 'r1', kinds: ['work'], runtime: processRuntime, pid: process.pid, host: 'box-1', memoryCgroup: { file, oomKills: 0 } });
    for (const file of ['/etc/shadow', '/sys/fs/cgroup/../../etc/memory.events']) {
      const bad = await claim(file);
      expect(bad.status).toBe(400);
      expect(bad.json.issues).toEqual([expect.objectContaining({ field: 'memoryCgroup.file' })]);
    }
    expect((await api.core.store.mustGet(id)).status).toBe('ASSIGNED');
    const good = await claim('/sys/fs/cgroup/memory/jobs/a/memory.oom_control');
    expect(good.status).toBe(200);
    expect(good.json.runner.memoryCgroup).toEqual({ file: '/sys/fs/cgroup/memory/jobs/a/memory.oom_control', oomKills: 0 });
  });
});
