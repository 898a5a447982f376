/** An axis-aligned box in pixels, COCO convention: (x, y) is the top-left corner, w and h the extent. */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Intersection over union of two boxes, areas as w·h (COCO's convention, no +1); 0 when either is empty. */
export function boxIoU(a: Box, b: Box): number {
  const iw = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const ih = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  if (iw <= 0 || ih <= 0) return 0;
  const intersection = iw * ih;
  const union = a.w * a.h + b.w * b.h - intersection;
  return union > 0 ? intersection / union : 0;
}
