/**
 * Stage 4 for `clustering.source: 'file'`: pseudo-labels made elsewhere (the authors' released labels, another
 * run's `labels.csv`) instead of features → k-means → assignment. The file is read inside the dataset roots,
 * parsed and matched to the pseudo-label dataset's images by relative path (libs/kmeans label-file), and written
 * as the run's own pseudo-labels, so cluster classification, the statistics and the cluster browser read it as
 * they read computed ones. Images the file does not label are left out, counted (`pseudo-labels/unlabelled`).
 */
import {
  labelFileFormat,
  LabelFileError,
  matchLabelsToImages,
  parseLabelsCsv,
  parseLabelsJsonl,
  parseLabelsNpy,
  type LabelFileContents,
} from '@ktlab/kmeans';
import type { LabelsFileRef } from '@ktlab/config';
import type { PipelineContext } from '../context';
import { openRunDataset } from '../datasets';
import type { StageCheckpoints } from '../io/checkpoints';
import { readFileInRoots } from '../io/file-in-roots';
import { recordPseudoLabels, type PseudoLabelOutputs } from './clustering.stage';
import { labelingData } from './features.stage';

const FIELD = 'clustering.labelsFile';

async function readLabelsFile(ref: LabelsFileRef, roots: readonly string[]): Promise<LabelFileContents> {
  const format = labelFileFormat(ref.path, ref.format);
  const bytes = await readFileInRoots(`${FIELD}.path`, ref.path, roots);
  if (format !== 'npy') return (format === 'csv' ? parseLabelsCsv : parseLabelsJsonl)(bytes.toString('utf8'), ref.path);
  if (!ref.imageList) throw new Error(`${FIELD}.imageList: a .npy labels file needs the list of its images (one relative path a line, in the array's order)`);
  const list = await readFileInRoots(`${FIELD}.imageList`, ref.imageList, roots);
  return parseLabelsNpy(bytes, ref.path, list.toString('utf8'), ref.imageList);
}

export async function labelsFileStage(context: PipelineContext, checkpoints: StageCheckpoints): Promise<PseudoLabelOutputs> {
  const { config } = context;
  const ref = config.clustering.labelsFile;
  if (!ref) throw new Error(`${FIELD}: required when clustering.source is "file"`);
  try {
    const contents = await readLabelsFile(ref, context.datasetRoots ?? []);
    const data = await openRunDataset(context, labelingData(context), config.imageSize);
    const known = new Set([...data.sourceIds, ...data.skipped.map((skipped) => skipped.file)]);
    const matched = matchLabelsToImages(contents, data.ids, known);
    await context.metric('pseudo-labels/unlabelled', 0, matched.unlabelled);
    context.log(
      `pseudo-labels: ${matched.ids.length} of ${data.count} images labelled by ${ref.path} (k = ${matched.k})` +
        (matched.unlabelled > 0 ? `; ${matched.unlabelled} without a label are left out (${matched.unlabelledSample.join(', ')}${matched.unlabelled > matched.unlabelledSample.length ? ', …' : ''})` : '') +
        (matched.outsideRun > 0 ? `; ${matched.outsideRun} labelled image(s) are not among this run's images (subset, limit or unreadable)` : ''),
    );
    const truth = data.labels;
    const groundTruth = truth && Int32Array.from(matched.indices, (index) => truth[index]);
    return await recordPseudoLabels(context, checkpoints, { k: matched.k, model: `file:${ref.path}`, ids: matched.ids, labels: matched.labels }, groundTruth);
  } catch (error) {
    if (error instanceof LabelFileError) throw new Error(`${FIELD}: ${error.message}`, { cause: error });
    throw error;
  }
}
