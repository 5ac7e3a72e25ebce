import { LuaScript } from '@smart-reap/shared';

/** Takes the due probes and moves each to its next slot, atomically; KEYS and ARGV are in its header. */
export const TAKE_DUE_PROBES = LuaScript.fromFile(new URL('./take-due-probes.lua', import.meta.url));

/** Takes the heartbeat-judged tasks that are stale or due, each once per interval, atomically; KEYS and ARGV are in its header. */
export const TAKE_HEARTBEAT_CHECKS = LuaScript.fromFile(new URL('./take-heartbeat-checks.lua', import.meta.url));
