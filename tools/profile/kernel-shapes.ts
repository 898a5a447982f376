/**
 * Times each convolution shape of the pipeline's nets on every CPU engine ktlab-wasm has, in one process:
 * `npx tsx tools/profile/kernel-shapes.ts [--nets alexnet,jigsaw,…] [--engines wasm,openblas,onednn,…] [--repeats 5]`.
 *
 * The shapes are read from the nets the train bench builds (tools/bench/support/pipeline-nets.ts: the layers'
 * input shapes, filters, strides and padding, at the pipeline's batch; a Jigsaw trunk runs over batch × tiles).
 * For each shape and pass (forward Conv2D, input gradient, filter gradient; the first layer has no input
 * gradient in training) the engines take turns call by call, so a load swing on a shared machine hits them all;
 * prints the median ms of each, GFLOP/s, the fastest and the implementation oneDNN chose; then the dense layers'
 * products on wasm and OpenBLAS. Engines: `wasm` (ktlab's own kernels), `openblas`
 * (im2col + GEMM), `onednn` (oneDNN, its default layout), `onednn-plain` / `onednn-weights-any` / `onednn-any`
 * (oneDNN with that layout; see native/onednn.ts). Absent libraries are reported and their engines dropped.
 */
import * as tf from '@tensorflow/tfjs';
import { Command } from 'commander';
import { loadavg } from 'node:os';
import { pino } from 'pino';
import { z } from 'zod';
import { leafLayers, modelsWithin } from '@ktlab/models';
import {
  convGeometry,
  describeCpuHost,
  ktlabWasmRuntime,
  loadOneDnn,
  loadOpenBlas,
  selectBackend,
  withConvEngine,
  type NativeGemm,
  type OneDnn,
  type OneDnnLayout,
} from '@ktlab/tf-backend';
import { buildPipelineNet, PIPELINE_NET_NAMES, type PipelineNetName } from '../bench/support/pipeline-nets.js';
import { median } from '../bench/support/statistics';
import { listOption } from './list-option';

const ENGINES = ['wasm', 'openblas', 'onednn', 'onednn-plain', 'onednn-weights-any', 'onednn-any'] as const;
type Engine = (typeof ENGINES)[number];


const options = z
  .object({ nets: listOption(PIPELINE_NET_NAMES), engines: listOption(ENGINES), repeats: z.coerce.number().int().positive() })
  .parse(
    new Command()
      .option('--nets <list>', PIPELINE_NET_NAMES.join(','), PIPELINE_NET_NAMES.join(','))
      .option('--engines <list>', ENGINES.join(','), 'wasm,openblas,onednn')
      .option('--repeats <n>', 'timed calls per engine, pass and shape', '5')
      .parse()
      .opts(),
  );

await selectBackend({ prefer: 'ktlab-wasm' }, pino({ level: 'silent' }));
const threads = ktlabWasmRuntime()?.threads ?? 1;
let gemm: NativeGemm | undefined;
let dnn: OneDnn | undefined;
const engines: Engine[] = [];
for (const engine of options.engines) {
  try {
    if (engine === 'openblas') gemm ??= await loadOpenBlas(threads);
    if (engine.startsWith('onednn')) dnn ??= await loadOneDnn(threads);
    engines.push(engine);
  } catch (error) {
    console.log(`${engine}: not measured (${(error as Error).message})`);
  }
}

interface DenseShape {
  batch: number;
  inputs: number;
  units: number;
  where: string[];
}

interface ConvShape {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number;
  pad: 'same' | 'valid';
  first: boolean;
  where: string[];
}

/** The distinct conv and dense shapes of the nets (a shape two nets share is timed once). */
function layerShapes(names: PipelineNetName[]): { convs: ConvShape[]; dense: DenseShape[] } {
  const shapes = new Map<string, ConvShape>();
  const dense = new Map<string, DenseShape>();
  for (const name of names) {
    const net = buildPipelineNet(name);
    const models = modelsWithin(net.model);
    const tiles = models.length > 1 ? (net.model.inputs[0].shape[1] as number) : 1;
    const nested = new Set(models.slice(1).flatMap((inner) => inner.layers));
    let first = true;
    for (const layer of leafLayers(net.model)) {
      if (layer.getClassName() === 'Dense') {
        const [inputs, units] = layer.weights[0].shape as [number, number];
        const batch = net.batch * (nested.has(layer) ? tiles : 1);
        const key = `${batch},${inputs},${units}`;
        const seen = dense.get(key);
        if (seen) seen.where.push(`${name}/${layer.name}`);
        else dense.set(key, { batch, inputs, units, where: [`${name}/${layer.name}`] });
      }
      if (layer.getClassName() !== 'Conv2D') continue;
      const config = layer.getConfig() as { strides: number[]; padding: string };
      const input = (layer.getInputAt(0) as tf.SymbolicTensor).shape.slice(-3) as number[];
      const kernel = layer.weights[0].shape as [number, number, number, number];
      const batch = net.batch * (nested.has(layer) ? tiles : 1);
      const shape: ConvShape = {
        x: [batch, input[0], input[1], input[2]],
        filter: kernel,
        stride: config.strides[0],
        pad: config.padding === 'same' ? 'same' : 'valid',
        first,
        where: [`${name}/${layer.name}`],
      };
      first = false;
      const key = JSON.stringify([shape.x, shape.filter, shape.stride, shape.pad, shape.first]);
      const seen = shapes.get(key);
      if (seen) seen.where.push(...shape.where);
      else shapes.set(key, shape);
    }
    net.model.dispose();
  }
  return { convs: [...shapes.values()], dense: [...dense.values()] };
}

/** Median ms per engine of `run`, the engines taking turns call by call after one warm-up call each. */
async function alternate(run: () => tf.Tensor, on: Engine[]): Promise<number[]> {
  for (const engine of on) await timeOnce(engine, run); // warm-up: builds oneDNN's primitives
  const times = on.map(() => [] as number[]);
  for (let r = 0; r < options.repeats; r++) {
    for (const [i, engine] of on.entries()) times[i].push(await timeOnce(engine, run));
  }
  return times.map(median);
}

/** The shape as oneDNN is handed it (tfjs's padding arithmetic). */
function geometry(shape: ConvShape) {
  return convGeometry(tf.backend_util.computeConv2DInfo(shape.x, shape.filter, shape.stride, 1, shape.pad));
}

const passes = ['forward', 'backward-data', 'backward-weights'] as const;
type Pass = (typeof passes)[number];

function call(pass: Pass, shape: ConvShape, x: tf.Tensor4D, filter: tf.Tensor4D, dy: tf.Tensor4D): tf.Tensor {
  const attrs = { strides: [shape.stride, shape.stride], pad: shape.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, dilations: [1, 1] };
  if (pass === 'forward') return tf.engine().runKernel('Conv2D', { x, filter }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  if (pass === 'backward-data') return tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape: shape.x } as unknown as tf.NamedAttrMap) as tf.Tensor;
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: shape.filter } as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/** oneDNN with the layout an engine name asks for. */
function oneDnnOf(engine: Engine): OneDnn | undefined {
  if (!dnn || !engine.startsWith('onednn')) return undefined;
  return engine === 'onednn' ? dnn : dnn.withLayout(engine.slice('onednn-'.length) as OneDnnLayout);
}

/** ms of one call of `run` on `engine` (the kernels are synchronous: wall time is their cost); 'wasm' has no GEMM either. */
async function timeOnce(engine: Engine, run: () => tf.Tensor): Promise<number> {
  const convEngine = engine === 'wasm' ? 'wasm' : engine === 'openblas' ? 'openblas' : 'onednn';
  const libraries = engine === 'wasm' ? {} : { gemm, dnn: oneDnnOf(engine) };
  return withConvEngine(convEngine, libraries, async () => {
    const started = performance.now();
    const result = run();
    const ms = performance.now() - started;
    result.dispose();
    return ms;
  });
}

const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`${describeCpuHost()}; ${threads} threads; ${options.repeats} alternating calls per engine, medians in ms`);
console.log(`oneDNN ${dnn ? `${dnn.version}, ISA ${dnn.isa}` : 'not loaded'}; OpenBLAS ${gemm ? gemm.coreType : 'not loaded'}; load ${load()}`);
console.log(`${'shape'.padEnd(44)}${'pass'.padEnd(18)}${engines.map((e) => e.padStart(20)).join('')}  fastest${dnn ? '  (oneDNN implementation)' : ''}`);
const { convs, dense } = layerShapes(options.nets);
for (const shape of convs) {
  const x = tf.randomNormal(shape.x) as tf.Tensor4D;
  const filter = tf.randomNormal(shape.filter, 0, 0.1) as tf.Tensor4D;
  const y = tf.conv2d(x, filter, shape.stride, shape.pad);
  const dy = tf.randomNormal(y.shape) as tf.Tensor4D;
  const flops = 2 * y.size * shape.filter[0] * shape.filter[1] * shape.filter[2];
  const label = `${shape.x.join('×')} ${shape.filter[0]}×${shape.filter[1]} ${shape.filter[2]}→${shape.filter[3]} /${shape.stride} ${shape.pad}`;
  for (const pass of passes) {
    if (pass === 'backward-data' && shape.first) continue;
    const medians = await alternate(() => call(pass, shape, x, filter, dy), engines);
    const best = engines[medians.indexOf(Math.min(...medians))];
    const cells = medians.map((ms) => `${ms.toFixed(1)} (${(flops / ms / 1e6).toFixed(0)})`.padStart(20)).join('');
    const layouts = engines.map(oneDnnOf).filter((d) => d !== undefined);
    const implementation = layouts.length ? `  ${layouts.map((d) => d.implementation(pass, geometry(shape))).join(' / ')}` : '';
    console.log(`${label.padEnd(44)}${pass.padEnd(18)}${cells}  ${best}${implementation}`);
  }
  console.log(`${''.padEnd(44)}in ${shape.where.join(', ')}`);
  tf.dispose([x, filter, y, dy]);
}
// Dense layers: matrix products run on OpenBLAS whichever engine runs the convolutions.
const productEngines = engines.filter((e) => e === 'wasm' || e === 'openblas');
if (dense.length && productEngines.length) console.log(`\ndense layers (matrix products)${''.padEnd(27)}${productEngines.map((e) => e.padStart(20)).join('')}`);
for (const shape of productEngines.length ? dense : []) {
  const x = tf.randomNormal([shape.batch, shape.inputs]);
  const w = tf.randomNormal([shape.inputs, shape.units]);
  const dy = tf.randomNormal([shape.batch, shape.units]);
  const flops = 2 * shape.batch * shape.inputs * shape.units;
  const products: [string, () => tf.Tensor][] = [
    ['x·w', () => tf.matMul(x, w)],
    ['dy·wᵀ', () => tf.matMul(dy, w, false, true)],
    ['xᵀ·dy', () => tf.matMul(x, dy, true, false)],
  ];
  for (const [name, run] of products) {
    const medians = await alternate(run, productEngines);
    const cells = medians.map((ms) => `${ms.toFixed(1)} (${(flops / ms / 1e6).toFixed(0)})`.padStart(20)).join('');
    console.log(`${`${shape.batch}×${shape.inputs} · ${shape.inputs}×${shape.units}`.padEnd(44)}${name.padEnd(18)}${cells}`);
  }
  console.log(`${''.padEnd(44)}in ${shape.where.join(', ')}`);
  tf.dispose([x, w, dy]);
}
console.log(`load at the end ${load()}; cells: median ms (GFLOP/s)`);
process.exit(0);
