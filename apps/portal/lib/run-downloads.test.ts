import { describe, expect, it } from 'vitest';
import { downloadGroups, formatBytes, isDownloadKind } from './run-downloads';

const artifact = (name: string, kind: string, bytes = 10) => ({ id: `id-${name}`, name, kind, bytes });

describe('run downloads', () => {
  it('groups a run’s downloads by kind in a fixed order, files by name, leaving out figures, logs and cluster files', () => {
    const artifacts = [
      artifact('target-weights.bin', 'model'),
      artifact('conv1-filters.png', 'figure'),
      artifact('results.json', 'eval-table'),
      artifact('pseudo-labels.npy', 'pseudo-labels'),
      artifact('eval.csv', 'eval-table'),
      artifact('clusters-summary.json', 'clusters'),
      artifact('pretext-model.json', 'model'),
      artifact('features-labeling.npy', 'features'),
      artifact('target-model.json', 'model'),
      artifact('pseudo-labels.csv', 'pseudo-labels'),
      artifact('features-clustering.npy', 'features'),
      artifact('pretext-weights.bin', 'model'),
      artifact('centroids.npy', 'centroids'),
      artifact('worker.log', 'log'),
    ];
    const groups = downloadGroups(artifacts);
    expect(groups.map((group) => [group.label, group.files.map((file) => file.name)])).toEqual([
      ['Features', ['features-clustering.npy', 'features-labeling.npy']],
      ['Centroids', ['centroids.npy']],
      ['Pseudo-labels', ['pseudo-labels.csv', 'pseudo-labels.npy']],
      ['Models', ['pretext-model.json', 'pretext-weights.bin', 'target-model.json', 'target-weights.bin']],
      ['Evaluation table', ['eval.csv', 'results.json']],
    ]);
    expect(groups[0].files[0]).toBe(artifacts[10]);
    expect(groups.find((group) => group.kind === 'model')!.description).toContain('tf.loadLayersModel');
    expect(artifacts.filter((a) => !isDownloadKind(a.kind)).map((a) => a.name)).toEqual(['conv1-filters.png', 'clusters-summary.json', 'worker.log']);
  });

  it('leaves out the groups a run has no files of', () => {
    expect(downloadGroups([artifact('results.json', 'eval-table'), artifact('a.png', 'figure')]).map((group) => group.label)).toEqual(['Evaluation table']);
    expect(downloadGroups([])).toEqual([]);
  });

  it('formats sizes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3.2 * 1024 * 1024)).toBe('3.20 MiB');
    expect(formatBytes(1024 * 1024 - 1)).toBe('1.00 MiB');
    expect(formatBytes(4 * 1024 ** 3)).toBe('4.00 GiB');
    expect(() => formatBytes(-1)).toThrow(/not a file size/);
  });
});
