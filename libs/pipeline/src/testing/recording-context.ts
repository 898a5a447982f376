/** A pipeline context for tests: a fresh run folder, and every metric point and log line kept for assertions. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PipelineConfig } from '@ktlab/config';
import type { PipelineContext } from '../context';

export interface RecordingContext extends PipelineContext {
  /** `<key>@<step>` → value. */
  metrics: Map<string, number>;
  logs: string[];
}

export function recordingContext(config: PipelineConfig, runDirPrefix = 'ktlab-test-run-'): RecordingContext {
  const metrics = new Map<string, number>();
  const logs: string[] = [];
  return {
    config,
    runDir: mkdtempSync(join(tmpdir(), runDirPrefix)),
    signal: new AbortController().signal,
    metric: (key, step, value) => void metrics.set(`${key}@${step}`, value),
    stage: () => undefined,
    log: (message) => void logs.push(message),
    metrics,
    logs,
  };
}
