/**
 * `npm run study -- --scale <s> --cross-check <name>`: random-linear runs tools/study/cross-checks/random_linear.py
 * with the settings of the plan's Random cells (images, image size, width, linear-probe epochs, seeds);
 * nonlinear-budget retrains a finished Random cell's nonlinear layers at larger budgets (nonlinear-budget.ts). Each
 * writes its result where the report reads it (`<report>/cross-checks/<name>.json`).
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StudyPlan } from '@ktlab/study';
import { PEER_PYTHON } from '../../bench/support/peer-python';
import { RANDOM_LINEAR_FILE } from '../report/cross-checks';
import { runNonlinearBudget } from './nonlinear-budget';

export const CROSS_CHECKS = ['random-linear', 'nonlinear-budget'] as const;
export type CrossCheckName = (typeof CROSS_CHECKS)[number];

const SCRIPT = fileURLToPath(new URL('./random_linear.py', import.meta.url));

/** The script's arguments for this plan: the Random row's main cells decide every setting. */
export function randomLinearArguments(plan: StudyPlan, outFile: string, threads: number): string[] {
  const random = plan.cells.filter((cell) => cell.group === 'main' && cell.row === 'random');
  if (!random.length) throw new Error('--cross-check random-linear: the plan has no Random cell (add random to --only)');
  const { config } = random[0]!;
  const evaluation = config.evaluation;
  if (evaluation.train?.format !== 'folder' || evaluation.test?.format !== 'folder') {
    throw new Error('--cross-check random-linear: the Random cells\' evaluation images are not class folders (train/<class>/*, test/<class>/*)');
  }
  return [
    SCRIPT,
    '--data', dirname(evaluation.train.path),
    '--seeds', random.map((cell) => cell.seed).join(','),
    '--epochs', String(evaluation.epochs),
    '--width', String(config.target.widthMultiplier),
    '--size', String(config.imageSize),
    '--train-limit', String(evaluation.train.limit ?? 0),
    '--test-limit', String(evaluation.test.limit ?? 0),
    '--threads', String(threads),
    '--out', outFile,
  ];
}

export interface CrossCheckOptions {
  plan: StudyPlan;
  /** The report folder (`docs/results/<scale>`). */
  outDir: string;
  /** The cells' working folders (`<KTLAB_HOME>/study/<scale>`). */
  studyDir: string;
  threads: number;
}

/** Runs a cross-check (its progress on this process's stdout/stderr); resolves with the file it wrote. */
export async function runCrossCheck(name: CrossCheckName, options: CrossCheckOptions): Promise<string> {
  if (name === 'nonlinear-budget') return runNonlinearBudget(options.plan, options.studyDir, options.outDir);
  const outFile = join(options.outDir, RANDOM_LINEAR_FILE);
  mkdirSync(dirname(outFile), { recursive: true });
  const args = randomLinearArguments(options.plan, outFile, options.threads);
  console.log(`cross-check ${name}: ${PEER_PYTHON} ${args.join(' ')}`);
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(PEER_PYTHON, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('close', (status) => resolve(status ?? 1));
  });
  if (code === 3) throw new Error(`cross-check ${name}: ${PEER_PYTHON} lacks torch or PIL (apt-get install -y python3-torch python3-pil)`);
  if (code !== 0) throw new Error(`cross-check ${name}: ${PEER_PYTHON} ${SCRIPT} exited with ${code}`);
  return outFile;
}
