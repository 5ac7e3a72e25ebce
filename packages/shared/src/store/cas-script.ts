import { LuaScript } from '../redis/lua-script.js';

/** The one compare-and-set write every task change goes through; KEYS and ARGV are in its header. */
export const CAS_WRITE = LuaScript.fromFile(new URL('./cas-write.lua', import.meta.url));
