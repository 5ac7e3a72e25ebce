import type { AxisState } from '@smart-reap/shared';
import { signalName } from '../proc/signal-name.js';
import type { ContainerStatusView, PodView, TerminatedView } from './pod-api.js';

export interface PodAxis {
  state: AxisState;
  evidence: string;
  exitCode?: number;
  signal?: string;
}

/** Runtime axis from the pod phase: Running/Pending alive, Succeeded/Failed dead, Unknown unknown. */
export function podRuntimeAxis(pod: PodView): PodAxis {
  const phase = pod.status?.phase;
  const node = pod.spec?.nodeName ? ` on node ${pod.spec.nodeName}` : '';
  const why = pod.status?.reason ? ` (${pod.status.reason}${pod.status.message ? `: ${pod.status.message}` : ''})` : '';
  const deleting = pod.metadata?.deletionTimestamp ? `, terminating since ${iso(pod.metadata.deletionTimestamp)}` : '';
  const evidence = `pod phase ${phase ?? '(none)'}${node}${why}${deleting}`;
  switch (phase) {
    case 'Running':
    case 'Pending':
      return { state: 'alive', evidence };
    case 'Succeeded':
    case 'Failed':
      return { state: 'dead', evidence };
    default:
      return { state: 'unknown', evidence };
  }
}

/**
 * Process axis from the runner's container: the named one, else the pod's first container.
 * Running → alive. Terminated → dead. Waiting after a termination (CrashLoopBackOff, or a restart
 * on its way) → dead: no process of that container runs, so the claimed runner is gone. Waiting
 * without ever having run → unknown: no runner can have claimed from it.
 */
export function podProcessAxis(pod: PodView, container?: string): PodAxis {
  const name = container ?? pod.spec?.containers?.[0]?.name;
  const statuses = pod.status?.containerStatuses ?? [];
  const status = name ? statuses.find((s) => s.name === name) : statuses[0];
  if (!status) {
    const declared = !container || pod.spec?.containers?.some((c) => c.name === container);
    return { state: 'unknown', evidence: declared ? `container ${name ?? '(first)'} has no status yet` : `pod has no container named ${container}` };
  }
  const label = `container ${status.name}`;
  const { state, lastState } = status;
  if (state?.running) {
    const since = state.running.startedAt ? ` since ${iso(state.running.startedAt)}` : '';
    return { state: 'alive', evidence: `${label} running${since}${restarts(status)}` };
  }
  if (state?.terminated) return terminatedAxis(`${label} terminated`, state.terminated);
  if (state?.waiting) {
    const reason = `${state.waiting.reason ?? 'waiting'}${state.waiting.message ? `: ${state.waiting.message}` : ''}`;
    if (lastState?.terminated) return terminatedAxis(`${label} waiting (${reason}), restarted ${status.restartCount ?? 0} times; last terminated`, lastState.terminated);
    return { state: 'unknown', evidence: `${label} waiting (${reason}) and has not run yet` };
  }
  return { state: 'unknown', evidence: `${label} reports no state` };
}

function terminatedAxis(prefix: string, t: TerminatedView): PodAxis {
  const signal = t.signal ? signalName(t.signal) : signalFromExitCode(t.exitCode);
  const code = t.exitCode > 128 && !t.signal && signal ? `exit code ${t.exitCode} (128 + ${signal})` : `exit code ${t.exitCode}`;
  const parts = [t.reason, code, t.signal ? `signal ${signal}` : undefined, t.message ? `message: ${t.message.trim().slice(0, 200)}` : undefined];
  const at = t.finishedAt ? ` at ${iso(t.finishedAt)}` : '';
  return { state: 'dead', evidence: `${prefix}: ${parts.filter(Boolean).join(', ')}${at}`, exitCode: t.exitCode, ...(signal ? { signal } : {}) };
}

/** Container runtimes report a signal death as exit code 128 + signal number. */
function signalFromExitCode(exitCode: number): string | undefined {
  return exitCode > 128 && exitCode <= 128 + 64 ? signalName(exitCode - 128) : undefined;
}

function restarts(s: ContainerStatusView): string {
  if (!s.restartCount) return '';
  const last = s.lastState?.terminated;
  const lastText = last ? `; last terminated: ${last.reason ?? 'exit'} ${last.exitCode}${last.finishedAt ? ` at ${iso(last.finishedAt)}` : ''}` : '';
  return ` (restarted ${s.restartCount} times${lastText})`;
}

function iso(t: Date | string): string {
  return t instanceof Date ? t.toISOString() : t;
}
