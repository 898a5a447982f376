import { z } from 'zod';

/** Options shared by every convolutional trunk (the conv part of a network, up to and including pool5). */
export const trunkOptionsSchema = z.strictObject({
  /** Height = width of the (square) input in pixels. Jigsaw trunks use the tile size. */
  inputSize: z.number().int().min(8).max(1024),
  /** 3 for RGB, 1 for grayscale. */
  channels: z.number().int().min(1).max(4).default(3),
  /** Scales every conv layer's width (1 = the paper's widths). Widths never drop below 4 filters. */
  widthMultiplier: z.number().positive().max(4).default(1),
  /** Conv → BatchNorm → ReLU instead of Conv(+bias) → ReLU. See README for why it is the default. */
  batchNorm: z.boolean().default(true),
  /**
   * First conv's kernel size; defaults to 5 at stride 1 and 2·stride+3 otherwise (11 at stride 4, AlexNet's).
   * Set it explicitly when a net trained at one input size must transfer to another (e.g. Jigsaw tiles → full
   * images): kernels must match, strides need not.
   */
  conv1Kernel: z.number().int().min(1).max(15).optional(),
  /** First conv's stride; defaults to clamp(floor(inputSize / 32), 1, 4) so that conv1's output stays ≈ 32×32. */
  conv1Stride: z.number().int().min(1).max(8).optional(),
  /** Makes the initial weights reproducible (see SeededInitializers). */
  seed: z.number().int().min(0).max(2_000_000).optional(),
});

export type TrunkOptionsInput = z.input<typeof trunkOptionsSchema>;
export type TrunkOptions = z.output<typeof trunkOptionsSchema>;

/** Number of filters for a layer whose full-width count is `base`. */
export function scaledWidth(base: number, widthMultiplier: number): number {
  return Math.max(4, Math.round(base * widthMultiplier));
}

/** The first conv's kernel and stride for an input size (see {@link trunkOptionsSchema}). */
export function firstConvGeometry(options: TrunkOptions): { kernelSize: number; strides: number } {
  const strides = options.conv1Stride ?? Math.min(4, Math.max(1, Math.floor(options.inputSize / 32)));
  const kernelSize = options.conv1Kernel ?? (strides === 1 ? 5 : 2 * strides + 3);
  return { kernelSize, strides };
}
