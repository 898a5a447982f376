import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ExpectedChecksum } from './checksum.js';
import { downloadArchive, type DownloadOptions } from './download-archive.js';
import { extractTar } from './extract-tar.js';

/** The dataset authors' binary release and its MD5 as published on https://www.cs.toronto.edu/~kriz/cifar.html */
export const CIFAR10_BINARY_ARCHIVE = {
  url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
  checksum: { algorithm: 'md5', hex: 'c32a1d4ab5d03f1284b67883e8d87530' } as ExpectedChecksum,
};

/** MNIST on the mirror torchvision uses (yann.lecun.com is often unreachable), with the usual MD5s. */
export const MNIST_FILES = {
  baseUrl: 'https://ossci-datasets.s3.amazonaws.com/mnist/',
  files: {
    'train-images-idx3-ubyte.gz': 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
    'train-labels-idx1-ubyte.gz': 'd53e105ee54ea40749a09fcbcd1e9432',
    't10k-images-idx3-ubyte.gz': '9fb629c4189551a2d022fa330f9573f3',
    't10k-labels-idx1-ubyte.gz': 'ec29112dd5afa0611ce80d1b7f02629c',
  } as Record<string, string>,
};

type Progress = Pick<DownloadOptions, 'onProgress'>;

/**
 * Downloads (once) and unpacks the CIFAR-10 binary release under `<cacheDir>/datasets/cifar-10-binary/`, and
 * returns that folder, ready for `{ kind: 'cifar-binary', path }`. `source` overrides URL and checksum (mirrors).
 */
export async function downloadCifar10Binary(cacheDir: string, source = CIFAR10_BINARY_ARCHIVE, options: Progress = {}): Promise<string> {
  const folder = join(cacheDir, 'datasets', 'cifar-10-binary');
  if (existsSync(join(folder, 'cifar-10-batches-bin', 'test_batch.bin'))) return folder;
  const archive = await downloadArchive(source.url, cacheDir, { checksum: source.checksum, onProgress: options.onProgress });
  await extractTar(archive, folder);
  return folder;
}

/**
 * Downloads (once) the four MNIST files to `<cacheDir>/downloads/mnist/` and returns that folder; point
 * `{ kind: 'idx', path: '<folder>/train-images-idx3-ubyte.gz' }` at it (labels are found beside the images).
 */
export async function downloadMnist(cacheDir: string, source = MNIST_FILES, options: Progress = {}): Promise<string> {
  for (const [name, md5] of Object.entries(source.files)) {
    await downloadArchive(new URL(name, source.baseUrl).href, cacheDir, {
      fileName: `mnist/${name}`,
      checksum: { algorithm: 'md5', hex: md5 },
      onProgress: options.onProgress,
    });
  }
  return join(cacheDir, 'downloads', 'mnist');
}
