import type { DatasetRef, RunConfig } from './run-config';

/** A dataset reference of a run config and the dotted field it sits in (`evaluation.test`). */
export interface DatasetField {
  field: string;
  ref: DatasetRef;
}

/**
 * Every dataset a run config makes a worker read, with its field. Absent optional references are left out (the
 * run then reads `data`, which is listed). Keep in step with the schema: run-config.test.ts checks that every
 * `datasetRefSchema` in it is listed here.
 */
export function datasetFields(config: RunConfig): DatasetField[] {
  if (config.kind !== 'pipeline') return [];
  const candidates: [string, DatasetRef | undefined][] = [
    ['data', config.data],
    ['clustering.data', config.clustering.data],
    ['pseudoLabels.data', config.pseudoLabels.data],
    ['evaluation.train', config.evaluation.train],
    ['evaluation.test', config.evaluation.test],
  ];
  return candidates.filter((entry): entry is [string, DatasetRef] => entry[1] !== undefined).map(([field, ref]) => ({ field, ref }));
}

/** A single file (not a dataset) a run config makes a worker read, with its dotted field. */
export interface FileField {
  field: string;
  path: string;
}

/**
 * Every file other than a dataset that a run config makes a worker read (`pretext.permutationsFile`, the labels
 * file of `clustering.source: 'file'`): the portal and the worker check them against `KTLAB_DATASET_ROOTS` as they
 * do the datasets.
 */
export function fileFields(config: RunConfig): FileField[] {
  if (config.kind !== 'pipeline') return [];
  const candidates: [string, string | undefined][] = [
    ['pretext.permutationsFile', config.pretext.permutationsFile],
    ['clustering.labelsFile.path', config.clustering.labelsFile?.path],
    ['clustering.labelsFile.imageList', config.clustering.labelsFile?.imageList],
  ];
  return candidates.filter((entry): entry is [string, string] => entry[1] !== undefined).map(([field, path]) => ({ field, path }));
}
