import { open, readFile, rename, rm, writeFile, type FileHandle } from 'node:fs/promises';

/**
 * Feature files are NumPy `.npy` arrays — float32, little-endian, C order, shape (rows, dims) — so Python
 * (`numpy.load`), faiss and libs/kmeans read them as they are. Metadata (layer, grid, dataset…) goes to a
 * JSON sidecar at `<path>.json`.
 *
 * Rows are streamed: the header is written with a fixed 128-byte size (space padding is legal in .npy) and
 * rewritten with the final row count on close, so nothing is buffered or copied.
 */
const MAGIC = '\x93NUMPY';
const HEADER_BYTES = 128;

export interface FeatureFileHeader {
  rows: number;
  dims: number;
  /** The sidecar's contents ({} when there is none). */
  meta: Record<string, unknown>;
  /** Byte offset of the first float. */
  dataOffset: number;
}

/** Where a feature file's metadata lives. */
export function featureMetaPath(path: string): string {
  return `${path}.json`;
}

function npyHeader(rows: number, dims: number): Buffer {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${dims}), }`;
  const header = Buffer.alloc(HEADER_BYTES, 0x20);
  header.write(MAGIC, 0, 'latin1');
  header[6] = 1;
  header[7] = 0;
  header.writeUInt16LE(HEADER_BYTES - 10, 8);
  header.write(dict, 10, 'latin1');
  header[HEADER_BYTES - 1] = 0x0a;
  return header;
}

/** Appends feature rows to `<path>.tmp-*`; `close()` writes the row count and renames it (and its sidecar) into place. */
export class FeatureFileWriter {
  private rows = 0;
  private position = HEADER_BYTES;
  private closed = false;

  private constructor(
    private readonly file: FileHandle,
    private readonly path: string,
    private readonly tempPath: string,
    readonly dims: number,
    private readonly meta: Record<string, unknown>,
  ) {}

  static async create(path: string, dims: number, meta: Record<string, unknown> = {}): Promise<FeatureFileWriter> {
    if (!Number.isInteger(dims) || dims < 1) throw new Error(`FeatureFileWriter: dims must be a positive integer, got ${dims}`);
    const tempPath = `${path}.tmp-${process.pid}-${Date.now().toString(36)}`;
    const file = await open(tempPath, 'w');
    await file.write(npyHeader(0, dims), 0, HEADER_BYTES, 0);
    return new FeatureFileWriter(file, path, tempPath, dims, meta);
  }

  /** Appends rows (a multiple of dims floats). */
  async append(rows: Float32Array): Promise<void> {
    if (this.closed) throw new Error(`FeatureFileWriter: ${this.path} is already closed`);
    if (rows.length % this.dims !== 0) throw new Error(`FeatureFileWriter: got ${rows.length} floats, not a multiple of dims ${this.dims}`);
    const bytes = littleEndianBytes(rows);
    await this.file.write(bytes, 0, bytes.length, this.position);
    this.position += bytes.length;
    this.rows += rows.length / this.dims;
  }

  /** Writes the row count and metadata, flushes and moves the file into place. Returns the rows written. */
  async close(): Promise<number> {
    if (this.closed) return this.rows;
    this.closed = true;
    await this.file.write(npyHeader(this.rows, this.dims), 0, HEADER_BYTES, 0);
    await this.file.sync();
    await this.file.close();
    const metaTemp = `${this.tempPath}.json`;
    await writeFile(metaTemp, JSON.stringify({ ...this.meta, rows: this.rows, dims: this.dims }, null, 2));
    await rename(metaTemp, featureMetaPath(this.path));
    await rename(this.tempPath, this.path);
    return this.rows;
  }

  /** Abandons the file (e.g. after an error): nothing appears at `path`. */
  async abort(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.file.close();
    }
    await rm(this.tempPath, { force: true });
  }
}

/** Random access to the rows of a 2-D float32 `.npy` file (ours or NumPy's) without reading it all. */
export class FeatureFileReader {
  private constructor(private readonly file: FileHandle, readonly header: FeatureFileHeader, private readonly path: string) {}

  static async open(path: string): Promise<FeatureFileReader> {
    const file = await open(path, 'r');
    try {
      const header = await readHeader(file, path);
      const meta = await readFile(featureMetaPath(path), 'utf8').then(
        (text) => JSON.parse(text) as Record<string, unknown>,
        () => ({}),
      );
      return new FeatureFileReader(file, { ...header, meta }, path);
    } catch (error) {
      await file.close();
      throw error;
    }
  }

  /** Rows `start … start+count-1` as count × dims floats. */
  async readRows(start: number, count: number): Promise<Float32Array> {
    const { rows, dims, dataOffset } = this.header;
    if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > rows) {
      throw new Error(`${this.path}: cannot read rows ${start}…${start + count - 1} of ${rows}`);
    }
    const bytes = Buffer.alloc(count * dims * 4);
    await this.file.read(bytes, 0, bytes.length, dataOffset + start * dims * 4);
    return floatsFromLittleEndian(bytes);
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}

/** The whole matrix of a feature file. */
export async function readFeatureFile(path: string): Promise<FeatureFileHeader & { data: Float32Array }> {
  const reader = await FeatureFileReader.open(path);
  try {
    return { ...reader.header, data: await reader.readRows(0, reader.header.rows) };
  } finally {
    await reader.close();
  }
}

async function readHeader(file: FileHandle, path: string): Promise<{ rows: number; dims: number; dataOffset: number }> {
  const fail = (why: string): never => {
    throw new Error(`${path} is not a 2-D float32 .npy feature file: ${why}`);
  };
  const prefix = Buffer.alloc(12);
  const { bytesRead } = await file.read(prefix, 0, 12, 0);
  if (bytesRead < 10 || prefix.toString('latin1', 0, 6) !== MAGIC) fail('bad magic');
  const major = prefix[6];
  const lengthBytes = major === 1 ? 2 : major === 2 || major === 3 ? 4 : fail(`unsupported .npy version ${major}`);
  const headerLength = lengthBytes === 2 ? prefix.readUInt16LE(8) : prefix.readUInt32LE(8);
  const dataOffset = 8 + lengthBytes + headerLength;
  const dictBytes = Buffer.alloc(headerLength);
  await file.read(dictBytes, 0, headerLength, 8 + lengthBytes);
  const dict = dictBytes.toString('latin1');
  if (!/'descr'\s*:\s*'<f4'/.test(dict)) fail(`dtype is not little-endian float32 (header ${dict.trim()})`);
  if (!/'fortran_order'\s*:\s*False/.test(dict)) fail('Fortran order is not supported');
  const shape = /'shape'\s*:\s*\(\s*(\d+)\s*,\s*(\d+)\s*,?\s*\)/.exec(dict) ?? fail(`shape is not (rows, dims) (header ${dict.trim()})`);
  const rows = Number(shape[1]);
  const dims = Number(shape[2]);
  const { size } = await file.stat();
  if (size < dataOffset + rows * dims * 4) {
    throw new Error(`${path}: header says ${rows}×${dims} floats but the file has ${size - dataOffset} data bytes (truncated or unfinished?)`);
  }
  return { rows, dims, dataOffset };
}

const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function littleEndianBytes(values: Float32Array): Uint8Array {
  if (hostIsLittleEndian) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const bytes = Buffer.alloc(values.byteLength);
  values.forEach((v, i) => bytes.writeFloatLE(v, i * 4));
  return bytes;
}

function floatsFromLittleEndian(bytes: Buffer): Float32Array {
  if (hostIsLittleEndian) {
    // A Buffer may sit at any offset of a shared pool; copy so the floats are 4-byte aligned.
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  }
  return Float32Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
}
