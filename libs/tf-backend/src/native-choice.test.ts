import { describe, expect, it } from 'vitest';
import type { OneDnn } from './native/onednn.js';
import type { NativeGemm } from './native/openblas.js';
import { loadOneDnn } from './native/onednn.js';
import { openBlasNarrowerThanOneDnn } from './kernels/native-gemm-engine.js';
import { nativeDescription } from './select-backend.js';
import { nativeChoiceFromEnvironment } from './wasm/ktlab-wasm-backend.js';

describe('KTLAB_NATIVE', () => {
  it('reads auto (also unset), openblas, onednn and off', () => {
    expect(nativeChoiceFromEnvironment(undefined)).toBe('auto');
    expect(nativeChoiceFromEnvironment('')).toBe('auto');
    for (const choice of ['auto', 'openblas', 'onednn', 'off']) expect(nativeChoiceFromEnvironment(choice)).toBe(choice);
  });

  it('names the valid choices when the value is unknown', () => {
    expect(() => nativeChoiceFromEnvironment('mkl')).toThrow("KTLAB_NATIVE='mkl' is not a choice; use auto, openblas, onednn, off");
  });
});

describe('the native libraries a ktlab-wasm backend records', () => {
  const gemm = { coreType: 'Cooperlake' } as NativeGemm;
  const dnn = { version: '2.6.3 (OpenMP)', isa: 'avx512_core_amx' } as OneDnn;

  it('names both libraries, and how the convolutions are split', () => {
    expect(nativeDescription({ native: gemm, oneDnn: dnn, oneDnnConvs: 'by shape' })).toBe('openblas Cooperlake + onednn 2.6.3 avx512_core_amx (convolutions by shape)');
    expect(nativeDescription({ native: gemm, oneDnn: dnn, oneDnnConvs: 'all' })).toBe('openblas Cooperlake + onednn 2.6.3 avx512_core_amx (every convolution)');
    expect(
      nativeDescription({ native: { coreType: 'Haswell' } as NativeGemm, oneDnn: dnn, oneDnnConvs: 'all', oneDnnConvsWhy: "openblas has Haswell kernels, narrower than onednn's avx512_core_amx" }),
    ).toBe("openblas Haswell + onednn 2.6.3 avx512_core_amx (every convolution: openblas has Haswell kernels, narrower than onednn's avx512_core_amx)");
  });

  it('sends every convolution to oneDNN when OpenBLAS runs narrower vectors (OPENBLAS_CORETYPE=Haswell on an AVX-512 CPU)', () => {
    expect(openBlasNarrowerThanOneDnn('Haswell', 'avx512_core_bf16')).toBe(true);
    expect(openBlasNarrowerThanOneDnn('Zen', 'avx512_core')).toBe(true);
    expect(openBlasNarrowerThanOneDnn('Cooperlake', 'avx512_core_amx')).toBe(false);
    expect(openBlasNarrowerThanOneDnn('SkylakeX', 'avx512_core')).toBe(false);
    expect(openBlasNarrowerThanOneDnn('SAPPHIRERAPIDS', 'avx512_core_amx')).toBe(false);
    expect(openBlasNarrowerThanOneDnn('Haswell', 'avx2')).toBe(false);
  });

  it('says why a library is missing', () => {
    expect(nativeDescription({ native: gemm, oneDnnSkipped: 'oneDNN is not installed (apt-get install libdnnl2)' })).toBe(
      'openblas Cooperlake; no onednn: oneDNN is not installed (apt-get install libdnnl2)',
    );
    expect(nativeDescription({ oneDnn: dnn, oneDnnConvs: 'by shape', nativeSkipped: 'OpenBLAS is not installed' })).toBe(
      'onednn 2.6.3 avx512_core_amx (convolutions by shape); no openblas: OpenBLAS is not installed',
    );
    expect(nativeDescription({ nativeSkipped: 'switched off (KTLAB_NATIVE=off)', oneDnnSkipped: 'switched off (KTLAB_NATIVE=off)' })).toBe('none: switched off (KTLAB_NATIVE=off)');
    expect(nativeDescription({ nativeSkipped: 'a', oneDnnSkipped: 'b' })).toBe('none: a; b');
  });
});

describe('loadOneDnn', () => {
  it('says where a library named by KTLAB_ONEDNN is missing', async () => {
    process.env.KTLAB_ONEDNN = '/nonexistent/libdnnl.so.2';
    try {
      await expect(loadOneDnn(1)).rejects.toThrow('KTLAB_ONEDNN=/nonexistent/libdnnl.so.2 does not exist');
    } finally {
      delete process.env.KTLAB_ONEDNN;
    }
  });
});
