import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planStudy, SCALES } from '@ktlab/study';
import { syntheticResults } from '@ktlab/study/testing';
import { writeReport } from './write-report';

const outDir = mkdtempSync(join(tmpdir(), 'ktlab-study-report-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('writeReport', () => {
  it('writes the csv, tables, plots and README from synthetic results', async () => {
    const plan = planStudy({ scale: SCALES.quick, dataRoot: '/data/cifar10' });
    const results = syntheticResults(plan);
    results.cells = results.cells.filter((cell) => cell.id !== 'jigsaw-s2');
    const files = await writeReport({ plan, results: { ...results, missing: ['jigsaw-s2'] }, outDir, generatedAt: new Date('2026-01-02T03:04:05Z') });
    expect(files).toEqual(['results.csv', 'tables.md', 'accuracy-per-layer-linear.png', 'accuracy-per-layer-nonlinear.png', 'accuracy-vs-clusters.png', 'README.md']);

    const csv = readFileSync(join(outDir, 'results.csv'), 'utf8').trim().split('\n');
    // One line per cell × (5 linear + 5 nonlinear + 1 finetune) results, per transfer cell × (detection mAP@0.5 and
    // mAP, segmentation mIoU; frozen and fine-tuned), plus the header.
    const transfers = results.cells.filter((cell) => cell.group === 'transfer').length;
    expect(transfers).toBe(9);
    expect(csv).toHaveLength(1 + (results.cells.length - transfers) * 11 + transfers * 6);
    expect(csv[0]).toBe('scale,cell,group,row,method,seed,k,domain,protocol,layer,dataset,metric,value,wall_seconds,where');

    const tables = readFileSync(join(outDir, 'tables.md'), 'utf8');
    expect(tables).toContain('### Table 4 analog — linear probe per conv layer');
    expect(tables).toContain('### Table 6 analog — nonlinear evaluation per layer');
    expect(tables).toContain('### Table 3 analog — fine-tuning');
    expect(tables).toContain('### Table 1 analog — number of clusters');
    expect(tables).toContain('### Table 2 analog — where clusters and pseudo-labels come from');
    // CC+vgg-Jigsaw++ is the best self-supervised row (synthetic 0.42 + jitter: mean 42.0, std 0.4 over 3 seeds).
    expect(tables).toContain('| CC+vgg-Jigsaw++ | **42.0 ± 0.4** |');
    expect(tables).toContain('| Jigsaw | 30.2 ± 0.3 |');
    expect(tables).toMatch(/\| Supervised \*\(reference\)\* \| 60\.0 ± 0\.4 \|[^\n]*\| 3 \|/);
    expect(tables).toContain('| k = 20 |');
    expect(tables).toContain('### Table 3 analog — transfer: classification, detection, segmentation');

    for (const png of files.filter((file) => file.endsWith('.png'))) {
      const bytes = readFileSync(join(outDir, png));
      expect(bytes.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect(bytes.length).toBeGreaterThan(5_000);
    }

    const readme = readFileSync(join(outDir, 'README.md'), 'utf8');
    expect(readme).toContain('# Reproduction study — `quick` scale');
    expect(readme).toContain('Test CPU (AVX2), 2 cores');
    expect(readme).toContain('- **Code**: not recorded (59 cells).');
    expect(readme).toContain('missing jigsaw-s2');
    // 33 main + 9 transfer + 9 clusters + 9 domain cells, one missing, 60 s each.
    expect(readme).toContain('| Table 3: detection and segmentation | 9 | 9 min 00 s | 1 min 00 s | — |');
    expect(readme).toContain('| **Total** | 59 | **59 min 00 s** | 1 min 00 s | — |');
    expect(readme).toContain('## Detection and segmentation (Table 3 analog) — what it can say about PASCAL VOC');
    expect(readme).toContain('## Which orderings held');
    expect(readme).toMatch(/Of \d+ checks: \d+ held, 0 did not hold/);
    expect(readme).toContain('![Table 4 analog — linear probe per conv layer: accuracy per layer per method.](accuracy-per-layer-linear.png)');
    expect(readme).toContain('- Linear probe on conv4: highest CC+vgg-Jigsaw++ (44.0%), lowest Random (17.0%); the Supervised reference reaches 62.0%.');
    expect(readme).toContain('| eval | 59 | 1 min 00 s | 59 min 00 s |');
  });
});
