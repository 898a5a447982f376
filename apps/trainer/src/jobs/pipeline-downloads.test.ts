/** The pipeline job's downloads upload against a fake portal: what is sent, under which names, and again on resume. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePseudoLabels, writePseudoLabelsCsv } from '@ktlab/pipeline';
import { saveModel } from '@ktlab/models';
import type { JobContext } from './job';
import { uploadDownloads } from './pipeline.job';

type Upload = { kind: string; name: string; bytes: Buffer; streamed: boolean };

/** A portal that keeps one file per name (an upload replaces it, as PUT /api/artifacts does) and can refuse some. */
function fakePortal(refuse: (name: string) => number | undefined = () => undefined) {
  const stored = new Map<string, Upload>();
  const sent: string[] = [];
  const logs: string[] = [];
  const context = {
    runId: 'run-1',
    attempt: 1,
    config: {} as JobContext['config'],
    signal: new AbortController().signal,
    finishedStages: new Set<string>(),
    metric: async () => undefined,
    stage: async () => undefined,
    log: (message: string) => void logs.push(message),
    uploadArtifact: async (kind: string, name: string, data: Uint8Array | { file: string }) => {
      sent.push(name);
      const status = refuse(name);
      if (status !== undefined) throw Object.assign(new Error(`artifact ${name}: HTTP ${status}`), { status });
      const streamed = !(data instanceof Uint8Array);
      stored.set(name, { kind, name, bytes: streamed ? readFileSync(data.file) : Buffer.from(data), streamed });
    },
    checkpoints: () => ({ restore: async () => 'none' as const, push: async () => undefined }),
  } satisfies JobContext;
  return { context, stored, sent, logs };
}

describe('pipeline job: downloads', () => {
  let runDir: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    runDir = mkdtempSync(join(tmpdir(), 'ktlab-job-downloads-'));
    for (const dir of ['features', 'kmeans', 'pseudo-labels']) mkdirSync(join(runDir, dir));
    writeFileSync(join(runDir, 'features', 'clustering.npy'), 'clustering features');
    writeFileSync(join(runDir, 'features', 'labeling.npy'), 'labeling features');
    writeFileSync(join(runDir, 'kmeans', 'centroids.npy'), 'centroids');
    writeFileSync(join(runDir, 'pseudo-labels', 'labels.npy'), 'labels');
    const labels = { k: 2, ids: ['a/1.png', 'b/2.png'], labels: Int32Array.from([1, 0]) };
    await writePseudoLabels(join(runDir, 'pseudo-labels', 'labels.ktpl'), labels);
    await writePseudoLabelsCsv(join(runDir, 'pseudo-labels', 'labels.csv'), labels);
    writeFileSync(join(runDir, 'eval.csv'), 'protocol,layer,dataset,metric,value\n');
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 })] });
    await saveModel(model, join(runDir, 'target', 'model'));
    model.dispose();
  });
  afterAll(() => rmSync(runDir, { recursive: true, force: true }));

  it('uploads every download under its flat name and kind, files streamed from disk, the model.json naming its flat weights', async () => {
    const portal = fakePortal();
    await uploadDownloads(portal.context, runDir);
    expect(portal.sent).toEqual([
      'features-clustering.npy',
      'features-labeling.npy',
      'centroids.npy',
      'pseudo-labels.npy',
      'pseudo-labels.csv',
      'eval.csv',
      'target-weights.bin',
      'target-model.json',
    ]);
    const kinds = Object.fromEntries([...portal.stored.values()].map((upload) => [upload.name, upload.kind]));
    expect(kinds).toEqual({
      'features-clustering.npy': 'features',
      'features-labeling.npy': 'features',
      'centroids.npy': 'centroids',
      'pseudo-labels.npy': 'pseudo-labels',
      'pseudo-labels.csv': 'pseudo-labels',
      'eval.csv': 'eval-table',
      'target-weights.bin': 'model',
      'target-model.json': 'model',
    });
    expect(portal.stored.get('features-clustering.npy')!.bytes.toString()).toBe('clustering features');
    expect(portal.stored.get('pseudo-labels.csv')!.bytes.toString()).toBe('path,label\na/1.png,1\nb/2.png,0\n');
    expect(portal.stored.get('target-weights.bin')!.bytes).toEqual(readFileSync(join(runDir, 'target', 'model', 'weights.bin')));
    expect([...portal.stored.values()].filter((upload) => !upload.streamed).map((upload) => upload.name)).toEqual(['target-model.json']);
    const modelJson = JSON.parse(portal.stored.get('target-model.json')!.bytes.toString());
    expect(modelJson.weightsManifest[0].paths).toEqual(['./target-weights.bin']);
    // the run folder's own model.json is untouched: the worker's later stages and a resumed run read it
    expect(JSON.parse(readFileSync(join(runDir, 'target', 'model', 'model.json'), 'utf8')).weightsManifest[0].paths).toEqual(['./weights.bin']);
  });

  it('sends the same files again on a resumed or re-claimed attempt: the portal ends with one file per name, the same bytes', async () => {
    const portal = fakePortal();
    await uploadDownloads(portal.context, runDir);
    const first = new Map([...portal.stored].map(([name, upload]) => [name, upload.bytes]));
    await uploadDownloads(portal.context, runDir);
    expect(portal.sent).toHaveLength(16);
    expect(new Map([...portal.stored].map(([name, upload]) => [name, upload.bytes]))).toEqual(first);
  });

  it('leaves a file the portal refuses as too large on the worker, logs it, and uploads the rest; any other refusal fails the run', async () => {
    const tooLarge = fakePortal((name) => (name === 'features-clustering.npy' ? 413 : undefined));
    await uploadDownloads(tooLarge.context, runDir);
    expect(tooLarge.stored.has('features-clustering.npy')).toBe(false);
    expect(tooLarge.stored.size).toBe(7);
    expect(tooLarge.logs).toEqual([
      `features-clustering.npy (19 bytes) is larger than the portal accepts: not downloadable from the run page; it stays in ${join(runDir, 'features', 'clustering.npy')} on this worker`,
    ]);

    const lost = fakePortal((name) => (name === 'centroids.npy' ? 409 : undefined));
    await expect(uploadDownloads(lost.context, runDir)).rejects.toThrow(/centroids\.npy: HTTP 409/);
    expect(lost.sent.at(-1)).toBe('centroids.npy');
  });
});
