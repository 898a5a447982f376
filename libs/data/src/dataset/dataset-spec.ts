import { z } from 'zod';
import { RESIZE_METHODS } from '../decode/working-format.js';

const workingFormat = {
  /** Working size S (images become S×S). Folders default to the shorter side of their first readable image;
   *  binary formats to their native size. */
  size: z.number().int().min(1).max(4096).optional(),
  /** 3 = RGB (grey replicated), 1 = luminance. Defaults to 3, or the file's own channels for IDX. */
  channels: z.union([z.literal(1), z.literal(3)]).optional(),
  resize: z.enum(RESIZE_METHODS).default('center-crop'),
};

const path = z.string().min(1, 'dataset path must not be empty');

export const datasetSpecSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('folder'),
    /** `root/<class>/**` images (labeled) or a flat folder of images (unlabeled). */
    path,
    labels: z.enum(['auto', 'folders', 'none']).default('auto'),
    ...workingFormat,
  }),
  z.object({
    kind: z.literal('cifar-binary'),
    /** The `cifar-10-batches-bin` folder or the folder containing it. */
    path,
    split: z.enum(['train', 'test']).default('train'),
    ...workingFormat,
  }),
  z.object({
    kind: z.literal('idx'),
    /** The images file, e.g. `train-images-idx3-ubyte` or `train-images-idx3-ubyte.gz`. */
    path,
    /** The labels file; defaults to the `*-labels-idx1-ubyte[.gz]` beside the images when present. */
    labelsPath: z.string().min(1).optional(),
    ...workingFormat,
  }),
]);

/** What a user writes (defaults optional). */
export type DatasetSpecInput = z.input<typeof datasetSpecSchema>;
/** After validation (defaults filled in). */
export type DatasetSpec = z.output<typeof datasetSpecSchema>;

/** Validates a dataset spec; the error lists every problem with its field. */
export function parseDatasetSpec(input: unknown): DatasetSpec {
  const result = datasetSpecSchema.safeParse(input);
  if (!result.success) throw new Error(`invalid dataset spec:\n${z.prettifyError(result.error)}`);
  return result.data;
}
