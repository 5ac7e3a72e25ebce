import { z } from 'zod';
import { decideClaim } from '../domain/runner-ops.js';
import type { Keys } from '../redis/keys.js';
import { LuaScript } from '../redis/lua-script.js';
import { ClaimBodySchema, type ClaimBody } from '../schemas/api.js';
import type { Task } from '../schemas/task.js';
import { indexOpsFor, probePhase } from './index-ops.js';

/** The one-step claim (pick, record, index changes); KEYS and ARGV are in its header. */
export const CLAIM = LuaScript.fromFile(new URL('./claim.lua', import.meta.url));

/**
 * A claim as claim.lua records it beside the task's JSON: the inputs of decideClaim, so that the
 * task a read sees is exactly decideClaim's write, however the script was written.
 */
export const ClaimRecordSchema = z.object({
  claim: ClaimBodySchema,
  now: z.number(),
  leaseHash: z.string(),
  maxAgeMinutes: z.number().positive(),
});
export type ClaimRecord = z.infer<typeof ClaimRecordSchema>;

/** The task a stored claim record makes of the task it was recorded on, as a compare-and-set of decideClaim would have written it. */
export function foldClaim(task: Task, record: ClaimRecord): Task {
  const d = decideClaim(task, record.claim, record.now, record.maxAgeMinutes, record.leaseHash);
  // The script records claims of ASSIGNED tasks only, which decideClaim always takes.
  if ('refuse' in d) throw d.refuse;
  return { ...d.write, updatedAt: record.now };
}

/**
 * The record's head as claim.lua takes it: the script closes it with the window it chose. The
 * claim is checked here, as every read will: a record no read could parse would leave the task
 * unreadable, and so unwritable.
 */
export function claimRecordHead(claim: ClaimBody, now: number, leaseHash: string): string {
  const { kinds: _asked, ...recorded } = claim;
  return JSON.stringify({ claim: ClaimBodySchema.parse(recorded), now, leaseHash }).slice(0, -1);
}

const TOKEN = { id: '@@id@@', kind: '@@kind@@', dedup: '@@dedup@@' } as const;
/** A stand-in attempt and window, recognisable in what indexOpsFor derives from them. */
const STAND_IN_ATTEMPT = 918_273_645;
const STAND_IN_WINDOW_MINUTES = 1;
/** A stand-in creation time no claim score can otherwise be: the list indexes are scored by creation. */
const STAND_IN_CREATED_AT = 1;
/** How far from the deadline a score may lie and still be read as derived from it (ms). */
const DEADLINE_OFFSET_MAX = 10;

/**
 * The index changes of this claim, as indexOpsFor derives them for a stand-in ASSIGNED task,
 * with the stand-in's facts left as claim.lua's `@@name@@` tokens for the picked task's: what
 * indexOpsFor does with a claim is never restated by hand, so a new index (or a changed one)
 * reaches the one-step claim as it reaches every other write.
 */
export function claimOpsTemplate(keys: Keys, claim: ClaimBody, now: number): string {
  const before: Task = {
    id: TOKEN.id,
    kind: TOKEN.kind,
    dedupKey: TOKEN.dedup,
    status: 'ASSIGNED',
    attempt: STAND_IN_ATTEMPT,
    maxRetries: 0,
    extensions: 0,
    fencedRunners: [],
    context: {},
    history: [],
    createdAt: STAND_IN_CREATED_AT,
    updatedAt: now,
  };
  const after = foldClaim(before, { claim, now, leaseHash: '', maxAgeMinutes: STAND_IN_WINDOW_MINUTES });
  // The phase is the host's when the claim names one, known here; else the picked id's.
  const phase = claim.host === undefined ? `${probePhase(after).toFixed(6)}|` : undefined;
  // Values are JSON text (the probe target): the id goes in escaped as JSON.stringify would.
  const text = (s: string) => {
    let out = s.split(TOKEN.id).join('@@jsonid@@').split(`"attempt":${STAND_IN_ATTEMPT},`).join('"attempt":@@attempt@@,');
    if (phase && out.startsWith(phase)) out = `@@phase@@|${out.slice(phase.length)}`;
    return out;
  };
  // A score a few ms from the stand-in's deadline is one derived from it (a check just past it):
  // the script adds the same offset to the picked task's deadline. No other claim score is near
  // it (the others are `now`, a minute before).
  const score = (n: number) => {
    if (n === STAND_IN_CREATED_AT) return '@@created@@';
    const offset = n - after.deadline!;
    if (offset === 0) return '@@deadline@@';
    return Math.abs(offset) <= DEADLINE_OFFSET_MAX ? `@@deadline@@${offset > 0 ? '+' : '-'}${Math.abs(offset)}` : String(n);
  };
  return JSON.stringify(
    indexOpsFor(keys, before, after, now).map((o) => {
      switch (o.op) {
        case 'zadd':
          return o.lt ? ['zadd', o.key, score(o.score), o.member, 'LT'] : ['zadd', o.key, score(o.score), o.member];
        case 'xadd':
          return ['xadd', o.key, o.id, String(o.maxLen)];
        case 'hset':
          return ['hset', o.key, o.field, text(o.value)];
        case 'hdel':
          return ['hdel', o.key, o.field];
        case 'incr':
          return ['incr', o.key];
        default:
          return [o.op, o.key, o.member];
      }
    }),
  );
}

/** The key templates claim.lua builds its keys from. */
export function claimKeyTemplates(keys: Keys): string {
  return JSON.stringify({ claimable: keys.claimable(TOKEN.kind), task: keys.task(TOKEN.id), kindStats: keys.kindStats(TOKEN.kind) });
}
