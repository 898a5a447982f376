/**
 * `npm run bench -- <name>`: runs tools/bench/<name>.ts, which measures ktlab and its peer side by side,
 * prints a table, and ends with one line `<name>: <metric>=<value>`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const here = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'bench.ts' && !f.endsWith('.test.ts'))
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();

const name = process.argv[2];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name> [options]\nbenchmarks: ${available.join(', ') || '(none yet)'}`);
  process.exit(name ? 2 : 0);
}
const file = join(here, `${name}.ts`);
if (!existsSync(file)) throw new Error(`no benchmark file ${file}`);
process.argv.splice(2, 1);
await import(pathToFileURL(file).href);
// A benchmark is done when its module is: TensorFlow.js's thread pools and the kernel team would otherwise keep
// the process alive after the last line (a scheduler running `npm run bench -- puzzles < /dev/null` waited forever).
process.exit(process.exitCode ?? 0);
