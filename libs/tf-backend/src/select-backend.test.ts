import * as tf from '@tensorflow/tfjs';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { selectBackend } from './select-backend.js';

const quiet = pino({ level: 'silent' });
const nativeInstalled = async (name: string) => import(/* @vite-ignore */ name).then(() => true, () => false);

afterEach(() => {
  delete process.env.KTLAB_BACKEND;
});

describe('selectBackend', () => {
  it('skips absent native bindings with the reason and lands on ktlab-wasm with every core', async () => {
    if ((await nativeInstalled('@tensorflow/tfjs-node-gpu')) || (await nativeInstalled('@tensorflow/tfjs-node'))) return;
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

  it('honours KTLAB_BACKEND over the preference', async () => {
    process.env.KTLAB_BACKEND = 'cpu';
    const info = await selectBackend({ prefer: 'ktlab-wasm' }, quiet);
    expect(info).toMatchObject({ name: 'cpu', tfBackend: 'cpu', threads: 1 });
    expect(tf.getBackend()).toBe('cpu');
  });

  it('fails loudly when a forced backend cannot start instead of falling back', async () => {
    if (await nativeInstalled('@tensorflow/tfjs-node')) return;
    await expect(selectBackend({ prefer: 'tfjs-node' }, quiet)).rejects.toThrow(/tfjs-node was forced but cannot start: @tensorflow\/tfjs-node is not installed/);
  });
});
