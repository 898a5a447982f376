import { afterAll, describe, expect, it } from 'vitest';
import { compileConvModule, CONV_FUNCTIONS } from './conv-team.js';
import { KernelTeam } from './kernel-team.js';

const PAGE = 65536;
const memory = new WebAssembly.Memory({ initial: 4, maximum: 65536, shared: true });
const team = new KernelTeam(memory, [compileConvModule()], CONV_FUNCTIONS.map((name) => [0, name] as const), 2);

afterAll(async () => {
  await team.terminate();
});

/** copyRows(begin, end, x, out, columns, inStride, outStride) over `rows` rows, from byte 0 to byte PAGE. */
function copyRows(rows: number, columns: number, options: Parameters<KernelTeam['run']>[3] = {}, source = 0): void {
  team.run('copyRows', rows, [source, PAGE, columns, columns, columns + 3], options);
}

describe('KernelTeam', () => {
  it('splits a call over the caller and a worker and computes every unit once', () => {
    const rows = 300;
    const columns = 5;
    const floats = new Float32Array(memory.buffer);
    for (let i = 0; i < rows * columns; i++) floats[i] = i + 0.5;
    floats.fill(-1, PAGE / 4, PAGE / 4 + rows * (columns + 3));
    for (const options of [{}, { caller: false }, { workers: 0 }, { sharesPerThread: 50 }]) {
      copyRows(rows, columns, options);
      const out = new Float32Array(memory.buffer, PAGE, rows * (columns + 3));
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < columns + 3; c++) expect(out[r * (columns + 3) + c]).toBe(c < columns ? r * columns + c + 0.5 : 0);
      }
      out.fill(-1);
    }
  });

  it("surfaces a worker's failure as an exception on the caller, then keeps working", () => {
    const beyondMemory = memory.buffer.byteLength - 16;
    expect(() => copyRows(64, 64, { caller: false }, beyondMemory)).toThrow(/copyRows failed: worker 0: RuntimeError: memory access out of bounds/);
    expect(() => copyRows(8, 4)).not.toThrow();
  });

  it("throws the caller's own failure after the workers finished", () => {
    const beyondMemory = memory.buffer.byteLength - 16;
    expect(() => copyRows(64, 64, { workers: 0 }, beyondMemory)).toThrow(/memory access out of bounds/);
    expect(() => copyRows(64, 64, {}, beyondMemory)).toThrow(/memory access out of bounds/);
    expect(() => copyRows(8, 4)).not.toThrow();
  });

  it('rejects unknown functions and bad unit counts', () => {
    expect(() => team.run('noSuchKernel', 4, [])).toThrow(/no function noSuchKernel/);
    expect(() => team.run('copyRows', -1, [])).toThrow(/units/);
    expect(() => new KernelTeam(memory, [compileConvModule()], [[0, 'missing']], 1)).toThrow(/exports no function missing/);
  });
});
