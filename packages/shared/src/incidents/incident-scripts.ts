import { LuaScript } from '../redis/lua-script.js';

/** Counts a death in its (cause, scope) window and opens the incident when the window is full. */
export const RECORD_DEATH = LuaScript.fromFile(new URL('./record-death.lua', import.meta.url));

/** One healthy completion in an incident's scope; enough in a row resolve it. */
export const RECORD_HEALTHY = LuaScript.fromFile(new URL('./record-healthy.lua', import.meta.url));

/** An operator closes an incident, once. */
export const RESOLVE_INCIDENT = LuaScript.fromFile(new URL('./resolve-incident.lua', import.meta.url));
