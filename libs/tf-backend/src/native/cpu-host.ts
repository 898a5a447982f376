/**
 * What this CPU is and which vector instructions it has, read from /proc/cpuinfo: benchmarks print it beside
 * every speed figure, and the native GEMM path picks OpenBLAS's kernels from it.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';

/** The widest fp32 vector ISA the kernels of a native library can use here. */
export type VectorIsa = 'avx512' | 'avx2' | 'sse' | 'other';

export interface CpuHost {
  model: string;
  isa: VectorIsa;
  /** Whether the AVX-512 BF16 extension is present (OpenBLAS's Cooperlake kernels). */
  bf16: boolean;
  cores: number;
  flags: ReadonlySet<string>;
}

export function parseCpuFlags(cpuinfo: string): Set<string> {
  const line = cpuinfo.split('\n').find((l) => /^flags\s*:/.test(l));
  return new Set(line ? line.slice(line.indexOf(':') + 1).trim().split(/\s+/) : []);
}

export function vectorIsa(flags: ReadonlySet<string>): VectorIsa {
  if (['avx512f', 'avx512bw', 'avx512dq', 'avx512vl'].every((f) => flags.has(f))) return 'avx512';
  if (flags.has('avx2') && flags.has('fma')) return 'avx2';
  if (flags.has('sse2')) return 'sse';
  return 'other';
}

let host: CpuHost | undefined;

export function cpuHost(): CpuHost {
  if (host) return host;
  let cpuinfo = '';
  try {
    cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // Not Linux: the ISA stays unknown and the native path is not used.
  }
  const flags = parseCpuFlags(cpuinfo);
  host = {
    model: cpus()[0]?.model?.trim() || 'unknown CPU',
    isa: vectorIsa(flags),
    bf16: flags.has('avx512_bf16'),
    cores: availableParallelism(),
    flags,
  };
  return host;
}

/** "AMD EPYC (AVX-512, 2 cores)": the line benchmarks print with their figures. */
/** The host's vector ISA as speed figures name it, e.g. "AVX-512 + BF16" or "AVX2". */
export function vectorIsaLabel(h: CpuHost = cpuHost()): string {
  const isa = { avx512: 'AVX-512', avx2: 'AVX2', sse: 'SSE only', other: 'unknown ISA' }[h.isa];
  return `${isa}${h.bf16 ? ' + BF16' : ''}`;
}

export function describeCpuHost(h: CpuHost = cpuHost()): string {
  return `${h.model} (${vectorIsaLabel(h)}, ${h.cores} cores)`;
}
