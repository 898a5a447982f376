import { z } from 'zod';

const fractionRange = (what: string, min: number, max: number) =>
  z
    .strictObject({ min: z.number().gt(0).max(1), max: z.number().gt(0).max(1) })
    .default({ min, max })
    .refine((r) => r.min <= r.max, { message: `${what}: min must not exceed max` });

/** Which pixels of a pasted object belong to it. */
export const objectMaskSchema = z
  .discriminatedUnion('kind', [
    /** The whole pasted rectangle (CIFAR-10: objects come with their own background, there is no finer mask). */
    z.strictObject({ kind: z.literal('rectangle') }),
    /** Pixels brighter than `level` in any channel (grayscale items on black, e.g. Fashion-MNIST); the rest is not pasted. */
    z.strictObject({ kind: z.literal('threshold'), level: z.number().int().min(0).max(254).default(16) }),
  ])
  .default({ kind: 'rectangle' });

export const sceneOptionsSchema = z
  .strictObject({
    /** Canvas side in pixels (scenes are square). */
    canvasSize: z.number().int().min(16).max(1024).default(96),
    minObjects: z.number().int().min(1).max(16).default(2),
    maxObjects: z.number().int().min(1).max(16).default(4),
    /** The pasted object's longer side as a fraction of the canvas side (uniform in [min, max]). */
    objectScale: fractionRange('objectScale', 0.25, 0.55),
    /** Width/height ratio of a pasted object is log-uniform in [1/(1+j), 1+j]; 0 keeps the source's square. */
    aspectJitter: z.number().min(0).max(1).default(0.2),
    /**
     * Largest fraction of an object's pasted pixels that later objects may cover; a placement that would cover
     * more is drawn again. Keeps every object mostly visible, as VOC's annotated objects are.
     */
    maxOcclusion: z.number().min(0).max(0.9).default(0.5),
    /** The background is a square cut from another image, side = this fraction of that image, scaled to the canvas. */
    backgroundCrop: fractionRange('backgroundCrop', 0.5, 1),
    mask: objectMaskSchema,
    trainScenes: z.number().int().min(1).max(1_000_000).default(2000),
    testScenes: z.number().int().min(1).max(1_000_000).default(500),
    /** All random choices replay from it. */
    seed: z.number().int().min(0).max(2 ** 32 - 1).default(0),
  })
  .refine((o) => o.minObjects <= o.maxObjects, { message: 'minObjects must not exceed maxObjects', path: ['minObjects'] });

export type SceneOptionsInput = z.input<typeof sceneOptionsSchema>;
export type SceneOptions = z.output<typeof sceneOptionsSchema>;

/** Validates scene options; the error names every invalid field. */
export function parseSceneOptions(input: unknown): SceneOptions {
  const result = sceneOptionsSchema.safeParse(input ?? {});
  if (!result.success) throw new Error(`invalid scene options:\n${z.prettifyError(result.error)}`);
  return result.data;
}
