import { signalName } from './signal-name.js';

/** How a process ended, as its wait status tells it. */
export interface ExitInfo {
  exitCode?: number;
  signal?: string;
  coreDumped?: boolean;
}

/** Decodes a wait status as the kernel encodes it (wait(2)): exit code in bits 8–15, or the signal in bits 0–6. */
export function decodeWaitStatus(status: number): ExitInfo {
  const signo = status & 0x7f;
  if (signo === 0) return { exitCode: (status >> 8) & 0xff };
  return { signal: signalName(signo), coreDumped: (status & 0x80) !== 0 };
}

/** "exited with code 3", "killed by SIGSEGV (core dumped)". */
export function describeExit(info: ExitInfo): string {
  if (info.signal) return `killed by ${info.signal}${info.coreDumped ? ' (core dumped)' : ''}`;
  if (info.exitCode !== undefined) return `exited with code ${info.exitCode}`;
  return 'exit status not visible';
}
