import { describe, expect, it } from 'vitest';
import { cellResultSchema, type CellResult } from './cell-result';
import { planStudy } from './plan';
import { SCALES } from './scales';
import { paperLikeValue, syntheticCell } from './testing/synthetic-results';
import { studyTables, tableMarkdown } from './tables';

const plan = planStudy({ scale: SCALES.quick, dataRoot: '/data/cifar10' });
const main = plan.cells.filter((cell) => cell.group === 'main');

/** Detection and segmentation rows for a cell: mAP and mean IoU from the method's rank, fine-tuned above frozen. */
function withDense(cell: CellResult, frozen = true): CellResult {
  const base = paperLikeValue(plan.cells.find((c) => c.id === cell.id)!, 'finetune', 'all');
  const row = (protocol: 'detection' | 'segmentation', layer: string, metric: string, value: number) => ({ protocol, layer, dataset: 'test', metric, value });
  const layers = frozen ? ['all', 'frozen'] : ['all'];
  return {
    ...cell,
    results: [
      ...cell.results,
      ...layers.flatMap((layer) => {
        const shift = layer === 'all' ? 0 : -0.05;
        return [row('detection', layer, 'map50', base / 2 + shift), row('detection', layer, 'map', base / 4 + shift / 2), row('segmentation', layer, 'miou', base / 1.5 + shift)];
      }),
    ],
  };
}

describe('the transfer table (Table 3 analog)', () => {
  it('is left out while no cell has a detection or segmentation result', () => {
    const tables = studyTables(main.map((cell) => syntheticCell(cell, paperLikeValue)));
    expect(tables.map((t) => t.id)).not.toContain('table3-transfer');
  });

  it('puts classification, detection and segmentation side by side per method, fine-tuned first, then frozen', () => {
    const cells = main.map((cell) => cellResultSchema.parse(withDense(syntheticCell(cell, paperLikeValue))));
    const table = studyTables(cells).find((t) => t.id === 'table3-transfer')!;
    expect(table.columns).toEqual(['classification top-1', 'detection mAP@0.5', 'detection mAP@[.5:.95]', 'segmentation mIoU', 'detection mAP@0.5, frozen', 'segmentation mIoU, frozen']);
    expect(table.rows[0]).toMatchObject({ key: 'random', label: 'Random' });
    const markdown = tableMarkdown(table);
    expect(markdown).toContain('### Table 3 analog — transfer: classification, detection, segmentation');
    expect(markdown).toContain('| Method | classification top-1 | detection mAP@0.5 | detection mAP@[.5:.95] | segmentation mIoU | detection mAP@0.5, frozen | segmentation mIoU, frozen | n |');
    // CC+vgg-Jigsaw++: finetune 0.47 ± 0.004 over 3 seeds → detection mAP@0.5 23.5, frozen 18.5; best of the self-supervised rows.
    expect(markdown).toMatch(/\| CC\+vgg-Jigsaw\+\+ \| \*\*47\.0 ± 0\.4\*\* \| \*\*23\.5 ± 0\.2\*\* \| \*\*11\.8 ± 0\.1\*\* \| \*\*31\.3 ± 0\.3\*\* \| \*\*18\.5 ± 0\.2\*\* \| \*\*26\.3 ± 0\.3\*\* \| 3 \|/);
    expect(markdown).toMatch(/\| Supervised \*\(reference\)\* \| 65\.0 ± 0\.4 \| 32\.5 ± 0\.2 \|/);
  });

  it('shows only the columns some cell has (runs without the frozen mode)', () => {
    const cells = main.map((cell) => withDense(syntheticCell(cell, paperLikeValue, ['linear']), false));
    const table = studyTables(cells).find((t) => t.id === 'table3-transfer')!;
    expect(table.columns).toEqual(['detection mAP@0.5', 'detection mAP@[.5:.95]', 'segmentation mIoU']);
  });
});
