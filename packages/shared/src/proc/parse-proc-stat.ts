/** The fields of `/proc/<pid>/stat` (proc(5)) the prober reads. */
export interface ProcStat {
  pid: number;
  comm: string;
  /** One letter: R running, S sleeping, D disk sleep, T stopped, Z zombie, X dead, … */
  state: string;
  ppid: number;
  /** Field 22, starttime: clock ticks after boot, as the decimal string runners record at claim. */
  startTime: string;
  /**
   * Field 52, exit_code (Linux ≥ 3.5): the wait status the parent would get, meaningful only once
   * the process has exited (a zombie). Absent on kernels that do not print it.
   */
  exitStatus?: number;
}

// Field numbers of proc(5), counted from 1; the fields after `comm` start at field 3.
const FIRST_FIELD_AFTER_COMM = 3;
const FIELD = { state: 3, ppid: 4, startTime: 22, exitCode: 52 } as const;

/**
 * Parses one `/proc/<pid>/stat` line. `comm` is the executable's name as the process set it and may
 * hold spaces and parentheses, so it ends at the LAST `)`. Throws on a line that is not a stat line.
 */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) throw new Error(`malformed /proc stat line: ${JSON.stringify(text.slice(0, 80))}`);
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 1).trim().split(/\s+/);
  const field = (n: number): string | undefined => rest[n - FIRST_FIELD_AFTER_COMM];
  const state = field(FIELD.state);
  const ppid = Number(field(FIELD.ppid));
  const startTime = field(FIELD.startTime);
  if (!Number.isInteger(pid) || pid <= 0 || !state || !Number.isInteger(ppid) || !startTime || !/^\d+$/.test(startTime)) {
    throw new Error(`malformed /proc stat line: ${JSON.stringify(text.slice(0, 80))}`);
  }
  const exitField = field(FIELD.exitCode);
  const exitStatus = exitField !== undefined && /^\d+$/.test(exitField) ? Number(exitField) : undefined;
  return { pid, comm: text.slice(open + 1, close), state, ppid, startTime, ...(exitStatus !== undefined ? { exitStatus } : {}) };
}

/** Z (zombie) and X (dead): the process has exited, whatever its pid still shows. */
export function hasExited(stat: Pick<ProcStat, 'state'>): boolean {
  return stat.state === 'Z' || stat.state === 'X';
}
