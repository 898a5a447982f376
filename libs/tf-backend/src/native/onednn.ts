/**
 * The host's oneDNN (Debian `libdnnl2`, the library PyTorch's CPU convolutions use), called through the koffi
 * FFI on views of the tfjs wasm heap: NHWC activations and HWIO filters are described to oneDNN as they lie
 * there, and its primitives read and write them in place.
 *
 * oneDNN's C API builds a convolution in steps — memory descriptors, an operation descriptor, a primitive
 * descriptor (oneDNN picks the implementation for this CPU and shape), a primitive — so each convolution shape
 * is built once and cached (per thread count: oneDNN's JIT kernels split the work by the thread count they are
 * created for). Where the chosen implementation wants another layout than the plain one on the heap (its
 * kernels are fastest on blocked weights), a reorder primitive converts into a native buffer (scratch shared by
 * all primitives, sized by the largest shape), or out of it after the primitive ran. Training-mode batch normalisation (forward with the batch
 * statistics, and backward) runs the same way on the NHWC activations (ops/batch-norm-training.ts).
 *
 * Threads: Debian builds oneDNN on OpenMP (libgomp); the thread count is set with `omp_set_num_threads` on the
 * calling thread (the only one that calls oneDNN). libgomp's threads spin-wait after each parallel region by
 * default, which on a 2-core machine takes a core from the wasm kernels that run next: unless OMP_WAIT_POLICY is
 * already set, it is 'passive' while the library loads (libgomp reads it once, then; the environment is
 * restored). Loading is optional: when the library, koffi or the self-test fails, `loadOneDnn` says why and
 * ktlab-wasm keeps its other kernels.
 */
import { existsSync } from 'node:fs';
import type { DirectConvGeometry } from '../kernels/direct-conv';
import { importKoffi } from './koffi';

/** A convolution as the kernels see it. */
export type OneDnnConvShape = DirectConvGeometry;

/**
 * Which tensors oneDNN may lay out its own way: 'plain' — none (every tensor used where it lies);
 * 'weights-any' — the filter (or filter gradient) goes through a reorder; 'any' — every tensor does;
 * 'by-shape' — 'any' or 'weights-any' per pass and shape (`layoutByShape`).
 */
export type OneDnnLayout = 'plain' | 'weights-any' | 'any' | 'by-shape';

/**
 * The layout 'by-shape' picks: 'any' (activations reordered into oneDNN's blocked layout and back on every call)
 * for the forward pass and the input gradient of convolutions with at least 96 input channels, where oneDNN's
 * blocked kernels beat its NHWC ones by more than the reorders cost (AlexNet-style conv2-conv5 and the Jigsaw
 * trunk's, measured in libs/tf-backend/README.md, "oneDNN"); 'weights-any' for filter gradients (about even) and
 * for convolutions on few channels (the images: conv1, where the reorder is most of the work).
 */
export function layoutByShape(pass: 'forward' | 'backward-data' | 'backward-weights', g: OneDnnConvShape): 'weights-any' | 'any' {
  return pass !== 'backward-weights' && g.inChannels >= 96 ? 'any' : 'weights-any';
}

export interface OneDnn {
  readonly library: string;
  /** "2.6.3 (OpenMP)". */
  readonly version: string;
  /** The ISA its kernels use here, e.g. "avx512_core_amx" (fp32 kernels stop at avx512_core). */
  readonly isa: string;
  readonly threads: number;
  /** y [n, oh, ow, co] = conv(x [n, h, w, ci], w [kh, kw, ci, co]) + bias, then ReLU when asked. */
  convForward(g: OneDnnConvShape, x: Float32Array, w: Float32Array, bias: Float32Array | undefined, relu: boolean, y: Float32Array, layout?: OneDnnLayout): void;
  /** dx [n, h, w, ci] from dy [n, oh, ow, co] and w [kh, kw, ci, co] (overwrites dx). */
  convBackwardData(g: OneDnnConvShape, dy: Float32Array, w: Float32Array, dx: Float32Array, layout?: OneDnnLayout): void;
  /** dw [kh, kw, ci, co] from x [n, h, w, ci] and dy [n, oh, ow, co] (overwrites dw). */
  convBackwardWeights(g: OneDnnConvShape, x: Float32Array, dy: Float32Array, dw: Float32Array, layout?: OneDnnLayout): void;
  /** The implementation oneDNN chose for a pass of a shape, e.g. "brgconv:avx512_core" (builds it if needed). */
  implementation(pass: OneDnnPass, g: OneDnnConvShape, layout?: OneDnnLayout): string;
  /**
   * Training-mode batch normalisation of x [batch, height, width, channels] over every axis but the channels:
   * y = (x − mean) / √(variance + ε) · scale + shift, with the batch's mean and (biased) variance written out.
   * `scaleShift` is [2, channels]: the scales, then the shifts.
   */
  batchNormForward(s: OneDnnBatchNormShape, epsilon: number, x: Float32Array, scaleShift: Float32Array, y: Float32Array, mean: Float32Array, variance: Float32Array): void;
  /**
   * The gradients of `batchNormForward` from dy: dx (through the batch statistics too) and diffScaleShift
   * [2, channels] (d scale, then d shift).
   */
  batchNormBackward(
    s: OneDnnBatchNormShape,
    epsilon: number,
    x: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    dy: Float32Array,
    scaleShift: Float32Array,
    dx: Float32Array,
    diffScaleShift: Float32Array,
  ): void;
  /** The implementation oneDNN chose for batch normalisation of a shape, e.g. "bnorm_jit:avx512_core". */
  batchNormImplementation(pass: 'forward' | 'backward', s: OneDnnBatchNormShape, epsilon: number): string;
  /** The layout the calls use when they name none. */
  readonly layout: OneDnnLayout;
  /** The same library (and primitive cache) with another default layout: measurements compare them. */
  withLayout(layout: OneDnnLayout): OneDnn;
}

/** A batch-normalised tensor, channels last: [batch, height, width, channels] (a 2-D [rows, channels] is [rows, 1, 1, channels]). */
export interface OneDnnBatchNormShape {
  batch: number;
  height: number;
  width: number;
  channels: number;
}

/** A forward pass with or without a fused bias and ReLU ('forward+bias+relu', 'forward+relu', …), or a gradient. */
export type OneDnnPass = 'forward' | 'forward+bias' | 'forward+relu' | 'forward+bias+relu' | 'backward-data' | 'backward-weights';

/** Where Debian and most distributions put the library; KTLAB_ONEDNN names another. */
export const ONEDNN_CANDIDATES = ['/usr/lib/x86_64-linux-gnu/libdnnl.so.2', '/usr/lib64/libdnnl.so.2', '/usr/lib/libdnnl.so.2'];

/** The apt package that provides it, named in messages and the README. */
export const ONEDNN_APT_PACKAGE = 'libdnnl2';

/** The layouts measured fastest on the shapes ktlab trains (libs/tf-backend/README.md, "oneDNN"). */
export const DEFAULT_ONEDNN_LAYOUT: OneDnnLayout = 'by-shape';

// oneDNN 2.6 C API constants (dnnl_types.h).
const DNNL_SUCCESS = 0;
const STATUS_NAMES = ['success', 'out_of_memory', 'invalid_arguments', 'unimplemented', 'iterator_ends', 'runtime_error', 'not_required'];
const ENGINE_CPU = 1;
const STREAM_DEFAULT = 1;
const F32 = 3;
const TAG_ANY = 1;
/** dnnl_a: a plain 1-D tensor (the bias). */
const TAG_A = 2;
/** dnnl_ab: a plain 2-D tensor (batch norm's scale and shift). */
const TAG_AB = 3;
const FORWARD_TRAINING = 64;
/** dnnl_backward: data and weights gradients together. */
const BACKWARD = 128;
/** dnnl_use_scaleshift (oneDNN 2.x): the [2, C] scale-and-shift argument. */
const USE_SCALESHIFT = 0x2;
const CONVOLUTION_DIRECT = 1;
const ELTWISE_RELU = 31;
const ARG_SRC = 1;
const ARG_DST = 17;
const ARG_WEIGHTS = 33;
const ARG_BIAS = 41;
const ARG_MEAN = 49;
const ARG_VARIANCE = 50;
const ARG_DIFF_SRC = 129;
const ARG_DIFF_DST = 145;
const ARG_DIFF_WEIGHTS = 161;
const QUERY_IMPL_INFO_STR = 8;
const QUERY_SRC_MD = 129;
const QUERY_DIFF_SRC_MD = 130;
const QUERY_WEIGHTS_MD = 131;
const QUERY_DIFF_WEIGHTS_MD = 132;
const QUERY_DST_MD = 133;
const QUERY_DIFF_DST_MD = 134;
/** sizeof(dnnl_memory_desc_t) is 696 and sizeof(dnnl_convolution_desc_t) 5,976 in 2.6 (the batch-norm descriptor is smaller); room to spare. */
const MEMORY_DESC_BYTES = 1024;
const OP_DESC_BYTES = 8192;
const EXEC_ARG_BYTES = 16;

const ISA_NAMES: Record<number, string> = {
  0x1: 'sse41',
  0x3: 'avx',
  0x7: 'avx2',
  0x27: 'avx512_core',
  0x67: 'avx512_core_vnni',
  0xe7: 'avx512_core_bf16',
  0x3e7: 'avx512_core_amx',
  0x407: 'avx2_vnni',
};

type Pointer = unknown;
type Func = (...args: unknown[]) => unknown;

interface KoffiModule {
  load(path: string): { func(signature: string): Func };
  struct(name: string, def: Record<string, string>): unknown;
  alloc(type: string, length: number): Pointer;
  free(pointer: Pointer): void;
  address(value: unknown): bigint;
  decode(value: unknown, type: unknown): unknown;
}

interface Api {
  koffi: KoffiModule;
  scratch: Scratch;
  engine: Pointer;
  stream: Pointer;
  memoryDescByStrides: Func;
  memoryDescByTag: Func;
  memoryDescEqual: Func;
  memoryDescSize: Func;
  forwardDesc: Func;
  backwardDataDesc: Func;
  backwardWeightsDesc: Func;
  batchNormForwardDesc: Func;
  batchNormBackwardDesc: Func;
  primitiveDescCreate: Func;
  primitiveDescQueryString: Func;
  primitiveDescQueryMd: Func;
  primitiveCreate: Func;
  reorderDescCreate: Func;
  memoryCreate: Func;
  setDataHandle: Func;
  execute: Func;
  streamWait: Func;
  attrCreate: Func;
  postOpsCreate: Func;
  postOpsAppendEltwise: Func;
  attrSetPostOps: Func;
}

function check(status: unknown, what: string): void {
  if (status !== DNNL_SUCCESS) throw new Error(`oneDNN ${what} failed: ${STATUS_NAMES[status as number] ?? `status ${String(status)}`}`);
}

/** out[0] of a `_Out_ void **` argument. */
function created(create: (out: Pointer[]) => unknown, what: string): Pointer {
  const out: Pointer[] = [null];
  check(create(out), what);
  return out[0];
}

/** A memory descriptor (a buffer the size of dnnl_memory_desc_t) for NCHW-ordered `dims` with the given strides. */
function stridedDesc(api: Api, dims: number[], strides: number[]): Buffer {
  const md = Buffer.alloc(MEMORY_DESC_BYTES);
  check(api.memoryDescByStrides(md, dims.length, BigInt64Array.from(dims.map(BigInt)), F32, BigInt64Array.from(strides.map(BigInt))), 'memory_desc_init_by_strides');
  return md;
}

function taggedDesc(api: Api, dims: number[], tag: number): Buffer {
  const md = Buffer.alloc(MEMORY_DESC_BYTES);
  check(api.memoryDescByTag(md, dims.length, BigInt64Array.from(dims.map(BigInt)), F32, tag), 'memory_desc_init_by_tag');
  return md;
}

/** One argument of a cached primitive: the heap tensor (`user`), and, when oneDNN wants another layout, a reorder through a native buffer. */
interface Argument {
  id: number;
  /** Bound to the heap view before each run. */
  user: Pointer;
  /** What the primitive reads/writes: `user`, or a native buffer in oneDNN's layout. */
  primitiveMemory: Pointer;
  /** user → native before the run (inputs) or native → user after it (outputs). */
  reorder?: { primitive: Pointer; args: Buffer; after: boolean };
  /** The native memory in oneDNN's layout, pointed at a scratch buffer before each run, and its size. */
  native?: { memory: Pointer; bytes: number };
}

interface Built {
  primitive: Pointer;
  args: Buffer;
  nargs: number;
  implementation: string;
  arguments: Argument[];
}

function execArgs(api: Api, pairs: [number, Pointer][]): Buffer {
  const args = Buffer.alloc(pairs.length * EXEC_ARG_BYTES);
  pairs.forEach(([id, memory], i) => {
    args.writeInt32LE(id, i * EXEC_ARG_BYTES);
    args.writeBigUInt64LE(api.koffi.address(memory), i * EXEC_ARG_BYTES + 8);
  });
  return args;
}

/**
 * Binds `userDesc` (the heap layout) to the primitive's layout for argument `id` (queried with `query`): the
 * same memory when they agree, else a reorder into or out of a native memory in oneDNN's layout, whose buffer is
 * the shared scratch (`Scratch`) of the argument's position, bound before each run.
 */
function bindArgument(api: Api, pd: Pointer, id: number, query: number, userDesc: Buffer, direction: 'in' | 'out', index = 0): Argument {
  const user = created((out) => api.memoryCreate(out, userDesc, api.engine, null), 'memory_create');
  const wanted = api.primitiveDescQueryMd(pd, query, index);
  if (!wanted) throw new Error(`oneDNN primitive has no memory descriptor for argument ${id}`);
  if (api.memoryDescEqual(wanted, userDesc)) return { id, user, primitiveMemory: user };
  const bytes = Math.max(64, Number(api.memoryDescSize(wanted)));
  const native = created((out) => api.memoryCreate(out, wanted, api.engine, null), 'memory_create');
  const [from, to] = direction === 'in' ? [userDesc, wanted] : [wanted, userDesc];
  const reorderPd = created((out) => api.reorderDescCreate(out, from, api.engine, to, api.engine, null), 'reorder_primitive_desc_create');
  const primitive = created((out) => api.primitiveCreate(out, reorderPd), 'primitive_create (reorder)');
  const [src, dst] = direction === 'in' ? [user, native] : [native, user];
  return {
    id,
    user,
    primitiveMemory: native,
    reorder: { primitive, args: execArgs(api, [[ARG_SRC, src], [ARG_DST, dst]]), after: direction === 'out' },
    native: { memory: native, bytes },
  };
}

/**
 * Native buffers for the reordered tensors, one per argument position, shared by every primitive: the calls run
 * one at a time and a reordered tensor lives only during its call (inputs are reordered in before it, outputs
 * out after it), so memory grows with the largest shape, not with the number of shapes and batch sizes seen.
 */
class Scratch {
  private readonly slots: { pointer: Pointer; bytes: number }[] = [];

  constructor(private readonly koffi: KoffiModule) {}

  /** A buffer of at least `bytes` for argument position `slot` (its contents are not kept between calls). */
  buffer(slot: number, bytes: number): Pointer {
    const current = this.slots[slot];
    if (current && current.bytes >= bytes) return current.pointer;
    if (current) this.koffi.free(current.pointer);
    // Rounded up to MiB so that slightly larger shapes do not reallocate.
    const size = Math.ceil(bytes / 2 ** 20) * 2 ** 20;
    const pointer = this.koffi.alloc('uint8_t', size);
    this.slots[slot] = { pointer, bytes: size };
    return pointer;
  }
}

/** An argument the primitive takes as it lies on the heap (the bias). */
function plainArgument(api: Api, id: number, desc: Buffer): Argument {
  const user = created((out) => api.memoryCreate(out, desc, api.engine, null), 'memory_create');
  return { id, user, primitiveMemory: user };
}

function implementationOf(api: Api, pd: Pointer): string {
  const out: unknown[] = [null];
  check(api.primitiveDescQueryString(pd, QUERY_IMPL_INFO_STR, 0, out), 'primitive_desc_query');
  return String(out[0]);
}

/** Descriptors of the shape's tensors as they lie on the heap, and as the primitive is asked to take them. */
function descriptors(api: Api, g: OneDnnConvShape, layout: OneDnnLayout) {
  const { batch: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co, filterHeight: kh, filterWidth: kw } = g;
  // NCHW-ordered dims with NHWC strides; OIHW-ordered weight dims with HWIO strides.
  const src = stridedDesc(api, [n, ci, h, w], [h * w * ci, 1, w * ci, ci]);
  const dst = stridedDesc(api, [n, co, oh, ow], [oh * ow * co, 1, ow * co, co]);
  const weights = stridedDesc(api, [co, ci, kh, kw], [1, co, kw * ci * co, ci * co]);
  const activationsAny = layout === 'any';
  const weightsAny = layout !== 'plain';
  return {
    src,
    dst,
    weights,
    bias: taggedDesc(api, [co], TAG_A),
    srcFor: activationsAny ? taggedDesc(api, [n, ci, h, w], TAG_ANY) : src,
    dstFor: activationsAny ? taggedDesc(api, [n, co, oh, ow], TAG_ANY) : dst,
    weightsFor: weightsAny ? taggedDesc(api, [co, ci, kh, kw], TAG_ANY) : weights,
  };
}

function convParameters(g: OneDnnConvShape) {
  // oneDNN needs (in − k + padL + padR) / stride + 1 = out; padR may be negative (a 'valid' window that skips the last rows).
  const padBottom = (g.outHeight - 1) * g.strideHeight + g.filterHeight - g.inHeight - g.padTop;
  const padRight = (g.outWidth - 1) * g.strideWidth + g.filterWidth - g.inWidth - g.padLeft;
  return {
    strides: BigInt64Array.from([BigInt(g.strideHeight), BigInt(g.strideWidth)]),
    padL: BigInt64Array.from([BigInt(g.padTop), BigInt(g.padLeft)]),
    padR: BigInt64Array.from([BigInt(padBottom), BigInt(padRight)]),
  };
}

function shapeKey(g: OneDnnConvShape): string {
  return [g.batch, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, g.outChannels, g.filterHeight, g.filterWidth, g.strideHeight, g.strideWidth, g.padTop, g.padLeft].join(',');
}

class OneDnnConvolutions implements OneDnn {
  constructor(
    private readonly api: Api,
    readonly library: string,
    readonly version: string,
    readonly isa: string,
    readonly threads: number,
    readonly layout: OneDnnLayout = DEFAULT_ONEDNN_LAYOUT,
    private readonly cache = new Map<string, Built>(),
  ) {}

  withLayout(layout: OneDnnLayout): OneDnn {
    return new OneDnnConvolutions(this.api, this.library, this.version, this.isa, this.threads, layout, this.cache);
  }

  private forwardPd(g: OneDnnConvShape, layout: OneDnnLayout, bias: boolean, relu: boolean) {
    const api = this.api;
    const d = descriptors(api, g, layout);
    const p = convParameters(g);
    const desc = Buffer.alloc(OP_DESC_BYTES);
    check(
      api.forwardDesc(desc, FORWARD_TRAINING, CONVOLUTION_DIRECT, d.srcFor, d.weightsFor, bias ? d.bias : null, d.dstFor, p.strides, p.padL, p.padR),
      'convolution_forward_desc_init',
    );
    let attr: Pointer = null;
    if (relu) {
      attr = created((out) => api.attrCreate(out), 'primitive_attr_create');
      const postOps = created((out) => api.postOpsCreate(out), 'post_ops_create');
      check(api.postOpsAppendEltwise(postOps, 1, ELTWISE_RELU, 0, 0), 'post_ops_append_eltwise');
      check(api.attrSetPostOps(attr, postOps), 'primitive_attr_set_post_ops');
    }
    const pd = created((out) => api.primitiveDescCreate(out, desc, attr, api.engine, null), 'primitive_desc_create (convolution forward)');
    return { pd, d };
  }

  private build(pass: OneDnnPass, g: OneDnnConvShape, requested: OneDnnLayout): Built {
    const layout = requested === 'by-shape' ? layoutByShape(pass.startsWith('forward') ? 'forward' : (pass as 'backward-data' | 'backward-weights'), g) : requested;
    const key = `${pass}|${layout}|${shapeKey(g)}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const api = this.api;
    let pd: Pointer;
    let args: Argument[];
    if (pass.startsWith('forward')) {
      const bias = pass.includes('+bias');
      const forward = this.forwardPd(g, layout, bias, pass.endsWith('+relu'));
      pd = forward.pd;
      const d = forward.d;
      args = [
        bindArgument(api, pd, ARG_SRC, QUERY_SRC_MD, d.src, 'in'),
        bindArgument(api, pd, ARG_WEIGHTS, QUERY_WEIGHTS_MD, d.weights, 'in'),
        ...(bias ? [plainArgument(api, ARG_BIAS, d.bias)] : []),
        bindArgument(api, pd, ARG_DST, QUERY_DST_MD, d.dst, 'out'),
      ];
    } else {
      const hint = this.forwardPd(g, layout, false, false).pd;
      const d = descriptors(api, g, layout);
      const p = convParameters(g);
      const desc = Buffer.alloc(OP_DESC_BYTES);
      if (pass === 'backward-data') {
        check(api.backwardDataDesc(desc, CONVOLUTION_DIRECT, d.srcFor, d.weightsFor, d.dstFor, p.strides, p.padL, p.padR), 'convolution_backward_data_desc_init');
        pd = created((out) => api.primitiveDescCreate(out, desc, null, api.engine, hint), 'primitive_desc_create (convolution backward data)');
        args = [
          bindArgument(api, pd, ARG_DIFF_DST, QUERY_DIFF_DST_MD, d.dst, 'in'),
          bindArgument(api, pd, ARG_WEIGHTS, QUERY_WEIGHTS_MD, d.weights, 'in'),
          bindArgument(api, pd, ARG_DIFF_SRC, QUERY_DIFF_SRC_MD, d.src, 'out'),
        ];
      } else {
        check(
          api.backwardWeightsDesc(desc, CONVOLUTION_DIRECT, d.srcFor, d.weightsFor, null, d.dstFor, p.strides, p.padL, p.padR),
          'convolution_backward_weights_desc_init',
        );
        pd = created((out) => api.primitiveDescCreate(out, desc, null, api.engine, hint), 'primitive_desc_create (convolution backward weights)');
        args = [
          bindArgument(api, pd, ARG_SRC, QUERY_SRC_MD, d.src, 'in'),
          bindArgument(api, pd, ARG_DIFF_DST, QUERY_DIFF_DST_MD, d.dst, 'in'),
          bindArgument(api, pd, ARG_DIFF_WEIGHTS, QUERY_DIFF_WEIGHTS_MD, d.weights, 'out'),
        ];
      }
    }
    return this.finish(key, pd, args);
  }

  /** The primitive of `pd` with its arguments, cached under `key`. */
  private finish(key: string, pd: Pointer, args: Argument[]): Built {
    const api = this.api;
    const primitive = created((out) => api.primitiveCreate(out, pd), 'primitive_create');
    const built: Built = {
      primitive,
      args: execArgs(api, args.map((a) => [a.id, a.primitiveMemory])),
      nargs: args.length,
      implementation: implementationOf(api, pd),
      arguments: args,
    };
    this.cache.set(key, built);
    return built;
  }

  private batchNormForwardPd(s: OneDnnBatchNormShape, epsilon: number) {
    const api = this.api;
    const { batch: n, height: h, width: w, channels: c } = s;
    // NCHW-ordered dims with NHWC strides, as for the convolutions.
    const data = stridedDesc(api, [n, c, h, w], [h * w * c, 1, w * c, c]);
    const desc = Buffer.alloc(OP_DESC_BYTES);
    check(api.batchNormForwardDesc(desc, FORWARD_TRAINING, data, epsilon, USE_SCALESHIFT), 'batch_normalization_forward_desc_init');
    const pd = created((out) => api.primitiveDescCreate(out, desc, null, api.engine, null), 'primitive_desc_create (batch normalization forward)');
    return { pd, data, statistics: taggedDesc(api, [c], TAG_A), scaleShift: taggedDesc(api, [2, c], TAG_AB) };
  }

  /** Arguments in the order of `batchNormForward`'s / `batchNormBackward`'s arrays. */
  private buildBatchNorm(pass: 'forward' | 'backward', s: OneDnnBatchNormShape, epsilon: number): Built {
    const key = `batch-norm-${pass}|${s.batch},${s.height},${s.width},${s.channels}|${epsilon}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const api = this.api;
    const forward = this.batchNormForwardPd(s, epsilon);
    if (pass === 'forward') {
      const pd = forward.pd;
      return this.finish(key, pd, [
        bindArgument(api, pd, ARG_SRC, QUERY_SRC_MD, forward.data, 'in'),
        bindArgument(api, pd, ARG_WEIGHTS, QUERY_WEIGHTS_MD, forward.scaleShift, 'in'),
        bindArgument(api, pd, ARG_DST, QUERY_DST_MD, forward.data, 'out'),
        bindArgument(api, pd, ARG_MEAN, QUERY_DST_MD, forward.statistics, 'out', 1),
        bindArgument(api, pd, ARG_VARIANCE, QUERY_DST_MD, forward.statistics, 'out', 2),
      ]);
    }
    const desc = Buffer.alloc(OP_DESC_BYTES);
    check(api.batchNormBackwardDesc(desc, BACKWARD, forward.data, forward.data, epsilon, USE_SCALESHIFT), 'batch_normalization_backward_desc_init');
    const pd = created((out) => api.primitiveDescCreate(out, desc, null, api.engine, forward.pd), 'primitive_desc_create (batch normalization backward)');
    return this.finish(key, pd, [
      bindArgument(api, pd, ARG_SRC, QUERY_SRC_MD, forward.data, 'in'),
      bindArgument(api, pd, ARG_MEAN, QUERY_SRC_MD, forward.statistics, 'in', 1),
      bindArgument(api, pd, ARG_VARIANCE, QUERY_SRC_MD, forward.statistics, 'in', 2),
      bindArgument(api, pd, ARG_DIFF_DST, QUERY_DIFF_DST_MD, forward.data, 'in'),
      bindArgument(api, pd, ARG_WEIGHTS, QUERY_WEIGHTS_MD, forward.scaleShift, 'in'),
      bindArgument(api, pd, ARG_DIFF_SRC, QUERY_DIFF_SRC_MD, forward.data, 'out'),
      bindArgument(api, pd, ARG_DIFF_WEIGHTS, QUERY_DIFF_WEIGHTS_MD, forward.scaleShift, 'out'),
    ]);
  }

  /** Binds the heap views (in `arguments` order) and runs: input reorders, the primitive, output reorders. */
  private run(built: Built, views: Float32Array[]): void {
    const api = this.api;
    built.arguments.forEach((a, i) => {
      check(api.setDataHandle(a.user, views[i]), 'memory_set_data_handle');
      if (a.native) check(api.setDataHandle(a.native.memory, api.scratch.buffer(i, a.native.bytes)), 'memory_set_data_handle (scratch)');
    });
    const reorder = (after: boolean) => {
      for (const { reorder } of built.arguments) {
        if (reorder && reorder.after === after) check(api.execute(reorder.primitive, api.stream, 2, reorder.args), 'primitive_execute (reorder)');
      }
    };
    reorder(false);
    check(api.execute(built.primitive, api.stream, built.nargs, built.args), 'primitive_execute');
    reorder(true);
    check(api.streamWait(api.stream), 'stream_wait');
  }

  convForward(g: OneDnnConvShape, x: Float32Array, w: Float32Array, bias: Float32Array | undefined, relu: boolean, y: Float32Array, layout = this.layout): void {
    const built = this.build(`forward${bias ? '+bias' : ''}${relu ? '+relu' : ''}` as OneDnnPass, g, layout);
    this.run(built, bias ? [x, w, bias, y] : [x, w, y]);
  }

  convBackwardData(g: OneDnnConvShape, dy: Float32Array, w: Float32Array, dx: Float32Array, layout = this.layout): void {
    this.run(this.build('backward-data', g, layout), [dy, w, dx]);
  }

  convBackwardWeights(g: OneDnnConvShape, x: Float32Array, dy: Float32Array, dw: Float32Array, layout = this.layout): void {
    this.run(this.build('backward-weights', g, layout), [x, dy, dw]);
  }

  implementation(pass: OneDnnPass, g: OneDnnConvShape, layout = this.layout): string {
    return this.build(pass, g, layout).implementation;
  }

  batchNormForward(s: OneDnnBatchNormShape, epsilon: number, x: Float32Array, scaleShift: Float32Array, y: Float32Array, mean: Float32Array, variance: Float32Array): void {
    this.run(this.buildBatchNorm('forward', s, epsilon), [x, scaleShift, y, mean, variance]);
  }

  batchNormBackward(
    s: OneDnnBatchNormShape,
    epsilon: number,
    x: Float32Array,
    mean: Float32Array,
    variance: Float32Array,
    dy: Float32Array,
    scaleShift: Float32Array,
    dx: Float32Array,
    diffScaleShift: Float32Array,
  ): void {
    this.run(this.buildBatchNorm('backward', s, epsilon), [x, mean, variance, dy, scaleShift, dx, diffScaleShift]);
  }

  batchNormImplementation(pass: 'forward' | 'backward', s: OneDnnBatchNormShape, epsilon: number): string {
    return this.buildBatchNorm(pass, s, epsilon).implementation;
  }
}

function findLibrary(): string {
  const explicit = process.env.KTLAB_ONEDNN;
  if (explicit) {
    if (!existsSync(explicit)) throw new Error(`KTLAB_ONEDNN=${explicit} does not exist`);
    return explicit;
  }
  const found = ONEDNN_CANDIDATES.find((path) => existsSync(path));
  if (!found) throw new Error(`oneDNN is not installed (apt-get install ${ONEDNN_APT_PACKAGE})`);
  return found;
}

/**
 * A 2×5×6×3 → 4 channel, 3×3 stride-2 'same' convolution with bias and ReLU, and its two gradients, against
 * float64 loops; then batch normalisation forward and backward.
 */
function selfTest(dnn: OneDnn): void {
  const g: OneDnnConvShape = { batch: 2, inHeight: 5, inWidth: 6, inChannels: 3, outHeight: 3, outWidth: 3, outChannels: 4, filterHeight: 3, filterWidth: 3, strideHeight: 2, strideWidth: 2, padTop: 1, padLeft: 1 };
  const x = Float32Array.from({ length: 2 * 5 * 6 * 3 }, (_, i) => Math.sin(i * 0.37));
  const w = Float32Array.from({ length: 3 * 3 * 3 * 4 }, (_, i) => Math.cos(i * 0.11) - 0.25);
  const bias = Float32Array.from([0.1, -0.2, 0.3, -0.4]);
  const dy = Float32Array.from({ length: 2 * 3 * 3 * 4 }, (_, i) => Math.sin(i * 0.7 + 1));
  const y = new Float32Array(dy.length);
  const dx = new Float32Array(x.length);
  const dw = new Float32Array(w.length);
  dnn.convForward(g, x, w, bias, true, y);
  dnn.convBackwardData(g, dy, w, dx);
  dnn.convBackwardWeights(g, x, dy, dw);
  const yRef = new Float64Array(y.length);
  const dxRef = new Float64Array(dx.length);
  const dwRef = new Float64Array(dw.length);
  for (let n = 0; n < 2; n++) {
    for (let oh = 0; oh < 3; oh++) {
      for (let ow = 0; ow < 3; ow++) {
        for (let co = 0; co < 4; co++) {
          const o = ((n * 3 + oh) * 3 + ow) * 4 + co;
          let sum = bias[co];
          for (let kh = 0; kh < 3; kh++) {
            for (let kw = 0; kw < 3; kw++) {
              const ih = oh * 2 + kh - 1;
              const iw = ow * 2 + kw - 1;
              if (ih < 0 || ih >= 5 || iw < 0 || iw >= 6) continue;
              for (let ci = 0; ci < 3; ci++) {
                const xi = ((n * 5 + ih) * 6 + iw) * 3 + ci;
                const wi = ((kh * 3 + kw) * 3 + ci) * 4 + co;
                sum += x[xi] * w[wi];
                dxRef[xi] += dy[o] * w[wi];
                dwRef[wi] += x[xi] * dy[o];
              }
            }
          }
          yRef[o] = Math.max(0, sum);
        }
      }
    }
  }
  let worst = 0;
  for (const [actual, expected] of [[y, yRef], [dx, dxRef], [dw, dwRef]] as const) {
    for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / (1 + Math.abs(expected[i])));
  }
  if (!(worst < 1e-4)) throw new Error(`oneDNN failed its self-test: relative error ${worst}`);
  const batchNorm = batchNormSelfTestError(dnn);
  if (!(batchNorm < 1e-4)) throw new Error(`oneDNN failed its batch-norm self-test: relative error ${batchNorm}`);
}

/** Batch norm of a [3, 2, 2, 5] tensor and its gradients against float64 loops: the worst relative error. */
function batchNormSelfTestError(dnn: OneDnn): number {
  const s: OneDnnBatchNormShape = { batch: 3, height: 2, width: 2, channels: 5 };
  const [rows, c, epsilon] = [12, 5, 1e-5];
  const x = Float32Array.from({ length: rows * c }, (_, i) => Math.sin(i * 0.37) * 2 + (i % c));
  const scaleShift = Float32Array.from({ length: 2 * c }, (_, i) => Math.cos(i) + 0.5);
  const dy = Float32Array.from({ length: rows * c }, (_, i) => Math.sin(i * 0.71 + 1));
  const [y, dx] = [new Float32Array(rows * c), new Float32Array(rows * c)];
  const [mean, variance, diffScaleShift] = [new Float32Array(c), new Float32Array(c), new Float32Array(2 * c)];
  dnn.batchNormForward(s, epsilon, x, scaleShift, y, mean, variance);
  dnn.batchNormBackward(s, epsilon, x, mean, variance, dy, scaleShift, dx, diffScaleShift);
  let worst = 0;
  const compare = (actual: number, expected: number) => (worst = Math.max(worst, Math.abs(actual - expected) / (1 + Math.abs(expected))));
  for (let k = 0; k < c; k++) {
    const column = Array.from({ length: rows }, (_, r) => r * c + k);
    const m = column.reduce((sum, i) => sum + x[i], 0) / rows;
    const v = column.reduce((sum, i) => sum + (x[i] - m) ** 2, 0) / rows;
    const inverse = 1 / Math.sqrt(v + epsilon);
    const normalised = (i: number) => (x[i] - m) * inverse;
    const sumDy = column.reduce((sum, i) => sum + dy[i], 0);
    const sumDyX = column.reduce((sum, i) => sum + dy[i] * normalised(i), 0);
    compare(mean[k], m);
    compare(variance[k], v);
    compare(diffScaleShift[k], sumDyX);
    compare(diffScaleShift[c + k], sumDy);
    for (const i of column) {
      compare(y[i], normalised(i) * scaleShift[k] + scaleShift[c + k]);
      compare(dx[i], ((scaleShift[k] * inverse) / rows) * (rows * dy[i] - sumDy - normalised(i) * sumDyX));
    }
  }
  return worst;
}

/**
 * Runs `body` (the library's load) with OMP_WAIT_POLICY=passive unless the environment sets it, then restores
 * the environment (processes started later, e.g. a PyTorch peer, see the machine's own setting).
 */
function withPassiveOpenMp<T>(body: () => T): T {
  if (process.env.OMP_WAIT_POLICY) return body();
  process.env.OMP_WAIT_POLICY = 'passive';
  try {
    return body();
  } finally {
    delete process.env.OMP_WAIT_POLICY;
  }
}

let loaded: Promise<OneDnn> | undefined;

/** Loads oneDNN once per process for `threads` OpenMP threads (later calls get the same library). */
export function loadOneDnn(threads: number): Promise<OneDnn> {
  loaded ??= (async () => {
    const library = findLibrary();
    const koffi = await importKoffi<KoffiModule>();
    const handle = withPassiveOpenMp(() => koffi.load(library));
    // libdnnl.so.2 links libgomp.so.1: dlopen returns the copy the loader just mapped.
    const gomp = koffi.load('libgomp.so.1');
    gomp.func('void omp_set_num_threads(int)')(threads);
    const ompThreads = Number(gomp.func('int omp_get_max_threads()')());
    const f = (signature: string) => handle.func(signature);
    const VersionStruct = koffi.struct('ktlab_dnnl_version_t', { major: 'int', minor: 'int', patch: 'int', hash: 'const char *', cpu_runtime: 'uint32_t', gpu_runtime: 'uint32_t' });
    const versionPtr = f('void *dnnl_version()')();
    const v = koffi.decode(versionPtr, VersionStruct) as { major: number; minor: number; patch: number; cpu_runtime: number };
    const runtime = { 1: 'sequential', 2: 'OpenMP', 4: 'TBB', 256: 'threadpool' }[v.cpu_runtime] ?? `runtime ${v.cpu_runtime}`;
    const api: Api = {
      koffi,
      scratch: new Scratch(koffi),
      engine: null,
      stream: null,
      memoryDescByStrides: f('int dnnl_memory_desc_init_by_strides(void *md, int ndims, const int64_t *dims, int dt, const int64_t *strides)'),
      memoryDescByTag: f('int dnnl_memory_desc_init_by_tag(void *md, int ndims, const int64_t *dims, int dt, int tag)'),
      memoryDescEqual: f('int dnnl_memory_desc_equal(const void *a, const void *b)'),
      memoryDescSize: f('size_t dnnl_memory_desc_get_size(const void *md)'),
      forwardDesc: f(
        'int dnnl_convolution_forward_desc_init(void *desc, int prop, int alg, const void *src, const void *weights, const void *bias, const void *dst, const int64_t *strides, const int64_t *padL, const int64_t *padR)',
      ),
      backwardDataDesc: f(
        'int dnnl_convolution_backward_data_desc_init(void *desc, int alg, const void *diffSrc, const void *weights, const void *diffDst, const int64_t *strides, const int64_t *padL, const int64_t *padR)',
      ),
      backwardWeightsDesc: f(
        'int dnnl_convolution_backward_weights_desc_init(void *desc, int alg, const void *src, const void *diffWeights, const void *diffBias, const void *diffDst, const int64_t *strides, const int64_t *padL, const int64_t *padR)',
      ),
      batchNormForwardDesc: f('int dnnl_batch_normalization_forward_desc_init(void *desc, int prop, const void *data, float epsilon, unsigned int flags)'),
      batchNormBackwardDesc: f(
        'int dnnl_batch_normalization_backward_desc_init(void *desc, int prop, const void *diffData, const void *data, float epsilon, unsigned int flags)',
      ),
      primitiveDescCreate: f('int dnnl_primitive_desc_create(_Out_ void **pd, const void *desc, void *attr, void *engine, void *hint)'),
      primitiveDescQueryString: f('int dnnl_primitive_desc_query(void *pd, int what, int index, _Out_ const char **result)'),
      primitiveDescQueryMd: f('void *dnnl_primitive_desc_query_md(void *pd, int what, int index)'),
      primitiveCreate: f('int dnnl_primitive_create(_Out_ void **primitive, void *pd)'),
      reorderDescCreate: f('int dnnl_reorder_primitive_desc_create(_Out_ void **pd, const void *src, void *srcEngine, const void *dst, void *dstEngine, void *attr)'),
      memoryCreate: f('int dnnl_memory_create(_Out_ void **memory, const void *md, void *engine, void *handle)'),
      setDataHandle: f('int dnnl_memory_set_data_handle(void *memory, void *handle)'),
      execute: f('int dnnl_primitive_execute(void *primitive, void *stream, int nargs, const void *args)'),
      streamWait: f('int dnnl_stream_wait(void *stream)'),
      attrCreate: f('int dnnl_primitive_attr_create(_Out_ void **attr)'),
      postOpsCreate: f('int dnnl_post_ops_create(_Out_ void **postOps)'),
      postOpsAppendEltwise: f('int dnnl_post_ops_append_eltwise(void *postOps, float scale, int alg, float alpha, float beta)'),
      attrSetPostOps: f('int dnnl_primitive_attr_set_post_ops(void *attr, void *postOps)'),
    };
    api.engine = created((out) => f('int dnnl_engine_create(_Out_ void **engine, int kind, size_t index)')(out, ENGINE_CPU, 0), 'engine_create');
    api.stream = created((out) => f('int dnnl_stream_create(_Out_ void **stream, void *engine, uint32_t flags)')(out, api.engine, STREAM_DEFAULT), 'stream_create');
    const isaCode = Number(f('int dnnl_get_effective_cpu_isa()')());
    const dnn = new OneDnnConvolutions(api, library, `${v.major}.${v.minor}.${v.patch} (${runtime})`, ISA_NAMES[isaCode] ?? `isa 0x${isaCode.toString(16)}`, ompThreads);
    selfTest(dnn);
    return dnn;
  })();
  loaded.catch(() => {
    loaded = undefined;
  });
  return loaded;
}
