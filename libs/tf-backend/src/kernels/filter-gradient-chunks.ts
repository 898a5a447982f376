/**
 * How Conv2DBackpropFilter splits its reduction (over images and output rows) into chunks.
 *
 * The filter gradient is a GEMM whose reduction runs over every image and output position (e.g. 32 768 long
 * for a batch of 128 on 16×16), with dy as the GEMM's packed right-hand side. XNNPACK does not block that
 * reduction: every row tile of the output streams the whole packed dy (16 MB for that layer) from memory
 * again. Chunks whose packed dy fits in L2 (`budgetBytes`) keep that stream in cache; the partial gradients
 * are summed. A chunk keeps at least `minImages` images, the per-tap inner loop of XNNPACK's kernel.
 * Layers with few input channels (conv1 on RGB) have few output row tiles, so re-streaming dy costs little
 * there and the per-chunk overhead would dominate: they stay in one chunk (measured: 2-core Zen 4, batch 128;
 * chunking cut the other layers' CPU time by 20-30% and made conv1's worse).
 */

export interface FilterGradientGeometry {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  outHeight: number;
  outWidth: number;
  inChannels: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
}

export interface FilterGradientChunk {
  /** First image and number of images. */
  image: number;
  images: number;
  /** First output row and number of output rows. */
  outRow: number;
  outRows: number;
  /** The input rows these output rows read (clipped to the image), and the padding that completes them. */
  inRow: number;
  inRows: number;
  padTop: number;
  padBottom: number;
}

export interface FilterGradientPlan {
  chunks: FilterGradientChunk[];
  /** Input columns read (from 0; columns no output reaches are left out), and the right padding. */
  inColumns: number;
  padRight: number;
}

export const DEFAULT_CHUNK_BYTES = 1024 * 1024;
export const MIN_CHUNK_IMAGES = 32;
/** Below this many input channels a layer is not chunked. */
export const MIN_CHUNKED_IN_CHANNELS = 16;

export function planFilterGradientChunks(
  g: FilterGradientGeometry,
  budgetBytes = DEFAULT_CHUNK_BYTES,
  minImages = MIN_CHUNK_IMAGES,
  minInChannels = MIN_CHUNKED_IN_CHANNELS,
): FilterGradientPlan {
  const rowBytes = g.outWidth * g.outChannels * 4;
  const imageBytes = g.outHeight * rowBytes;
  let images = g.batchSize;
  let outRows = g.outHeight;
  if (g.inChannels >= minInChannels && imageBytes * g.batchSize > budgetBytes) {
    images = Math.min(g.batchSize, Math.max(minImages, Math.floor(budgetBytes / imageBytes)));
    outRows = Math.min(g.outHeight, Math.max(1, Math.floor(budgetBytes / (images * rowBytes))));
  }
  const lastColumn = (g.outWidth - 1) * g.strideWidth + g.filterWidth - g.padLeft; // exclusive
  const inColumns = Math.min(g.inWidth, lastColumn);
  const chunks: FilterGradientChunk[] = [];
  if (inColumns <= 0) return { chunks, inColumns: 0, padRight: 0 };
  for (let image = 0; image < g.batchSize; image += images) {
    for (let outRow = 0; outRow < g.outHeight; outRow += outRows) {
      const rows = Math.min(outRows, g.outHeight - outRow);
      const first = outRow * g.strideHeight - g.padTop;
      const end = (outRow + rows - 1) * g.strideHeight + g.filterHeight - g.padTop; // exclusive
      const inRow = Math.max(0, first);
      const inEnd = Math.min(g.inHeight, end);
      // Output rows that read only padding contribute nothing.
      if (inEnd <= inRow) continue;
      chunks.push({
        image,
        images: Math.min(images, g.batchSize - image),
        outRow,
        outRows: rows,
        inRow,
        inRows: inEnd - inRow,
        padTop: inRow - first,
        padBottom: end - inEnd,
      });
    }
  }
  return { chunks, inColumns, padRight: lastColumn - inColumns };
}
