/**
 * The nets the pipeline trains, built by the pipeline's own builders from the presets' run configs, for the
 * train bench (and its per-kernel profile): the CC+Jigsaw++ target (AlexNet-style classifier on 32×32 images,
 * one class per cluster) and pretext (Jigsaw siamese net on the pretext images' tiles), each at the full and at
 * the `--quick` width, the target with a VGG-style trunk, and the VGG pretext net of CC+vgg-Jigsaw++.
 *
 * Each net also says how the PyTorch peer (tools/bench/peers/train.py) builds its twin, and describes its
 * layers (weights and output shapes per layer) so the bench can check that the two nets are the same.
 */
import * as tf from '@tensorflow/tfjs';
import { presetConfig, type PipelineConfig } from '@ktlab/config';
import { leafLayers, modelsWithin, SgdMomentum, trainStepAsync } from '@ktlab/models';
import { pretextNetFor, pretextTileSize, targetClassifierFor } from '@ktlab/pipeline';

export const PIPELINE_NET_NAMES = ['alexnet', 'alexnet-quick', 'jigsaw', 'jigsaw-quick', 'vgg', 'jigsaw-vgg'] as const;
export type PipelineNetName = (typeof PIPELINE_NET_NAMES)[number];

/** What the PyTorch peer needs to build the same net (its own code knows the architectures' widths). */
export interface PeerNetSpec {
  kind: 'classifier' | 'jigsaw';
  arch: 'alexnet' | 'vgg';
  widthMultiplier: number;
  /** Image side (classifier) or tile side (Jigsaw). */
  inputSize: number;
  numClasses: number;
  /** Tiles per puzzle (Jigsaw only). */
  tiles?: number;
}

export interface PipelineNet {
  name: PipelineNetName;
  /** Where the pipeline trains it, for the bench's header. */
  role: string;
  model: tf.LayersModel;
  batch: number;
  unit: 'images' | 'puzzles';
  /** One example's shape, NHWC (a puzzle is [tiles, tile, tile, 3]). */
  exampleShape: number[];
  numClasses: number;
  learningRate: number;
  peer: PeerNetSpec;
}

/** One layer that holds weights or changes the shape, as both sides report it. */
export interface LayerDescription {
  name: string;
  /** Trainable weights. */
  params: number;
  /** Non-trainable state (batch norm's moving mean and variance). */
  buffers: number;
  /** Output shape of one example (one tile inside a Jigsaw trunk), channels last, without the batch axis. */
  output: number[];
  /** Forward multiply-accumulates per example (a trunk layer counts once per tile). */
  macs: number;
}

/** Presets need a dataset; only their method settings matter here. */
const NO_DATA = { path: 'bench-has-no-data' };

function pipelineConfig(preset: string, quick: boolean, overrides: (config: PipelineConfig) => PipelineConfig = (c) => c): PipelineConfig {
  const config = presetConfig(preset, { data: NO_DATA, quick });
  if (config.kind !== 'pipeline') throw new Error(`preset ${preset} is not a pipeline preset`);
  return overrides(config);
}

function targetNet(name: PipelineNetName, config: PipelineConfig, role: string): PipelineNet {
  const { target, imageSize, clustering } = config;
  return {
    name,
    role: `${role}: ${target.arch} width ${target.widthMultiplier}, ${imageSize}×${imageSize} images, k = ${clustering.k} classes`,
    model: targetClassifierFor(config, clustering.k),
    batch: target.batchSize,
    unit: 'images',
    exampleShape: [imageSize, imageSize, 3],
    numClasses: clustering.k,
    learningRate: target.learningRate,
    peer: { kind: 'classifier', arch: target.arch, widthMultiplier: target.widthMultiplier, inputSize: imageSize, numClasses: clustering.k },
  };
}

function pretextNet(name: PipelineNetName, config: PipelineConfig, role: string): PipelineNet {
  const { pretext } = config;
  const tileSize = pretextTileSize(config);
  const { model } = pretextNetFor(config, tileSize, pretext.permutations);
  const tiles = model.inputs[0].shape[1] as number;
  return {
    name,
    role: `${role}: ${pretext.arch} width ${pretext.widthMultiplier}, ${tiles} tiles of ${tileSize}px (${pretext.imageSize}px images), ${pretext.permutations} permutations`,
    model,
    batch: pretext.batchSize,
    unit: 'puzzles',
    exampleShape: [tiles, tileSize, tileSize, 3],
    numClasses: pretext.permutations,
    learningRate: pretext.learningRate,
    peer: { kind: 'jigsaw', arch: pretext.arch, widthMultiplier: pretext.widthMultiplier, inputSize: tileSize, numClasses: pretext.permutations, tiles },
  };
}

/** Builds one net as the pipeline would for the preset it comes from. */
export function buildPipelineNet(name: PipelineNetName): PipelineNet {
  switch (name) {
    case 'alexnet':
      return targetNet(name, pipelineConfig('cc-jigsaw++', false), 'cc-jigsaw++ target');
    case 'alexnet-quick':
      return targetNet(name, pipelineConfig('cc-jigsaw++', true), 'cc-jigsaw++ --quick target');
    case 'vgg':
      return targetNet(name, pipelineConfig('cc-jigsaw++', false, (c) => ({ ...c, target: { ...c.target, arch: 'vgg' } })), 'target with target.arch vgg');
    case 'jigsaw':
      return pretextNet(name, pipelineConfig('cc-jigsaw++', false), 'cc-jigsaw++ pretext');
    case 'jigsaw-quick':
      return pretextNet(name, pipelineConfig('cc-jigsaw++', true), 'cc-jigsaw++ --quick pretext');
    case 'jigsaw-vgg':
      return pretextNet(name, pipelineConfig('cc-vgg-jigsaw++', false), 'cc-vgg-jigsaw++ pretext');
  }
}

export interface TrainingSession {
  /** One step of the pipeline's training loop (fit.ts) on a fixed random batch; resolves with the loss. */
  step(): Promise<number>;
  /** Frees the batch, the momentum buffers and the net. */
  dispose(): void;
}

/** The pipeline's step (`trainStepAsync` as fit runs it, SgdMomentum with its defaults, the config's learning rate) on random data. */
export function trainingSession(net: PipelineNet): TrainingSession {
  const optimizer = new SgdMomentum({});
  const input = tf.randomUniform([net.batch, ...net.exampleShape], 0, 1, 'float32', 7);
  const labels = tf.randomUniform([net.batch], 0, net.numClasses, 'int32', 8) as tf.Tensor1D;
  return {
    step: () => trainStepAsync(net.model, optimizer, input, labels, net.learningRate),
    dispose: () => {
      tf.dispose([input, labels]);
      optimizer.dispose();
      net.model.dispose();
    },
  };
}

const DESCRIBED = new Set(['Conv2D', 'BatchNormalization', 'Dense', 'MaxPooling2D']);
const count = (shapes: number[][]) => shapes.reduce((sum, shape) => sum + shape.reduce((a, b) => a * b, 1), 0);

/** The convolutions, batch norms, dense layers and pools of `model` in forward order, nested trunks included. */
export function describeLayers(model: tf.LayersModel): LayerDescription[] {
  // A model nested in the Jigsaw net runs once per tile: the TimeDistributed input is [batch, tiles, …].
  const tiles = modelsWithin(model).length > 1 ? (model.inputs[0].shape[1] as number) : 1;
  const nested = new Set(modelsWithin(model).slice(1).flatMap((inner) => inner.layers));
  // Forward order: a nested trunk runs before the layers around it.
  const ordered = [...leafLayers(model).filter((layer) => nested.has(layer)), ...leafLayers(model).filter((layer) => !nested.has(layer))];
  return ordered
    .filter((layer) => DESCRIBED.has(layer.getClassName()))
    .map((layer) => {
      const output = (layer.getOutputAt(0) as tf.SymbolicTensor).shape.slice(1) as number[];
      const positions = output.slice(0, -1).reduce((a, b) => a * b, 1);
      const kernel = layer.getClassName() === 'Conv2D' || layer.getClassName() === 'Dense' ? (layer.weights[0].shape as number[]) : [];
      const macs = kernel.length ? positions * kernel.reduce((a, b) => a * b, 1) * (nested.has(layer) ? tiles : 1) : 0;
      return {
        name: layer.name,
        params: count(layer.trainableWeights.map((w) => w.shape as number[])),
        buffers: count(layer.nonTrainableWeights.map((w) => w.shape as number[])),
        output,
        macs,
      };
    });
}

/**
 * Floating-point operations one training step needs: forward (2 per MAC), and backward twice the forward — the
 * gradient w.r.t. the input and w.r.t. the weights — except the first layer's input gradient, which is not needed
 * (the images are not trained; PyTorch skips it, tf.js's fused convolution computes it anyway and that work is
 * not counted). Pooling, batch norm and activations are not counted.
 */
export function trainingFlopsPerExample(layers: LayerDescription[]): number {
  const forwardMacs = layers.reduce((sum, layer) => sum + layer.macs, 0);
  const firstMacs = layers.find((layer) => layer.macs > 0)?.macs ?? 0;
  return 2 * (3 * forwardMacs - firstMacs);
}
