import { basename } from 'node:path';
import sharp from 'sharp';
import { cacheKey } from '../cache/cache-key.js';
import { sourceFingerprint } from '../cache/source-fingerprint.js';
import { withDecodeCache } from '../cache/with-decode-cache.js';
import { decodeAll } from '../decode/decode-all.js';
import type { WorkingFormat } from '../decode/working-format.js';
import { hasImageExtension } from '../folder/image-extensions.js';
import { scanImageFolder, type ImageFolderScan } from '../folder/scan-image-folder.js';
import type { DatasetSpec } from './dataset-spec.js';
import type { ImageDataset } from './image-dataset.js';
import type { LoadOptions } from './load-options.js';

type FolderSpec = Extract<DatasetSpec, { kind: 'folder' }>;

/** The shorter (oriented) side of the first image whose header reads, in id order. */
async function naturalSize(scan: ImageFolderScan): Promise<number | undefined> {
  for (const image of scan.images) {
    if (image.byteSize === 0) continue;
    try {
      const meta = await sharp(image.absolutePath).metadata();
      const { width, height } = meta.autoOrient ?? meta;
      if (width && height) return Math.min(width, height);
    } catch {
      // Unreadable; the decode pass reports it.
    }
  }
  return undefined;
}

/**
 * Names only files that look like images (they failed to decode) and counts the rest: the folder may not be a
 * dataset at all (a mistyped path, `/etc`), and the error is shown to whoever launched the run, so it must not
 * list what such a folder holds.
 */
function noImagesError(root: string, scan: ImageFolderScan, skipped: ImageDataset['skipped']): Error {
  const images = skipped.filter((s) => hasImageExtension(s.file));
  const examples = images
    .slice(0, 5)
    .map((s) => `  ${s.file}: ${s.reason}`)
    .join('\n');
  const seen = scan.images.length + scan.skipped.length;
  const others = skipped.length - images.length;
  return new Error(
    `dataset folder "${root}" has no valid image (${seen} file(s) seen, ${skipped.length} skipped` +
      (others > 0 ? `, ${others} of them not image files` : '') +
      ')' +
      (examples ? `:\n${examples}${images.length > 5 ? `\n  … and ${images.length - 5} more` : ''}` : ''),
  );
}

/** Scans, decodes (or reads from the cache) an image folder. */
export async function loadFolderDataset(spec: FolderSpec, root: string, options: LoadOptions): Promise<ImageDataset> {
  options.onProgress?.({ phase: 'scan', done: 0, total: 1 });
  const scan = await scanImageFolder(root, spec.labels);
  options.onProgress?.({ phase: 'scan', done: 1, total: 1 });
  const stamps = [...scan.images, ...scan.skipped.map((s) => ({ id: `skipped:${s.file}`, byteSize: 0, mtimeMs: 0 }))];
  const channels = spec.channels ?? 3;
  const key = cacheKey({ kind: 'folder', root: scan.root, labels: spec.labels, size: spec.size, channels, resize: spec.resize });

  return withDecodeCache(
    { name: basename(scan.root), key, fingerprint: sourceFingerprint(stamps), description: `image folder "${scan.root}"` },
    options,
    async () => {
      const size = spec.size ?? (await naturalSize(scan));
      if (size === undefined) {
        const unreadable = scan.images.map((image) => ({ file: image.id, reason: 'image header cannot be read' }));
        throw noImagesError(scan.root, scan, [...scan.skipped, ...unreadable]);
      }
      const format: WorkingFormat = { size, channels, resize: spec.resize };
      const jobs = scan.images.map((image) => ({ id: image.id, input: image.absolutePath, byteSize: image.byteSize }));
      const decoded = await decodeAll(jobs, format, {
        concurrency: options.concurrency,
        onProgress: (done, total) => options.onProgress?.({ phase: 'decode', done, total }),
      });
      const kept = decoded.kept.map((index) => scan.images[index]);
      const skipped = [...scan.skipped, ...decoded.skipped].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
      // Thrown inside the build so that an all-broken folder is never cached as an empty dataset.
      if (kept.length === 0) throw noImagesError(scan.root, scan, skipped);
      return {
        count: kept.length,
        size,
        channels,
        images: decoded.pixels,
        labels: scan.classes ? Int32Array.from(kept, (image) => image.label ?? -1) : undefined,
        classes: scan.classes,
        ids: kept.map((image) => image.id),
        skipped,
        loadedFrom: 'source' as const,
      };
    },
  );
}
