/**
 * Child process of run-pipeline.webgpu.test.ts (which starts it with lavapipe's library path, read by the
 * dynamic loader at process start): runs the pipeline config given as JSON on the webgpu backend and prints the
 * stages, metrics and results as one JSON line, or `{ "unavailable": reason }` when no WebGPU adapter exists.
 *   node --import tsx webgpu-pipeline.fixture.ts <config.json> <runDir> <cacheDir>
 */
import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { pipelineConfigSchema } from '@ktlab/config';
import { selectBackend } from '@ktlab/tf-backend';
import type { PipelineContext } from './context';
import { runPipeline } from './run-pipeline';

const [configFile, runDir, cacheDir] = process.argv.slice(2);
let backend;
try {
  backend = await selectBackend({ prefer: 'webgpu' }, pino({ level: 'silent' }));
} catch (error) {
  console.log(JSON.stringify({ unavailable: (error as Error).message }));
  process.exit(0);
}
const stages: { kind: string; status: string }[] = [];
const metrics: Record<string, number> = {};
const context: PipelineContext = {
  config: pipelineConfigSchema.parse(JSON.parse(readFileSync(configFile, 'utf8'))),
  runDir,
  cacheDir,
  signal: new AbortController().signal,
  metric: (key, step, value) => void (metrics[`${key}@${step}`] = value),
  stage: (kind, status) => void (status !== 'running' && stages.push({ kind, status })),
  log: () => undefined,
};
const results = await runPipeline(context);
console.log(JSON.stringify({ backend: backend.name, device: backend.devices[0], stages, metrics, results }));
process.exit(0);
