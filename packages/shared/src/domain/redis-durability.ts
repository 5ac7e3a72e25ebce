/** What Redis's own settings say about keeping data across its restart. */
export type PersistenceReading =
  | { keeps: true; how: string }
  | { keeps: false; why: string }
  | { keeps: 'unknown'; why: string };

/**
 * From `CONFIG GET appendonly` and `CONFIG GET save` (undefined: CONFIG was refused, as managed
 * Redis services often do). Redis keeps data across a restart with an append-only file or with
 * RDB snapshots; with neither, everything is lost when it restarts.
 */
export function readPersistence(appendonly: string | undefined, save: string | undefined): PersistenceReading {
  if (appendonly === undefined || save === undefined) return { keeps: 'unknown', why: 'CONFIG GET was refused: cannot tell whether Redis keeps its data' };
  const aof = appendonly.trim().toLowerCase() === 'yes';
  const rdb = save.trim() !== '';
  if (aof || rdb) return { keeps: true, how: [aof ? 'an append-only file' : '', rdb ? `RDB snapshots (save ${save.trim()})` : ''].filter(Boolean).join(' and ') };
  return { keeps: false, why: 'appendonly is no and save is empty' };
}

export interface DataMarkerInput {
  /** Is the marker key written at start still there? */
  markerPresent: boolean;
  /** Tasks in the task index at the last look while the marker was there. */
  knownTasks: number;
}

/**
 * A marker key is written at start and looked for afterwards: gone means Redis lost its data
 * (restarted without persistence, flushed, failed over to an empty replica). With tasks known
 * before, that is data loss; with none, nothing was lost.
 */
export function readDataMarker(i: DataMarkerInput): 'intact' | 'emptied' | 'data-loss' {
  if (i.markerPresent) return 'intact';
  return i.knownTasks > 0 ? 'data-loss' : 'emptied';
}
