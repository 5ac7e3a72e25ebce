/** A private redis-server already runs on this data folder: a second one would corrupt its append-only file. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`${dataDir} is in use by redis-server pid ${pid} (another reaper start?): stop it, set another DATA_DIR, or use --ephemeral`);
  }
}
