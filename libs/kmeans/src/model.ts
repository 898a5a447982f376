/** A trained clustering: centroids plus the preprocessing that maps raw features into their space. */
import type { Preprocessing } from './preprocessing.js';

export interface TrainingSummary {
  /** Rows in the dataset the model was fitted on, and how many of them the iterations used. */
  datasetRows: number;
  trainingRows: number;
  iterations: number;
  seed: number;
  init: 'kmeans++' | 'random' | 'given';
  /** Inertia (sum of squared distances) of the last iteration's assignment. */
  finalInertia: number;
  engine: string;
  seconds: number;
}

export interface KMeansModel {
  k: number;
  /** Dimensions of the centroids (the preprocessing's output). */
  dims: number;
  /** k×dims, row-major. */
  centroids: Float32Array;
  preprocessing: Preprocessing;
  training?: TrainingSummary;
}
