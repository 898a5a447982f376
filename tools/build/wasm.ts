/**
 * Compiles every lib's AssemblyScript kernels to WebAssembly.
 *
 * A lib opts in with `libs/<lib>/asconfig.json`; its entry files are listed there as
 * `"entries": ["assembly/<kernel>.ts", ...]` and each compiles to `libs/<lib>/wasm/<kernel>.wasm`
 * (git-ignored: built at `npm ci` by the root postinstall, and on demand by this script).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const asc = join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js');

interface AsConfig {
  entries: string[];
  /** Extra asc flags, e.g. ["--enable", "simd,threads", "--importMemory", "--sharedMemory"]. */
  flags?: string[];
}

for (const lib of readdirSync(join(root, 'libs'))) {
  const configPath = join(root, 'libs', lib, 'asconfig.json');
  if (!existsSync(configPath)) continue;
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as AsConfig;
  const outDir = join(root, 'libs', lib, 'wasm');
  mkdirSync(outDir, { recursive: true });
  for (const entry of config.entries) {
    const out = join(outDir, basename(entry).replace(/\.ts$/, '.wasm'));
    execFileSync(
      process.execPath,
      [asc, join(root, 'libs', lib, entry), '--outFile', out, '-O3', '--noAssert', ...(config.flags ?? [])],
      { stdio: 'inherit' },
    );
    console.log(`wasm: ${lib}/${entry} -> ${out.slice(root.length)}`);
  }
}
