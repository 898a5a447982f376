/**
 * What each figure a pipeline run uploads shows, said from the run's config: which network, which layer,
 * which clusters (the figures themselves carry no text; libs/pipeline/src/figures.ts draws them).
 */
interface PipelineConfigView {
  kind?: string;
  pretext?: { task?: string; arch?: string; permutations?: number; maxOccludedTiles?: number; grayProbability?: number; projectionProbability?: number };
  clustering?: { source?: string; layer?: string; k?: number };
  target?: { arch?: string; objective?: string };
  evaluation?: { dense?: { canvasSize?: number } };
}

const OBJECTIVES: Record<string, string> = {
  'cluster-classification': 'trained to predict the cluster ids (pseudo-labels)',
  regression: 'trained to regress the teacher’s activations',
  supervised: 'trained on the labels',
};

function percent(p: number | undefined): string {
  return `${Math.round((p ?? 0) * 100)}%`;
}

/** The network whose conv1 filters the run drew: the final (target) network as evaluated. */
function finalNetwork(config: PipelineConfigView): string {
  const target = config.target ?? {};
  if (target.objective && OBJECTIVES[target.objective]) return `the target ${target.arch ?? 'alexnet'} network, ${OBJECTIVES[target.objective]}`;
  if (config.pretext?.task && config.pretext.task !== 'none') return `the ${config.pretext.arch ?? 'alexnet'} network trained on the ${config.pretext.task} pretext task (no transfer)`;
  return `the randomly initialised ${target.arch ?? 'alexnet'} network (not trained)`;
}

/** The clusters of the neighbours figure's rows, top to bottom (from the run's cluster summary). */
export interface NeighbourRow {
  id: number;
  rank: number;
  size: number;
}

export function figureCaption(name: string, config: unknown, neighbourRows?: readonly NeighbourRow[]): string | undefined {
  const c = (config ?? {}) as PipelineConfigView;
  if (name === 'conv1-filters.png') {
    return `conv1 filters of ${finalNetwork(c)}: one tile per filter, its RGB weights min–max scaled.`;
  }
  if (name === 'example-puzzles.png') {
    const p = c.pretext ?? {};
    const occlusion = p.maxOccludedTiles ? `, tiles from another image (up to ${p.maxOccludedTiles}) framed in red` : '';
    return (
      `Pretext puzzles (${p.task ?? 'jigsaw'}, ${p.permutations ?? '?'} permutations): one row per puzzle, its 9 tiles in the order the network sees them${occlusion}. ` +
      `Each tile is standardised per channel and min–max scaled for display, so flat regions show as noise; ${percent(p.grayProbability)} of puzzles are made gray and ${percent(p.projectionProbability)} get a colour projection (the training augmentation), which adds colour fringes even on grayscale images.`
    );
  }
  if (name === 'example-rotations.png') {
    return 'Pretext examples (rotation): one row per image, shown turned 0°, 90°, 180° and 270° clockwise — the four classes the network predicts.';
  }
  if (name === 'cluster-neighbours.png') {
    const cl = c.clustering ?? {};
    const source = cl.source === 'hog' ? 'HOG descriptors' : cl.source === 'random-network' ? `${cl.layer ?? 'conv4'} features of a random network` : `${cl.layer ?? 'conv4'} features of the pretext network`;
    const rows = neighbourRows?.length
      ? ` Rows, top to bottom: ${neighbourRows.map((row) => `cluster ${row.id} (#${row.rank}, ${row.size.toLocaleString('en-US')} images)`).join(', ')}.`
      : '';
    return `Clusters of k-means (k = ${cl.k ?? '?'}) on ${source}: ${neighbourRows?.length ?? 12} clusters evenly spaced by size (largest at the top), one per row, with the 10 images nearest its centroid.${rows} Sizes and majority classes: the Clusters page.`;
  }
  const dense = /^(detection|segmentation)-(frozen|all)\.png$/.exec(name);
  if (dense) {
    const [, task, layer] = dense;
    const size = c.evaluation?.dense?.canvasSize ?? 96;
    const trunk = layer === 'frozen' ? 'conv1…conv5 frozen, only the head trained' : 'the whole trunk fine-tuned with the head';
    const shown =
      task === 'detection'
        ? 'the ground-truth boxes (left) and the predicted ones (right: the highest-scoring boxes, as many as the scene has objects, and any others with score ≥ 0.3), outlined in their classes’ VOC colours'
        : 'the ground-truth class map (left) and the predicted one (right), blended in their classes’ VOC colours (background left clear)';
    return `${task === 'detection' ? 'Detection' : 'Segmentation'} on test scenes (${size}×${size}, test images pasted on backgrounds; ${trunk}): one row per scene, ${shown}.`;
  }
  return undefined;
}
