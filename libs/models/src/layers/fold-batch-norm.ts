import * as tf from '@tensorflow/tfjs';

interface LayerJson {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  inbound_nodes: Array<Array<[string, number, number, Record<string, unknown>?]>>;
}

interface ModelJson {
  class_name: string;
  config: { name: string; layers: LayerJson[]; input_layers: unknown[]; output_layers: Array<[string, number, number]> };
}

/**
 * An inference-only copy of a flat model in which every conv → batch norm → ReLU block is one Conv2D with a
 * bias and a fused ReLU (w' = w·γ/√(σ²+ε), b' = β + (b − μ)·γ/√(σ²+ε)), named like the block, so taps resolve
 * the same. Feature extraction then runs one fused kernel per block instead of three. Never train the copy:
 * batch norm is gone. For a Jigsaw net, fold its trunk (`jigsawTrunk(model)`).
 */
export async function foldBatchNorm(model: tf.LayersModel): Promise<tf.LayersModel> {
  const json = model.toJSON(null, false) as unknown as ModelJson;
  const byName = new Map(json.config.layers.map((layer) => [layer.name, layer]));
  if (json.config.layers.some((layer) => layer.class_name === 'Model' || layer.class_name === 'Functional' || layer.class_name === 'TimeDistributed' || layer.class_name === 'KtlabPerTile')) {
    throw new Error(`foldBatchNorm: model '${model.name}' has nested models; fold them (e.g. jigsawTrunk(model)) instead`);
  }
  const consumers = (name: string) => json.config.layers.filter((layer) => layer.inbound_nodes.some((node) => node.some(([source]) => source === name)));
  const soleConsumer = (name: string, className: string) => {
    const found = consumers(name);
    return found.length === 1 && found[0].class_name === className && json.config.output_layers.every(([out]) => out !== name) ? found[0] : undefined;
  };

  const removed = new Map<string, string>(); // removed layer → the conv that now produces its output
  const folds = new Map<string, string | undefined>(); // conv → its batch norm, if any
  for (const conv of json.config.layers.filter((layer) => layer.class_name === 'Conv2D' && layer.config.activation === 'linear')) {
    const bn = soleConsumer(conv.name, 'BatchNormalization');
    const relu = soleConsumer(bn?.name ?? conv.name, 'ReLU');
    if (relu && relu.config.max_value != null) continue;
    if (!bn && !relu) continue;
    folds.set(conv.name, bn?.name);
    if (bn) removed.set(bn.name, conv.name);
    if (relu) {
      removed.set(relu.name, conv.name);
      conv.config.activation = 'relu';
    }
    conv.config.use_bias = true;
  }
  const redirect = (name: string) => removed.get(name) ?? name;
  json.config.layers = json.config.layers.filter((layer) => !removed.has(layer.name));
  for (const layer of json.config.layers) {
    layer.inbound_nodes = layer.inbound_nodes.map((node) => node.map(([source, ...rest]) => [redirect(source), ...rest] as LayerJson['inbound_nodes'][0][0]));
  }
  json.config.output_layers = json.config.output_layers.map(([name, ...rest]) => [redirect(name), ...rest]);
  json.config.name = `${json.config.name}_folded`;

  const folded = await tf.models.modelFromJSON({ modelTopology: json as unknown as tf.io.ModelJSON['modelTopology'] });
  for (const layer of folded.layers) {
    if (folds.has(layer.name)) layer.setWeights(foldedConvWeights(model.getLayer(layer.name), folds.get(layer.name), model, byName));
    else if (layer.weights.length > 0) layer.setWeights(model.getLayer(layer.name).getWeights());
  }
  return folded;
}

function foldedConvWeights(conv: tf.layers.Layer, bnName: string | undefined, model: tf.LayersModel, byName: Map<string, LayerJson>): tf.Tensor[] {
  return tf.tidy(() => {
    const [kernel, maybeBias] = conv.getWeights();
    const filters = kernel.shape[kernel.shape.length - 1];
    const bias = maybeBias ?? tf.zeros([filters]);
    if (!bnName) return [kernel.clone(), bias.clone()];
    const bn = model.getLayer(bnName);
    const config = byName.get(bnName)?.config ?? {};
    const values = new Map(bn.weights.map((w, i) => [w.originalName.split('/').pop(), bn.getWeights()[i]]));
    const gamma = values.get('gamma') ?? tf.ones([filters]);
    const beta = values.get('beta') ?? tf.zeros([filters]);
    const mean = values.get('moving_mean');
    const variance = values.get('moving_variance');
    if (!mean || !variance) throw new Error(`foldBatchNorm: '${bnName}' has no moving statistics`);
    const scale = gamma.div(variance.add(Number(config.epsilon ?? 1e-3)).sqrt());
    return [kernel.mul(scale), beta.add(bias.sub(mean).mul(scale))];
  });
}
