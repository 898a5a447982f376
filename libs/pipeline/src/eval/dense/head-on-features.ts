import * as tf from '@tensorflow/tfjs';

/**
 * The head of a dense net (every layer of `model` that is not `trunk`'s) re-applied to a new input shaped like the
 * trunk feature map it reads: the same layers and weights, so training it trains the net's head. With the trunk
 * run in inference mode in front of it (`tapModel(trunk, tap).predict`), that is training with the trunk frozen —
 * weights and batch-norm statistics (tfjs's batch norm ignores `trainable`, so setting it would not do). Works for
 * heads that branch and merge (CenterNet's three branches and their concatenation) as long as they read one tap.
 */
export function headOnFeatures(model: tf.LayersModel, trunk: tf.LayersModel): tf.LayersModel {
  const trunkLayers = new Set(trunk.layers);
  const head = model.layers.filter((layer) => !trunkLayers.has(layer) && layer.getClassName() !== 'InputLayer');
  if (head.length === 0) throw new Error(`headOnFeatures: '${model.name}' has no layers besides the trunk's`);
  // Head layers were applied once when the net was built: node 0 is that application.
  const inputsOf = (layer: tf.layers.Layer) => {
    const inputs = layer.getInputAt(0);
    return Array.isArray(inputs) ? inputs : [inputs];
  };
  const produced = new Set(head.map((layer) => layer.getOutputAt(0) as tf.SymbolicTensor));
  const taps = new Set(head.flatMap(inputsOf).filter((tensor) => !produced.has(tensor)));
  if (taps.size !== 1) throw new Error(`headOnFeatures: the head of '${model.name}' reads ${taps.size} trunk tensors; it must read exactly one`);
  const [tap] = [...taps];
  const input = tf.input({ name: `${model.name}_features`, shape: tap.shape.slice(1) as number[] });
  const mapped = new Map<tf.SymbolicTensor, tf.SymbolicTensor>([[tap, input]]);
  for (const layer of head) {
    const inputs = inputsOf(layer).map((tensor) => {
      const found = mapped.get(tensor);
      if (!found) throw new Error(`headOnFeatures: layer '${layer.name}' reads '${tensor.name}', which is neither the tap nor a head output`);
      return found;
    });
    mapped.set(layer.getOutputAt(0) as tf.SymbolicTensor, layer.apply(inputs.length === 1 ? inputs[0] : inputs) as tf.SymbolicTensor);
  }
  const output = mapped.get(model.outputs[0]);
  if (!output) throw new Error(`headOnFeatures: the output of '${model.name}' does not come from its head`);
  return tf.model({ name: `${model.name}_head`, inputs: input, outputs: output });
}

/**
 * Frees the weights of a dense net's head and leaves its trunk alone (disposing the net itself would dispose the
 * trunk's layers too: they are the same layer objects).
 */
export function disposeHeadLayers(model: tf.LayersModel, trunk: tf.LayersModel): void {
  const trunkLayers = new Set(trunk.layers);
  for (const layer of model.layers) if (!trunkLayers.has(layer) && layer.getClassName() !== 'InputLayer') layer.dispose();
}
