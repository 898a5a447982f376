/**
 * How an image of any size becomes the dataset's S×S working size.
 * - `center-crop` (default): scale so the shorter side is S (Lanczos-3), then cut the centred S×S square.
 *   Keeps the aspect ratio, which matters for the jigsaw pretext: stretched objects give the net a shape cue
 *   that is an artefact of the loader, not of the world. Loses the border of the longer side.
 * - `stretch`: scale both sides to S independently (Lanczos-3). Keeps all content, distorts shapes.
 * Images already S×S are never resampled: their pixels pass through untouched.
 */
export type ResizeMethod = 'center-crop' | 'stretch';

export const RESIZE_METHODS = ['center-crop', 'stretch'] as const satisfies readonly ResizeMethod[];

/** Every image of a dataset is decoded to S×S×C uint8, NHWC, C = 3 (RGB) or 1 (luminance). */
export interface WorkingFormat {
  size: number;
  channels: 1 | 3;
  resize: ResizeMethod;
}
