import { EVAL_PROTOCOL_INFO, EVAL_PROTOCOLS, evalResultRowSchema } from '@ktlab/config';
import { describe, expect, it } from 'vitest';
import { importRunInput } from '../runs/import.schema';
import { finishInput } from './finish.schema';

describe('eval results a worker or a publisher hands in', () => {
  it('accept every protocol of the registry with its metrics (detection mAP, segmentation mean IoU) and refuse others', () => {
    const rows = EVAL_PROTOCOLS.flatMap((protocol) => EVAL_PROTOCOL_INFO[protocol].metrics.map((metric) => ({ protocol, layer: 'all', dataset: 'test', metric, value: 0.25 })));
    expect(rows.map((r) => `${r.protocol}:${r.metric}`)).toEqual(expect.arrayContaining(['detection:map50', 'detection:map', 'segmentation:miou']));
    const finished = finishInput.parse({ outcome: 'succeeded', workerId: 'w', runId: 'r', evalResults: rows });
    expect(finished.outcome === 'succeeded' && finished.evalResults).toEqual(rows);
    expect(evalResultRowSchema.safeParse({ ...rows[0], protocol: 'svm' }).success).toBe(false);
    expect(evalResultRowSchema.safeParse({ ...rows[0], layer: 'x'.repeat(65) }).success).toBe(false);
    expect(evalResultRowSchema.safeParse({ ...rows[0], dataset: '' }).success).toBe(false);
    expect(importRunInput.shape.evalResults.safeParse(rows).success).toBe(true);
  });
});
