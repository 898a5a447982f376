import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { selectBackend } from '../select-backend.js';
import { describeWebGpu, webGpuForTests } from '../testing/webgpu-for-tests.js';
import { isSoftwareAdapter, vulkanLoaderFound } from './adapter.js';

const quiet = pino({ level: 'silent' });
const gpu = await webGpuForTests();

afterEach(() => {
  delete process.env.KTLAB_BACKEND;
});

describe('software adapter detection', () => {
  it('knows llvmpipe, SwiftShader and fallback adapters from a hardware GPU', () => {
    expect(isSoftwareAdapter({ vendor: 'mesa', architecture: 'software', device: 'llvmpipe-llvm-15', description: 'llvmpipe: Mesa 25.0.7' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader Device (Subzero)' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'x', isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200' })).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'amd', architecture: 'rdna-3', description: 'AMD Radeon RX 7900 XTX (RADV NAVI31)' })).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'intel', architecture: 'gen-12lp', description: 'Intel(R) Arc(tm) A770 Graphics (DG2)' })).toBe(false);
  });
});

describe('a webgpu probe on a CPU machine', { timeout: 60_000 }, () => {
  const child = fileURLToPath(new URL('./probe-child.fixture.ts', import.meta.url));
  const probe = (env: NodeJS.ProcessEnv) => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', child], { env, encoding: 'utf8', timeout: 60_000 });
    expect(run.error, `the probing process did not exit by itself: ${run.stderr}`).toBeUndefined();
    expect(run.status, run.stderr).toBe(0);
    return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { outcome: string; idleCpuMs: number; idleWallMs: number };
  };

  it('without a Vulkan driver: declines with the reason, stays idle and lets the process exit', () => {
    const result = probe({ ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json', VK_DRIVER_FILES: '/nonexistent/icd.json' });
    expect(result.outcome).toMatch(/^declined: no WebGPU adapter/);
    // A thread left spinning would take about the whole idle wall time.
    expect(result.idleCpuMs).toBeLessThan(result.idleWallMs / 4);
  });

  it('without a Vulkan loader: says so before loading Dawn', () => {
    // LD_LIBRARY_PATH without lavapipe: on a machine with no system libvulkan1 (CI, this one) nothing is found.
    const result = probe({ ...process.env, LD_LIBRARY_PATH: '', VK_ICD_FILENAMES: '/nonexistent/icd.json', VK_DRIVER_FILES: '/nonexistent/icd.json' });
    expect(result.outcome).toMatch(vulkanLoaderFound({ LD_LIBRARY_PATH: '' }) ? /^declined: no WebGPU adapter: Dawn found no Vulkan driver/ : /^declined: no WebGPU adapter: no Vulkan loader \(libvulkan\.so\.1\)/);
    expect(result.idleCpuMs).toBeLessThan(result.idleWallMs / 4);
  });

  it.runIf(gpu.runtime?.adapter.software)('with only a software adapter: declines it (naming it), stays idle and lets the process exit', () => {
    const result = probe(process.env);
    expect(result.outcome).toMatch(/^declined: only a software WebGPU adapter is available \(.*\): not chosen automatically; KTLAB_BACKEND=webgpu forces it/);
    expect(result.idleCpuMs).toBeLessThan(result.idleWallMs / 4);
  });
});

describeWebGpu('selectBackend and webgpu', gpu, (runtime) => {
  it('KTLAB_BACKEND=webgpu uses the adapter even when it is a software one, and reports it', async () => {
    process.env.KTLAB_BACKEND = 'webgpu';
    const info = await selectBackend({}, quiet);
    expect(info).toMatchObject({ name: 'webgpu', tfBackend: 'webgpu', kind: runtime.adapter.software ? 'cpu' : 'gpu', adapter: runtime.adapter });
    expect(tf.getBackend()).toBe('webgpu');
    expect(info.devices[0]).toContain(runtime.adapter.vendor);
    expect(info.versions).toMatchObject({ webgpu: '0.6.2', 'tfjs-backend-webgpu': '4.22.0' });
    await tf.setBackend('cpu');
  });

  it('the automatic order passes over a software adapter with the reason, and takes a hardware one', async () => {
    const info = await selectBackend({}, quiet);
    const attempt = info.attempts.find((a) => a.name === 'webgpu');
    if (runtime.adapter.software) {
      expect(info.name).not.toBe('webgpu');
      expect(attempt).toMatchObject({ ok: false, reason: expect.stringMatching(/software WebGPU adapter/) });
    } else {
      expect(info).toMatchObject({ name: 'webgpu', kind: 'gpu' });
    }
    await tf.setBackend('cpu');
  });
});
