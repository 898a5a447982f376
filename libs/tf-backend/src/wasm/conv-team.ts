/**
 * The convolution kernels (assembly/conv.ts → wasm/conv.wasm, relaxed-SIMD FMA) and the thread team that
 * runs them on the tfjs wasm module's shared memory: one team per memory, created on first use.
 *
 * Node 20's V8 validates relaxed SIMD only behind `--experimental-wasm-relaxed-simd`; the flag is switched on
 * (process-wide, before compiling) when the module does not validate without it. The module is compiled once
 * and shared with the team's workers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { KernelTeam, type RunOptions, type TeamFunction } from './kernel-team.js';

export const CONV_FUNCTIONS = [
  'padInput',
  'packFilter',
  'convForward',
  'convFilterGradient',
  'copyRows',
  'cropFilterGradient',
  'im2col',
  'col2im',
  'cropPadded',
  'biasActivation',
  'channelOp',
  'channelAffine',
  'elementwise',
  'columnSum',
  'maxPoolGradImages',
] as const;
export type ConvFunction = (typeof CONV_FUNCTIONS)[number];

let compiled: WebAssembly.Module | undefined;
const teams = new WeakMap<WebAssembly.Memory, KernelTeam>();

export function compileConvModule(): WebAssembly.Module {
  if (compiled) return compiled;
  const path = fileURLToPath(new URL('../../wasm/conv.wasm', import.meta.url));
  if (!existsSync(path)) {
    throw new Error(`ktlab-wasm kernel ${path} is missing: build it with \`npx tsx tools/build/wasm.ts\` (run by npm ci's postinstall)`);
  }
  const bytes = readFileSync(path);
  if (!WebAssembly.validate(bytes)) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  if (!WebAssembly.validate(bytes)) {
    throw new Error(`this runtime cannot validate ${path}: it needs WebAssembly SIMD and relaxed SIMD (Node ≥ 20)`);
  }
  // Optimised code from the first call: a lazily compiled baseline first call runs about twice as slow. The
  // flags are restored so other wasm modules keep V8's defaults.
  v8.setFlagsFromString('--no-liftoff');
  v8.setFlagsFromString('--no-wasm-lazy-compilation');
  try {
    compiled = new WebAssembly.Module(bytes);
  } finally {
    v8.setFlagsFromString('--wasm-lazy-compilation');
    v8.setFlagsFromString('--liftoff');
  }
  return compiled;
}

/** The team for `memory` (created with `threads` threads on first use; later calls get the same team). */
export function convTeamFor(memory: WebAssembly.Memory, threads: number): KernelTeam {
  let team = teams.get(memory);
  if (!team) {
    const functions: TeamFunction[] = CONV_FUNCTIONS.map((name) => [0, name] as const);
    team = new KernelTeam(memory, [compileConvModule()], functions, threads);
    teams.set(memory, team);
  }
  return team;
}

let runOptions: RunOptions = {};

/** How the convolution kernels use their team (tests run them with fewer threads). */
export function convRunOptions(): RunOptions {
  return runOptions;
}

/** Runs `body` with the convolution kernels using `options`; restores the previous options afterwards. */
export function withConvRunOptions<T>(options: RunOptions, body: () => T): T {
  const previous = runOptions;
  runOptions = options;
  try {
    return body();
  } finally {
    runOptions = previous;
  }
}
