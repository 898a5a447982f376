import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../dataset/load-dataset.js';
import { CIFAR10_RECORD_BYTES } from '../formats/cifar-binary.js';
import { PathEscapeError } from '../paths/resolve-inside.js';
import { tarArchive } from '../testing/tar-writer.js';
import { downloadArchive } from './download-archive.js';
import { extractTar } from './extract-tar.js';
import { downloadCifar10Binary, downloadMnist } from './official-datasets.js';

const base = mkdtempSync(join(tmpdir(), 'ktlab-download-'));
const routes = new Map<string, Buffer>();
const hits = new Map<string, number>();
let server: Server;
let origin: string;

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const cifarBatch = (label: number, records: number) => {
  const bytes = Buffer.alloc(records * CIFAR10_RECORD_BYTES, 17);
  for (let r = 0; r < records; r++) bytes[r * CIFAR10_RECORD_BYTES] = label;
  return bytes;
};
const cifarArchive = gzipSync(
  tarArchive([
    { name: 'cifar-10-batches-bin/', data: new Uint8Array(0), type: '5' },
    ...[1, 2, 3, 4, 5].map((n) => ({ name: `cifar-10-batches-bin/data_batch_${n}.bin`, data: cifarBatch(n, 2) })),
    { name: 'cifar-10-batches-bin/test_batch.bin', data: cifarBatch(0, 3) },
    { name: 'cifar-10-batches-bin/readme.html', data: Buffer.from('<p>hi</p>') },
  ]),
);
const idx = (header: number[], body: number[]) => gzipSync(Buffer.from([...header, ...body]));
const mnist = {
  'train-images-idx3-ubyte.gz': idx([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2], [0, 50, 100, 150, 200, 250, 1, 2]),
  'train-labels-idx1-ubyte.gz': idx([0, 0, 8, 1, 0, 0, 0, 2], [3, 7]),
  't10k-images-idx3-ubyte.gz': idx([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2], [9, 9, 9, 9]),
  't10k-labels-idx1-ubyte.gz': idx([0, 0, 8, 1, 0, 0, 0, 1], [1]),
};

beforeAll(async () => {
  routes.set('/cifar-10-binary.tar.gz', cifarArchive);
  for (const [name, bytes] of Object.entries(mnist)) routes.set(`/mnist/${name}`, bytes);
  server = createServer((request, response) => {
    const path = request.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === '/cut-short') {
      response.writeHead(200, { 'content-length': '1000' });
      response.write(Buffer.alloc(100));
      response.destroy();
      return;
    }
    const body = routes.get(path);
    if (!body) return void response.writeHead(404).end('not here');
    response.writeHead(200, { 'content-length': String(body.length) }).end(body);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((done) => server.close(done));
  rmSync(base, { recursive: true, force: true });
});

describe('downloadArchive', () => {
  it('downloads once, verifies the checksum and reuses the verified copy', async () => {
    const cacheDir = join(base, 'once');
    const url = `${origin}/cifar-10-binary.tar.gz`;
    const before = hits.get('/cifar-10-binary.tar.gz') ?? 0;
    const progress: number[] = [];
    const path = await downloadArchive(url, cacheDir, {
      checksum: { algorithm: 'md5', hex: md5(cifarArchive) },
      onProgress: (received) => progress.push(received),
    });
    expect(path).toBe(join(cacheDir, 'downloads', 'cifar-10-binary.tar.gz'));
    expect(readFileSync(path).equals(cifarArchive)).toBe(true);
    expect(progress.at(-1)).toBe(cifarArchive.length);
    await downloadArchive(url, cacheDir, { checksum: { algorithm: 'md5', hex: md5(cifarArchive) } });
    expect(hits.get('/cifar-10-binary.tar.gz')).toBe(before + 1);
  });

  it('replaces a cached copy that no longer matches its checksum', async () => {
    const cacheDir = join(base, 'stale');
    const url = `${origin}/cifar-10-binary.tar.gz`;
    const path = await downloadArchive(url, cacheDir);
    writeFileSync(path, 'damaged');
    await downloadArchive(url, cacheDir, { checksum: { algorithm: 'sha256', hex: createHash('sha256').update(cifarArchive).digest('hex') } });
    expect(readFileSync(path).equals(cifarArchive)).toBe(true);
  });

  it('leaves nothing behind on a checksum mismatch, an HTTP error or a cut-off body', async () => {
    const cacheDir = join(base, 'failures');
    await expect(downloadArchive(`${origin}/cifar-10-binary.tar.gz`, cacheDir, { checksum: { algorithm: 'md5', hex: '0'.repeat(32) } })).rejects.toThrow(
      /has md5 [0-9a-f]{32}, expected 0{32}/,
    );
    await expect(downloadArchive(`${origin}/missing.tar.gz`, cacheDir)).rejects.toThrow(/failed: HTTP 404/);
    await expect(downloadArchive(`${origin}/cut-short`, cacheDir)).rejects.toThrow();
    expect(readdirSync(join(cacheDir, 'downloads'))).toEqual([]);
  });

  it('reports an unreachable server clearly', async () => {
    await expect(downloadArchive('http://127.0.0.1:9/x.tar.gz', join(base, 'unreachable'))).rejects.toThrow(/cannot download "http:\/\/127\.0\.0\.1:9\/x\.tar\.gz"/);
  });
});

describe('extractTar', () => {
  it('extracts regular files, pax long names and folders', async () => {
    const longName = `deep/${'n'.repeat(120)}/file.bin`;
    const archive = join(base, 'mixed.tar');
    writeFileSync(archive, tarArchive([{ name: 'a.txt', data: Buffer.from('alpha') }, { name: longName, data: Buffer.alloc(700, 3), pax: true }]));
    const destination = join(base, 'mixed');
    const entries = await extractTar(archive, destination);
    expect(entries).toEqual([
      { path: 'a.txt', bytes: 5 },
      { path: longName, bytes: 700 },
    ]);
    expect(readFileSync(join(destination, 'a.txt'), 'utf8')).toBe('alpha');
    expect(readFileSync(join(destination, longName)).equals(Buffer.alloc(700, 3))).toBe(true);
    await expect(extractTar(archive, destination)).rejects.toThrow(/already exists/);
  });

  it('refuses entries that climb out of the destination and leaves no partial folder', async () => {
    const archive = join(base, 'evil.tar');
    writeFileSync(archive, tarArchive([{ name: 'ok.txt', data: Buffer.from('x') }, { name: '../../escaped.txt', data: Buffer.from('x') }]));
    await expect(extractTar(archive, join(base, 'evil'))).rejects.toThrow(PathEscapeError);
    expect(existsSync(join(base, 'evil'))).toBe(false);
    expect(readdirSync(base).some((name) => name.startsWith('evil.') && name.endsWith('.partial'))).toBe(false);
  });

  it('reports a truncated archive', async () => {
    const archive = join(base, 'cut.tar');
    writeFileSync(archive, tarArchive([{ name: 'big.bin', data: Buffer.alloc(5000, 1) }]).subarray(0, 2048));
    await expect(extractTar(archive, join(base, 'cut'))).rejects.toThrow(/truncated inside "big\.bin"/);
  });
});

describe('official dataset downloads (against a local server)', () => {
  it('fetches and unpacks the CIFAR-10 binary archive, ready to load', async () => {
    const cacheDir = join(base, 'official');
    const folder = await downloadCifar10Binary(cacheDir, { url: `${origin}/cifar-10-binary.tar.gz`, checksum: { algorithm: 'md5', hex: md5(cifarArchive) } });
    const test = await loadDataset({ kind: 'cifar-binary', path: folder, split: 'test' });
    expect(test.count).toBe(3);
    const train = await loadDataset({ kind: 'cifar-binary', path: folder });
    expect(Array.from(train.labels!)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    const before = hits.get('/cifar-10-binary.tar.gz');
    expect(await downloadCifar10Binary(cacheDir, { url: `${origin}/cifar-10-binary.tar.gz`, checksum: { algorithm: 'md5', hex: md5(cifarArchive) } })).toBe(folder);
    expect(hits.get('/cifar-10-binary.tar.gz')).toBe(before);
  });

  it('fetches the four MNIST files, ready to load as IDX', async () => {
    const files = Object.fromEntries(Object.entries(mnist).map(([name, bytes]) => [name, md5(bytes)]));
    const folder = await downloadMnist(join(base, 'official'), { baseUrl: `${origin}/mnist/`, files });
    const train = await loadDataset({ kind: 'idx', path: join(folder, 'train-images-idx3-ubyte.gz') });
    expect(train).toMatchObject({ count: 2, size: 2, channels: 1 });
    expect(Array.from(train.labels!)).toEqual([3, 7]);
    expect(Array.from(train.images)).toEqual([0, 50, 100, 150, 200, 250, 1, 2]);
  });
});
