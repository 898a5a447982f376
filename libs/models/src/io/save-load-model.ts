import * as tf from '@tensorflow/tfjs';
import { DirectoryIOHandler } from './directory-io-handler.js';

/** Saves `model` to `dir` as `model.json` + `weights.bin` (TensorFlow.js layers format), atomically. */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<tf.io.SaveResult> {
  return model.save(new DirectoryIOHandler(dir));
}

/** Loads a model saved by {@link saveModel} (or any tfjs layers model.json with its weight files) from `dir`. */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(new DirectoryIOHandler(dir));
}
