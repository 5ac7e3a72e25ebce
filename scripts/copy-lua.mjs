// The Lua scripts are read at runtime from beside the module that loads them
// (`new URL('./x.lua', import.meta.url)`), so the build puts each one next to its compiled loader.
import { cpSync, statSync } from 'node:fs';

cpSync('src', 'dist', { recursive: true, filter: (path) => statSync(path).isDirectory() || path.endsWith('.lua') });
