/**
 * The trainer daemon's entry point.
 *   KTLAB_PORTAL_URL   the portal (default http://127.0.0.1:3000)
 *   KTLAB_WORKER_TOKEN a worker token (created by `npm start`, or in the portal)
 *   KTLAB_WORKER_NAME  this worker's name (default: host name + pid)
 *   KTLAB_CHECKPOINT_SYNC=0  keep run checkpoints on this machine only (default: copied to the portal, so
 *                      another worker can resume a run; see docs/reliability.md)
 */
import os from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { ktlabHome } from '@ktlab/config/paths';
import { shareGpuWithKMeans } from '@ktlab/pipeline';
import { selectBackend } from '@ktlab/tf-backend';
import { createPortalClient } from './api-client';
import { createArtifactUploader, createCheckpointTransport, createShardFiles } from './artifact-uploader';
import { workerCapabilities } from './capabilities';
import { TrainerDaemon } from './daemon';
import { LeaseHeartbeat } from './lease-heartbeat';

const portalUrl = process.env.KTLAB_PORTAL_URL ?? 'http://127.0.0.1:3000';
const token = process.env.KTLAB_WORKER_TOKEN;
if (!token) {
  console.error('trainer: KTLAB_WORKER_TOKEN is not set (create a worker token in the portal, or use `npm start`)');
  process.exit(2);
}
const name = process.env.KTLAB_WORKER_NAME ?? `${os.hostname()}-${process.pid}`;

// This process prints its own one-line summary of the choice below.
const chosen = await selectBackend({}, pino({ level: 'silent' }));
shareGpuWithKMeans(chosen);
const backend = {
  name: chosen.name,
  devices: {
    kind: chosen.kind,
    threads: chosen.threads,
    simd: chosen.simd,
    devices: chosen.devices,
    versions: chosen.versions,
    ...(chosen.nativeGemm ? { nativeGemm: chosen.nativeGemm } : {}),
    // webgpu: vendor, architecture, description and limits of the adapter
    ...(chosen.adapter ? { adapter: chosen.adapter } : {}),
  },
};
const skipped = chosen.attempts.filter((a) => !a.ok).map((a) => `${a.name}: ${a.reason ?? 'failed'}`);
console.log(
  `[trainer ${name}] TensorFlow.js backend: ${chosen.name} (${chosen.kind}, ${chosen.threads} thread(s)` +
    `${chosen.nativeGemm ? `, native GEMM ${chosen.nativeGemm}` : ''})` +
    (skipped.length ? `; skipped ${skipped.join('; ')}` : ''),
);

const daemon = new TrainerDaemon({
  client: createPortalClient(portalUrl, token),
  heartbeat: new LeaseHeartbeat({ portalUrl, token, log: (message) => console.log(`[trainer ${name}] ${message}`) }),
  uploadArtifact: createArtifactUploader(portalUrl, token),
  // KTLAB_CHECKPOINT_SYNC=0: checkpoints stay in this machine's run folders (a run resumes only here)
  checkpoints: process.env.KTLAB_CHECKPOINT_SYNC === '0' ? undefined : createCheckpointTransport(portalUrl, token),
  // Executes other runs' shards (features, k-means, assignment) when idle, and shares its own runs' (clustering.shardRows > 0).
  shardFiles: createShardFiles(portalUrl, token),
  // Metric points the portal cannot take now wait on disk, and a restarted trainer sends them (docs/reliability.md).
  metricSpoolDir: join(ktlabHome(), 'metrics-spool'),
  name,
  backend,
  capabilities: workerCapabilities(chosen),
  exitWhenIdle: process.env.KTLAB_EXIT_WHEN_IDLE === '1',
});
let signals = 0;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (++signals > 1) process.exit(130);
    console.log(`[trainer ${name}] ${signal}: handing the current run back and stopping`);
    daemon.stop();
  });
}
await daemon.run();
console.log(`[trainer ${name}] stopped after ${daemon.runsExecuted} run(s)`);
process.exit(0);
