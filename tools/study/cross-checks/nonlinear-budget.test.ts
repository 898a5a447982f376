import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planStudy, SCALES } from '@ktlab/study';
import { runNonlinearBudget } from './nonlinear-budget';

const studyDir = mkdtempSync(join(tmpdir(), 'ktlab-nonlinear-budget-study-'));
afterAll(() => rmSync(studyDir, { recursive: true, force: true }));

describe('runNonlinearBudget', () => {
  it('says which command trains the Random cell it needs when none finished here', async () => {
    const plan = planStudy({ scale: SCALES.medium, dataRoot: '/data/cifar10' });
    await expect(runNonlinearBudget(plan, studyDir, join(studyDir, 'out'))).rejects.toThrow(
      `--cross-check nonlinear-budget: no finished Random cell with its trained network in ${studyDir} (run \`npm run study -- --scale medium --only random --groups main\` here first)`,
    );
  });
});
