import { parseDocument } from 'yaml';
import { z } from 'zod';
import { decodeRle, encodeRle } from './rle.js';
import type { Scene } from './scene.js';

const count = z.number().int().min(0);
const positiveId = z.number().int().min(1);

export const cocoRleSchema = z.strictObject({
  size: z.tuple([count, count]),
  counts: z.array(count),
});

export const cocoAnnotationSchema = z.object({
  id: positiveId,
  image_id: positiveId,
  category_id: positiveId,
  /** [x, y, width, height] in pixels, top-left corner. */
  bbox: z.tuple([z.number().min(0), z.number().min(0), z.number().positive(), z.number().positive()]),
  /** Mask pixels. */
  area: z.number().min(0),
  segmentation: cocoRleSchema,
  iscrowd: z.literal(0),
});

export const cocoImageSchema = z.object({
  id: positiveId,
  /** Relative to the JSON file's folder. */
  file_name: z.string().min(1),
  width: positiveId,
  height: positiveId,
});

export const cocoCategorySchema = z.object({ id: positiveId, name: z.string().min(1), supercategory: z.string().optional() });

export const cocoDatasetSchema = z.object({
  info: z.looseObject({ description: z.string().optional() }).optional(),
  images: z.array(cocoImageSchema),
  annotations: z.array(cocoAnnotationSchema),
  categories: z.array(cocoCategorySchema).min(1),
});

export type CocoDataset = z.infer<typeof cocoDatasetSchema>;
export type CocoAnnotation = z.infer<typeof cocoAnnotationSchema>;

/** Name of scene `index`'s image (and class-map PNG) within its split folder. */
export function sceneFileName(index: number): string {
  return `${String(index + 1).padStart(6, '0')}.png`;
}

/**
 * The COCO-style description of scenes: image ids are index + 1, category ids class + 1 (0 is background in the
 * class maps), one annotation per object with its tight bbox, visible area and instance mask as uncompressed RLE.
 */
export function scenesToCoco(scenes: readonly Scene[], classes: readonly string[], info: Record<string, unknown> = {}): CocoDataset {
  let annotationId = 0;
  return {
    info: { description: 'ktlab scenes: labelled images pasted on backgrounds (issue 22)', ...info },
    images: scenes.map((scene) => ({ id: scene.index + 1, file_name: `images/${sceneFileName(scene.index)}`, width: scene.width, height: scene.height })),
    annotations: scenes.flatMap((scene) =>
      scene.objects.map((object, i) => ({
        id: ++annotationId,
        image_id: scene.index + 1,
        category_id: object.classId + 1,
        bbox: [object.box.x, object.box.y, object.box.w, object.box.h] as [number, number, number, number],
        area: object.area,
        segmentation: encodeRle(scene.instanceMap, scene.width, scene.height, i + 1),
        iscrowd: 0 as const,
      })),
    ),
    categories: classes.map((name, c) => ({ id: c + 1, name })),
  };
}

/**
 * Parses and checks a COCO-style JSON text: the schema (field-level messages), then that every annotation names an
 * existing image and category, lies inside its image, and that its RLE matches the image size and its area.
 */
export function parseCocoJson(text: string, what = 'COCO JSON'): CocoDataset {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${what} is not valid JSON${lineOf(text, error)}: ${(error as Error).message}`);
  }
  const result = cocoDatasetSchema.safeParse(json);
  if (!result.success) throw new Error(`${what} does not match the COCO layout:\n${z.prettifyError(result.error)}`);
  const dataset = result.data;
  const images = new Map(dataset.images.map((image) => [image.id, image]));
  const categories = new Set(dataset.categories.map((category) => category.id));
  for (const a of dataset.annotations) {
    const image = images.get(a.image_id);
    if (!image) throw new Error(`${what}: annotation ${a.id} names image ${a.image_id}, which is not among the images`);
    if (!categories.has(a.category_id)) throw new Error(`${what}: annotation ${a.id} names category ${a.category_id}, which is not among the categories`);
    const [x, y, w, h] = a.bbox;
    if (x + w > image.width || y + h > image.height) throw new Error(`${what}: annotation ${a.id} bbox [${a.bbox.join(', ')}] leaves its ${image.width}×${image.height} image`);
    const [rh, rw] = a.segmentation.size;
    if (rh !== image.height || rw !== image.width) throw new Error(`${what}: annotation ${a.id} mask is ${rh}×${rw}, its image ${image.height}×${image.width}`);
    let pixels: number;
    try {
      pixels = decodeRle(a.segmentation).reduce((n, bit) => n + bit, 0);
    } catch (error) {
      throw new Error(`${what}: annotation ${a.id}: ${(error as Error).message}`);
    }
    if (pixels !== a.area) throw new Error(`${what}: annotation ${a.id} has area ${a.area} but its mask has ${pixels} pixels`);
  }
  return dataset;
}

/**
 * " at line L, column C" for a JSON syntax error. V8's messages do not always carry a position, so the text is
 * parsed again with the yaml parser (YAML 1.2 reads JSON), whose errors do; V8's "at position N" is the fallback.
 */
function lineOf(text: string, error: unknown): string {
  const located = parseDocument(text).errors.find((e) => e.linePos)?.linePos?.[0];
  if (located) return ` at line ${located.line}, column ${located.col}`;
  const position = /position (\d+)/.exec(String((error as Error)?.message))?.[1];
  if (position === undefined) return '';
  return ` at line ${text.slice(0, Number(position)).split('\n').length}`;
}
