import * as tf from '@tensorflow/tfjs';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { selectBackend } from './select-backend.js';

/**
 * The native bindings this test pretends are installed, whatever this machine has: a "binding" registers the
 * 'tensorflow' backend on import as the real ones do (here backed by the cpu backend).
 */
const bindings = vi.hoisted(() => ({ installed: new Set<string>() }));
vi.mock('./native/load-binding.js', () => ({
  loadNativeBinding: async (packageName: string) => {
    if (!bindings.installed.has(packageName)) throw new Error(`${packageName} is not installed`);
    if (!tf.findBackendFactory('tensorflow')) tf.registerBackend('tensorflow', () => new MathBackendCPU());
    return { version: { 'tfjs-node': 'fake' } };
  },
}));

const quiet = pino({ level: 'silent' });

afterEach(() => {
  delete process.env.KTLAB_BACKEND;
  bindings.installed.clear();
});

describe('selectBackend', () => {
  it('skips absent native bindings with the reason and lands on ktlab-wasm with every core', async () => {
    const info = await selectBackend({}, quiet);
    expect(info.name).toBe('ktlab-wasm');
    expect(tf.getBackend()).toBe('ktlab-wasm');
    expect(info).toMatchObject({ kind: 'cpu', simd: true });
    expect(info.attempts.filter((a) => a.name.startsWith('tfjs-node'))).toEqual([
      { name: 'tfjs-node-gpu', ok: false, reason: '@tensorflow/tfjs-node-gpu is not installed' },
      { name: 'tfjs-node', ok: false, reason: '@tensorflow/tfjs-node is not installed' },
    ]);
    // No hardware GPU here: webgpu finds no adapter, or only a software one (lavapipe), and is passed over.
    expect(info.attempts.find((a) => a.name === 'webgpu')).toMatchObject({ ok: false });
    expect(info.versions['tfjs-backend-wasm']).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('takes an installed tfjs-node-gpu first, with the binding\'s versions', async () => {
    bindings.installed.add('@tensorflow/tfjs-node-gpu');
    const info = await selectBackend({}, quiet);
    expect(info).toMatchObject({ name: 'tfjs-node-gpu', tfBackend: 'tensorflow', kind: 'gpu', devices: ['cuda'], attempts: [{ name: 'tfjs-node-gpu', ok: true }] });
    expect(info.versions).toMatchObject({ 'tfjs-node': 'fake', 'tfjs-core': tf.version_core });
    expect(tf.getBackend()).toBe('tensorflow');
  });

  it('honours KTLAB_BACKEND over the preference', async () => {
    process.env.KTLAB_BACKEND = 'cpu';
    const info = await selectBackend({ prefer: 'ktlab-wasm' }, quiet);
    expect(info).toMatchObject({ name: 'cpu', tfBackend: 'cpu', threads: 1 });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('fails loudly when a forced backend cannot start instead of falling back', async () => {
    await expect(selectBackend({ prefer: 'tfjs-node' }, quiet)).rejects.toThrow(/tfjs-node was forced but cannot start: @tensorflow\/tfjs-node is not installed/);
    bindings.installed.add('@tensorflow/tfjs-node');
    expect(await selectBackend({ prefer: 'tfjs-node' }, quiet)).toMatchObject({ name: 'tfjs-node', kind: 'cpu', attempts: [{ name: 'tfjs-node', ok: true }] });
  });
});

describe('loadNativeBinding', () => {
  it('says a package that is not installed is not installed', async () => {
    const { loadNativeBinding } = await vi.importActual<typeof import('./native/load-binding.js')>('./native/load-binding.js');
    await expect(loadNativeBinding('@ktlab/no-such-native-binding')).rejects.toThrow(/^@ktlab\/no-such-native-binding is not installed$/);
  });
});
