import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveModel as saveKMeansModel, readNpy, writeNpy, writePseudoLabels, writePseudoLabelsCsv, type KMeansModel } from '@ktlab/kmeans';
import { loadModel, saveModel } from '@ktlab/models';
import type { EvalResult } from '../context';
import { classifierFor, trunkFor } from '../nets';
import { evalResultsCsv, listRunDownloads, renameModelWeights, writeRunDownloads } from './run-downloads';

/**
 * What a browser does with the run page's links: each file saved under its flat name in one folder. The
 * model.json is sent with its weight paths renamed, as the trainer uploads it.
 */
function download(runDir: string, into: string): string[] {
  mkdirSync(into, { recursive: true });
  const names: string[] = [];
  for (const file of listRunDownloads(runDir)) {
    const bytes = readFileSync(join(runDir, file.path));
    writeFileSync(join(into, file.name), file.weightsPrefix === undefined ? bytes : renameModelWeights(bytes.toString('utf8'), file.weightsPrefix));
    names.push(file.name);
  }
  return names;
}

/** tf.loadLayersModel over HTTP, as a web page loads a model.json next to its weights, served from `folder`. */
function loadOverHttp(folder: string, name: string, missing: string[] = []): Promise<tf.LayersModel> {
  const fetchFunc = async (url: string | URL | Request) => {
    const requested = decodeURIComponent(new URL(String(url)).pathname.slice(1));
    const file = join(folder, requested);
    if (existsSync(file)) return new Response(readFileSync(file));
    missing.push(requested);
    return new Response('not found', { status: 404 });
  };
  return tf.loadLayersModel(`http://downloads.test/${name}`, { fetchFunc });
}

const weightsOf = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

describe('run downloads', () => {
  let base: string;
  beforeAll(async () => {
    await tf.setBackend('cpu');
    base = mkdtempSync(join(tmpdir(), 'ktlab-downloads-'));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('writes the evaluation table as CSV, quoting fields with commas, quotes and line breaks', () => {
    const results: EvalResult[] = [
      { protocol: 'linear', layer: 'conv1', dataset: 'cifar10/test', metric: 'top1', value: 0.2714 },
      { protocol: 'knn', layer: 'conv5', dataset: 'my "best", set', metric: 'top1', value: 0.5 },
      { protocol: 'finetune', layer: 'all', dataset: 'two\nlines', metric: 'top1', value: Number.NaN },
    ];
    expect(evalResultsCsv(results)).toBe(
      'protocol,layer,dataset,metric,value\n' +
        'linear,conv1,cifar10/test,top1,0.2714\n' +
        'knn,conv5,"my ""best"", set",top1,0.5\n' +
        'finetune,all,"two\nlines",top1,NaN\n',
    );
    expect(evalResultsCsv([])).toBe('protocol,layer,dataset,metric,value\n');
  });

  it('writes centroids, pseudo-labels and the table from a run folder, lists them under flat names, and rewrites them the same', async () => {
    const runDir = join(base, 'clustered');
    mkdirSync(join(runDir, 'kmeans'), { recursive: true });
    mkdirSync(join(runDir, 'pseudo-labels'), { recursive: true });
    mkdirSync(join(runDir, 'features'), { recursive: true });
    const model: KMeansModel = { k: 3, dims: 2, centroids: Float32Array.from([0, 1, 2, 3, 4.5, -5]), preprocessing: { inputDims: 2, outputDims: 2, l2Normalize: false } };
    await saveKMeansModel(join(runDir, 'kmeans', 'centroids.ktkm'), model);
    const pseudoLabels = { k: 3, ids: ['cat/1.png', 'dog, big/2.png', 'cat/3.png', 'x/"q".png'], labels: Int32Array.from([2, 0, 2, 1]) };
    await writePseudoLabels(join(runDir, 'pseudo-labels', 'labels.ktpl'), pseudoLabels);
    await writePseudoLabelsCsv(join(runDir, 'pseudo-labels', 'labels.csv'), pseudoLabels);
    writeFileSync(join(runDir, 'features', 'clustering.npy'), 'features');
    const results: EvalResult[] = [{ protocol: 'linear', layer: 'conv1', dataset: 'test', metric: 'top1', value: 0.25 }];

    await writeRunDownloads(runDir, results);
    const centroids = await readNpy(join(runDir, 'kmeans', 'centroids.npy'));
    expect(centroids.shape).toEqual([3, 2]);
    expect(Array.from(centroids.data)).toEqual([0, 1, 2, 3, 4.5, -5]);
    const labels = await readNpy(join(runDir, 'pseudo-labels', 'labels.npy'));
    expect(labels.data).toBeInstanceOf(Int32Array);
    expect(labels.shape).toEqual([4]);
    expect(Array.from(labels.data)).toEqual([2, 0, 2, 1]);
    // row i of labels.npy is the image on line i + 2 of the CSV
    expect(readFileSync(join(runDir, 'pseudo-labels', 'labels.csv'), 'utf8').split('\n')[2]).toBe('"dog, big/2.png",0');
    expect(readFileSync(join(runDir, 'eval.csv'), 'utf8')).toBe('protocol,layer,dataset,metric,value\nlinear,conv1,test,top1,0.25\n');
    // no temporary file is left next to them
    expect(readdirSync(join(runDir, 'kmeans')).sort()).toEqual(['centroids.ktkm', 'centroids.npy']);
    expect(readdirSync(join(runDir, 'pseudo-labels')).sort()).toEqual(['labels.csv', 'labels.ktpl', 'labels.npy']);

    const listed = listRunDownloads(runDir);
    expect(listed.map(({ name, path, kind }) => `${kind} ${name} ${path}`)).toEqual([
      'features features-clustering.npy features/clustering.npy',
      'centroids centroids.npy kmeans/centroids.npy',
      'pseudo-labels pseudo-labels.npy pseudo-labels/labels.npy',
      'pseudo-labels pseudo-labels.csv pseudo-labels/labels.csv',
      'eval-table eval.csv eval.csv',
    ]);
    for (const file of listed) expect(file.bytes).toBe(readFileSync(join(runDir, file.path)).byteLength);
    expect(listed.find((file) => file.name === 'centroids.npy')!.bytes).toBe(128 + 6 * 4);

    // a resumed run writes them again: the same bytes
    const before = listed.map((file) => readFileSync(join(runDir, file.path)));
    await writeRunDownloads(runDir, results);
    expect(listRunDownloads(runDir).map((file) => readFileSync(join(runDir, file.path)))).toEqual(before);
  });

  it('the numpy lines in docs/portal.md load the downloaded features, centroids and pseudo-labels, rows lined up', async (ctx) => {
    const python = '/usr/bin/python3';
    try {
      execFileSync(python, ['-c', 'import numpy'], { stdio: 'pipe' });
    } catch {
      // CI installs python3-numpy (.ci/run): there the check must run
      if (process.env.CI === 'true') throw new Error(`${python} cannot import numpy (apt-get install -y python3-numpy)`);
      ctx.skip();
    }
    const docs = readFileSync(new URL('../../../../docs/portal.md', import.meta.url), 'utf8');
    const snippet = /<!-- numpy-snippet -->\n```python\n([\s\S]*?)```/.exec(docs)?.[1];
    expect(snippet, 'docs/portal.md has a ```python block after <!-- numpy-snippet -->').toBeDefined();

    const runDir = join(base, 'for-numpy');
    for (const dir of ['kmeans', 'pseudo-labels', 'features']) mkdirSync(join(runDir, dir), { recursive: true });
    await writeNpy(join(runDir, 'features', 'clustering.npy'), Float32Array.from([0.5, 1, 1.5, 2, 2.5, 3]), [3, 2]);
    const model: KMeansModel = { k: 2, dims: 2, centroids: Float32Array.from([0.75, 1.5, 2.5, 3]), preprocessing: { inputDims: 2, outputDims: 2, l2Normalize: false } };
    await saveKMeansModel(join(runDir, 'kmeans', 'centroids.ktkm'), model);
    const pseudoLabels = { k: 2, ids: ['cat/1.png', 'dog, big/2.png', 'cat/3.png'], labels: Int32Array.from([0, 0, 1]) };
    await writePseudoLabels(join(runDir, 'pseudo-labels', 'labels.ktpl'), pseudoLabels);
    await writePseudoLabelsCsv(join(runDir, 'pseudo-labels', 'labels.csv'), pseudoLabels);
    await writeRunDownloads(runDir, []);
    const folder = join(base, 'numpy-downloads');
    download(runDir, folder);

    const report = 'import json\nprint(json.dumps({"features": features.tolist(), "centroids": centroids.shape, "labels": labels.tolist(), "dtype": str(labels.dtype), "paths": paths}))\n';
    const out = JSON.parse(execFileSync(python, ['-c', snippet! + report], { cwd: folder, encoding: 'utf8' })) as Record<string, unknown>;
    expect(out).toEqual({ features: [[0.5, 1], [1.5, 2], [2.5, 3]], centroids: [2, 2], labels: [0, 0, 1], dtype: 'int32', paths: ['cat/1.png', 'dog, big/2.png', 'cat/3.png'] });
  });

  it('writes only the table for a run without clustering, and lists nothing the folder lacks', async () => {
    const runDir = join(base, 'random');
    mkdirSync(runDir, { recursive: true });
    await writeRunDownloads(runDir, []);
    expect(listRunDownloads(runDir).map((file) => file.name)).toEqual(['eval.csv']);
  });

  it('renames the weight paths of a model.json to their flat download names, keeping the rest', () => {
    const json = JSON.stringify({ modelTopology: { a: 1 }, format: 'layers-model', weightsManifest: [{ paths: ['./weights.bin'], weights: [{ name: 'w', shape: [1], dtype: 'float32' }] }, { paths: ['group2-shard1of1.bin'], weights: [] }] });
    const renamed = JSON.parse(renameModelWeights(json, 'target-'));
    expect(renamed.weightsManifest.map((group: { paths: string[] }) => group.paths)).toEqual([['./target-weights.bin'], ['./target-group2-shard1of1.bin']]);
    expect(renamed.weightsManifest[0].weights).toEqual([{ name: 'w', shape: [1], dtype: 'float32' }]);
    expect(renamed.modelTopology).toEqual({ a: 1 });
    expect(() => renameModelWeights('{not json', 'x-')).toThrow(/renameModelWeights: the model\.json is not valid JSON/);
  });

  it('a pretext and a target model downloaded under flat names load back with tf.loadLayersModel, with the same weights', async () => {
    const runDir = join(base, 'models');
    const trunk = trunkFor('alexnet', 32, 0.1, 5);
    const target = classifierFor('alexnet', 32, 0.1, 4, 6);
    await saveModel(trunk, join(runDir, 'pretext', 'trunk'));
    await saveModel(target, join(runDir, 'target', 'model'));

    const listed = listRunDownloads(runDir);
    // weights before their model.json: a model.json on the portal never names weights not yet there
    expect(listed.map((file) => file.name)).toEqual(['pretext-weights.bin', 'pretext-model.json', 'target-weights.bin', 'target-model.json']);
    expect(listed.filter((file) => file.weightsPrefix !== undefined).map((file) => file.name)).toEqual(['pretext-model.json', 'target-model.json']);

    const folder = join(base, 'browser-downloads');
    download(runDir, folder);
    expect(readdirSync(folder).sort()).toEqual(['pretext-model.json', 'pretext-weights.bin', 'target-model.json', 'target-weights.bin']);
    for (const [name, original] of [
      ['pretext-model.json', trunk],
      ['target-model.json', target],
    ] as const) {
      const missing: string[] = [];
      const loaded = await loadOverHttp(folder, name, missing);
      expect(missing).toEqual([]);
      expect(loaded.layers.map((layer) => layer.name)).toEqual(original.layers.map((layer) => layer.name));
      expect(weightsOf(loaded)).toEqual(weightsOf(original));
      const input = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 1);
      expect(Array.from((loaded.predict(input) as tf.Tensor).dataSync())).toEqual(Array.from((original.predict(input) as tf.Tensor).dataSync()));
      loaded.dispose();
    }

    // the project's own loader reads the pair too, once the model.json has its usual name in a folder
    const own = join(base, 'own-loader');
    mkdirSync(own);
    writeFileSync(join(own, 'model.json'), readFileSync(join(folder, 'target-model.json')));
    writeFileSync(join(own, 'target-weights.bin'), readFileSync(join(folder, 'target-weights.bin')));
    const reloaded = await loadModel(own);
    expect(weightsOf(reloaded)).toEqual(weightsOf(target));
    reloaded.dispose();

    // without the renaming, the flat-named pair does not load: the model.json names weights.bin
    const unrenamed = join(base, 'unrenamed');
    mkdirSync(unrenamed);
    writeFileSync(join(unrenamed, 'target-model.json'), readFileSync(join(runDir, 'target', 'model', 'model.json')));
    writeFileSync(join(unrenamed, 'target-weights.bin'), readFileSync(join(runDir, 'target', 'model', 'weights.bin')));
    const missing: string[] = [];
    await expect(loadOverHttp(unrenamed, 'target-model.json', missing)).rejects.toThrow();
    expect(missing).toEqual(['weights.bin']);
    trunk.dispose();
    target.dispose();
  });

  it('names a broken model.json', async () => {
    const runDir = join(base, 'broken');
    mkdirSync(join(runDir, 'target', 'model'), { recursive: true });
    writeFileSync(join(runDir, 'target', 'model', 'model.json'), '{');
    expect(() => listRunDownloads(runDir)).toThrow(/target\/model\/model\.json is not valid JSON/);
  });
});
