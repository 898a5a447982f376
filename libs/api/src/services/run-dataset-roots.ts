import { TRPCError } from '@trpc/server';
import { ZodRealError, type ZodError } from 'zod';
import { datasetFields, fileFields, type RunConfig } from '@ktlab/config';
import { DatasetOutsideRootsError, resolveDatasetInRoots } from '@ktlab/config/dataset-roots';
import { repoRoot } from '@ktlab/config/paths';
import { allowedDatasetRoots } from '../routers/datasets/scan-dataset';

/**
 * Refuses a run config that names a dataset or a file (`pretext.permutationsFile`) outside `KTLAB_DATASET_ROOTS`
 * (no check when unset). Each refused field comes back as a field error at `<inputPath>.<field>.path` (e.g.
 * `config.evaluation.test.path`) or `<inputPath>.<field>` for a file, as zod's own errors do, so the launch form
 * shows it beside the field.
 */
export async function assertRunDatasetsInRoots(configs: readonly { config: RunConfig; inputPath: (string | number)[] }[], roots = allowedDatasetRoots()): Promise<void> {
  if (roots.length === 0) return;
  const issues: ZodError['issues'] = [];
  for (const { config, inputPath } of configs) {
    for (const { field, ref } of datasetFields(config)) {
      try {
        await resolveDatasetInRoots(field, ref.path, roots, repoRoot());
      } catch (error) {
        if (!(error instanceof DatasetOutsideRootsError)) throw error;
        issues.push({ code: 'custom', path: [...inputPath, ...field.split('.'), 'path'], message: error.reason, input: ref.path });
      }
    }
    for (const { field, path } of fileFields(config)) {
      try {
        await resolveDatasetInRoots(field, path, roots, repoRoot());
      } catch (error) {
        if (!(error instanceof DatasetOutsideRootsError)) throw error;
        issues.push({ code: 'custom', path: [...inputPath, ...field.split('.')], message: error.reason, input: path });
      }
    }
  }
  if (issues.length === 0) return;
  const first = issues[0];
  // ZodRealError (an Error, unlike a constructed ZodError) survives tRPC's cause handling, so errorFormatter
  // turns it into data.fieldErrors like any input error.
  throw new TRPCError({ code: 'BAD_REQUEST', message: `${first.path.join('.')}: ${first.message}`, cause: new ZodRealError(issues) });
}
