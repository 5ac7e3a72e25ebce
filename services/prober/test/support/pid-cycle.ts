import { writeFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import type { Children } from './children.js';

const NS_LAST_PID = '/proc/sys/kernel/ns_last_pid';

/**
 * Starts `node -e script` on exactly `pid`, by setting the pid namespace's last allocated pid just
 * below it (needs CAP_SYS_ADMIN in the pid namespace). Other processes on the machine may take the
 * pid first, so it retries; undefined when the kernel refuses or the pid never comes.
 */
export async function spawnOnPid(children: Children, pid: number, script: string, attempts = 50): Promise<(ChildProcess & { pid: number }) | undefined> {
  for (let i = 0; i < attempts; i++) {
    try {
      writeFileSync(NS_LAST_PID, String(pid - 1));
    } catch {
      return undefined;
    }
    const child = children.node(script);
    if (child.pid === pid) return child;
    child.kill('SIGKILL');
    await new Promise<void>((r) => child.once('exit', () => r()));
  }
  return undefined;
}
