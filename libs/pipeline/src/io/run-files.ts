/**
 * The formats of the files a run folder holds besides the models: features and downloads as .npy, the k-means
 * model (`kmeans/centroids.ktkm`), pseudo-labels (`pseudo-labels/labels.ktpl` and `.csv`). Re-exported here so
 * that the worker and its tests read and write what the pipeline does without depending on libs/kmeans.
 */
export {
  loadModel as loadKMeansModel,
  parseNpy,
  readNpy,
  readPseudoLabels,
  writePseudoLabels,
  writePseudoLabelsCsv,
  type KMeansModel,
  type NpyContents,
  type PseudoLabels,
} from '@ktlab/kmeans';
