import { describe, expect, it } from 'vitest';
import type { AuditEvent, Task } from '@smart-reap/shared';
import { taskFixture } from '../../../../test/support/task-fixture.js';
import { deathsChart } from '../../src/ui/deaths-chart.js';
import { html } from '../../src/ui/html.js';
import { taskPage, timelineOf } from '../../src/ui/task-page.js';

const at = (s: number) => 1_700_000_000_000 + s * 1000;
const task = (over: Partial<Task> = {}) => taskFixture({ id: 'task-1', createdAt: at(0), updatedAt: at(9), ...over });

describe('the console pages, rendered from a task', () => {
  it('escapes every interpolated value and keeps html-made markup', () => {
    expect(html`<p>${'<b onclick="x">&\'`'}</p>${html`<i>${'<'}</i>`}`.value).toBe('<p>&lt;b onclick=&quot;x&quot;&gt;&amp;&#39;&#96;</p><i>&lt;</i>');
  });

  it('shows the live diagnosis when the runner is looping, escaped, and nothing when the field is absent or malformed', () => {
    const looping = task({ context: { live_diagnosis: { crashType: 'rate_limited', summary: 'HTTP 429 <again>', evidence: ['429 Too Many Requests'], since: at(3), repeats: 7, detectedAt: at(3), attempt: 1 } } });
    const page = taskPage(looping, []).value;
    expect(page).toContain('id="live-diagnosis"');
    expect(page).toContain('HTTP 429 &lt;again&gt;');
    expect(page).toContain('7 repeats');
    expect(taskPage(task(), []).value).not.toContain('id="live-diagnosis"');
    expect(taskPage(task({ context: { live_diagnosis: { crashType: 'rate_limited' } as never } }), []).value).not.toContain('id="live-diagnosis"');
  });

  it('links the task it resumes and its continuation', () => {
    const page = taskPage(task({ parentId: 'parent-9', continuationId: 'child-3' }), []).value;
    expect(page).toMatch(/id="parent"><a class="mono" href="\/ui\/tasks\/parent-9">/);
    expect(page).toMatch(/id="continuation"><a class="mono" href="\/ui\/tasks\/child-3">/);
  });

  it('offers cancel only where the state machine allows it, and retry only on FAILED', () => {
    const offers = (status: Task['status']) => {
      const page = taskPage(task({ status }), []).value;
      return { cancel: page.includes('id="cancel"'), retry: page.includes('id="retry"') };
    };
    expect(offers('ASSIGNED')).toEqual({ cancel: true, retry: false });
    expect(offers('IN_PROGRESS')).toEqual({ cancel: true, retry: false });
    expect(offers('FAILED')).toEqual({ cancel: false, retry: true });
    expect(offers('COMPLETED')).toEqual({ cancel: false, retry: false });
    expect(offers('CANCELLED')).toEqual({ cancel: false, retry: false });
  });

  it('puts transitions, audit events and the last probe on one timeline, oldest first', () => {
    const t = task({
      history: [
        { from: 'PENDING', to: 'ASSIGNED', at: at(1), by: 'api', reason: 'queued' },
        { from: 'ASSIGNED', to: 'IN_PROGRESS', at: at(2), by: 'r1', reason: 'claimed' },
      ],
      probe: { runtimeState: 'alive', processState: 'dead', at: at(5), evidence: ['pid 7 not found'], unknownRounds: 0, contradictionRounds: 0 },
    });
    const events: AuditEvent[] = [{ id: '1-0', at: at(1.5), type: 'extend', taskId: t.id, reason: 'working, due', evidence: ['heartbeat fresh'], dryRun: false }];
    expect(timelineOf(t, events).map((e) => e.what)).toEqual(['PENDING → ASSIGNED', 'extend', 'ASSIGNED → IN_PROGRESS', 'last probe']);
  });

  it('charts deaths per cause and bucket, with a legend of the causes seen', () => {
    const svg = deathsChart({ from: 0, to: 3 * 3_600_000, counts: { oom: [1, 0, 2], segfault: [0, 0, 0], killed: [0, 4, 0] } }).value;
    expect(svg.match(/<rect x=/g)).toHaveLength(3);
    expect(svg).toContain('oom (3)');
    expect(svg).toContain('killed (4)');
    expect(svg).not.toContain('segfault (');
  });
});
