import { describe, expect, it } from 'vitest';
import { evalValue, parseColumn, parseRunFilter } from './run-filter';

describe('runs table filters', () => {
  it('parses eval and config terms', () => {
    expect(parseRunFilter('eval.linear.conv3>0.5, clustering.k=1000, config.pretext.task=jigsaw++, eval.knn.best<=40%')).toEqual({
      evals: [
        { protocol: 'linear', layer: 'conv3', metric: 'top1', op: '>', value: 0.5 },
        { protocol: 'knn', layer: 'best', metric: 'top1', op: '<=', value: 0.4 },
      ],
      config: [
        { path: 'clustering.k', value: 1000 },
        { path: 'pretext.task', value: 'jigsaw++' },
      ],
    });
    expect(parseRunFilter('  ')).toEqual({ evals: [], config: [] });
    // the dense protocols' rows: trunk frozen, fine-tuned
    expect(parseRunFilter('eval.detection.frozen.map50>0.2, eval.segmentation.all.miou>=0.1').evals).toEqual([
      { protocol: 'detection', layer: 'frozen', metric: 'map50', op: '>', value: 0.2 },
      { protocol: 'segmentation', layer: 'all', metric: 'miou', op: '>=', value: 0.1 },
    ]);
  });

  it('names what is wrong instead of ignoring it', () => {
    expect(parseRunFilter('evaluation.linear>0.8').error).toBe('“evaluation.linear” is not a config field — evaluation results are eval.<protocol>.<layer>, e.g. eval.linear.conv3');
    expect(parseRunFilter('eval.linear>0.8').error).toMatch(/write eval.<protocol>.<layer>/);
    expect(parseRunFilter('eval.lineer.conv3>0.8').error).toMatch(/unknown protocol “lineer”/);
    expect(parseRunFilter('eval.linear.conv9>0.8').error).toBe('“eval.linear.conv9”: unknown layer “conv9” (conv1…conv5, frozen, all or best)');
    expect(parseRunFilter('eval.svm.conv3>0.8').error).toBe('“eval.svm.conv3”: unknown protocol “svm” (one of linear, nonlinear, finetune, knn, detection, segmentation)');
    expect(parseRunFilter('eval.linear.conv3>50').error).toMatch(/accuracies are fractions — write 0.5 or 50%/);
    expect(parseRunFilter('eval.linear.conv3>abc').error).toMatch(/is not a number/);
    expect(parseRunFilter('clustering.k>5').error).toMatch(/matched with = only/);
    expect(parseRunFilter('clustering=5').error).toMatch(/is not a config field, e.g. clustering\./);
    expect(parseRunFilter('k1000').error).toMatch(/is not field op value/);
  });

  it('reads columns and their values', () => {
    expect(parseColumn('eval.linear.best')).toEqual({ kind: 'eval', id: 'eval.linear.best', field: { protocol: 'linear', layer: 'best', metric: 'top1' } });
    expect(parseColumn('clustering.k')).toEqual({ kind: 'config', id: 'config.clustering.k', path: 'clustering.k' });
    expect(parseColumn('dataset')).toEqual({ kind: 'dataset', id: 'dataset' });
    expect(parseColumn('metric.pseudo-labels/nmi')).toEqual({ kind: 'metric', id: 'metric.pseudo-labels/nmi', key: 'pseudo-labels/nmi' });
    expect(parseColumn('metric.')).toMatchObject({ error: expect.stringContaining('metric.<logged key>') });
    expect(parseColumn('metric.a b')).toMatchObject({ error: expect.stringContaining('metric.<logged key>') });
    expect(parseColumn('config.nope')).toEqual({ error: '“config.nope” is not a config field' });
    const results = [
      { protocol: 'linear', layer: 'conv1', metric: 'top1', value: 0.3 },
      { protocol: 'linear', layer: 'conv3', metric: 'top1', value: 0.5 },
      { protocol: 'knn', layer: 'conv3', metric: 'top1', value: 0.6 },
    ];
    expect(evalValue(results, { protocol: 'linear', layer: 'best', metric: 'top1' })).toBe(0.5);
    expect(evalValue(results, { protocol: 'linear', layer: 'conv1', metric: 'top1' })).toBe(0.3);
    expect(evalValue(results, { protocol: 'finetune', layer: 'all', metric: 'top1' })).toBeUndefined();
  });
});
