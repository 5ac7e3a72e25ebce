import { LuaScript } from '@smart-reap/shared';

/** Takes the due probes and moves each to its next slot, atomically; KEYS and ARGV are in its header. */
export const TAKE_DUE_PROBES = LuaScript.fromFile(new URL('./take-due-probes.lua', import.meta.url));
