import { constants } from 'node:os';

const NAMES = new Map<number, string>();
for (const [name, num] of Object.entries(constants.signals)) if (!NAMES.has(num)) NAMES.set(num, name);

/** `SIGKILL` for 9; `signal 77` for a number this platform has no name for. */
export function signalName(signo: number): string {
  return NAMES.get(signo) ?? `signal ${signo}`;
}
