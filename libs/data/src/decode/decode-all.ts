import type { SkippedFile } from '../folder/skipped-file.js';
import { decodeImage, type ImageInput } from './decode-image.js';
import { mapWithConcurrency } from './map-with-concurrency.js';
import type { WorkingFormat } from './working-format.js';

export interface DecodeJob {
  id: string;
  input: ImageInput;
  /** When known and 0, the file is reported as empty without asking the decoder. */
  byteSize?: number;
}

export interface DecodedImages {
  /** kept.length·S·S·C bytes, in job order. */
  pixels: Uint8Array;
  /** Indices (into the jobs) of the images that decoded, ascending. */
  kept: number[];
  skipped: SkippedFile[];
}

/** A few decodes in flight keep sharp's thread pool busy without holding many files in memory. */
export const DEFAULT_DECODE_CONCURRENCY = 8;

function reasonFor(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0].trim();
  return `cannot decode: ${firstLine || 'unknown decoder error'}`;
}

/** Decodes every job to the working format; failures are collected as skipped (id + reason), never thrown. */
export async function decodeAll(
  jobs: readonly DecodeJob[],
  format: WorkingFormat,
  options: { concurrency?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<DecodedImages> {
  const frame = format.size * format.size * format.channels;
  const pixels = new Uint8Array(jobs.length * frame);
  const failures = await mapWithConcurrency(
    jobs,
    options.concurrency ?? DEFAULT_DECODE_CONCURRENCY,
    async (job, index): Promise<string | undefined> => {
      if (job.byteSize === 0) return 'empty file (0 bytes)';
      try {
        pixels.set(await decodeImage(job.input, format), index * frame);
        return undefined;
      } catch (error) {
        return reasonFor(error);
      }
    },
    (done) => options.onProgress?.(done, jobs.length),
  );

  const kept: number[] = [];
  const skipped: SkippedFile[] = [];
  failures.forEach((reason, index) => {
    if (reason === undefined) {
      if (kept.length !== index) pixels.copyWithin(kept.length * frame, index * frame, (index + 1) * frame);
      kept.push(index);
    } else {
      skipped.push({ file: jobs[index].id, reason });
    }
  });
  const packed = kept.length === jobs.length ? pixels : pixels.slice(0, kept.length * frame);
  return { pixels: packed, kept, skipped };
}
