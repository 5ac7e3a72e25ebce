import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `pnpm -s bench <name>` runs bench/<name>/main.ts. */
const name = process.argv[2];
const here = dirname(fileURLToPath(import.meta.url));
const entry = name ? join(here, name, 'main.ts') : '';
if (!name || !/^[a-z-]+$/.test(name) || !existsSync(entry)) {
  console.error(`usage: pnpm -s bench <name>   (a folder of bench/ with a main.ts)`);
  process.exit(2);
}
process.argv.splice(2, 1);
await import(entry);
