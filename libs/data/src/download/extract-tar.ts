import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createGunzip } from 'node:zlib';
import { resolveInside } from '../paths/resolve-inside.js';

const BLOCK = 512;

/** Pulls exact byte counts out of a stream of chunks. */
class ChunkReader {
  private buffered: Buffer[] = [];
  private available = 0;
  private done = false;
  constructor(private readonly source: AsyncIterator<Buffer>) {}

  private async fill(wanted: number): Promise<void> {
    while (this.available < wanted && !this.done) {
      const next = await this.source.next();
      if (next.done) this.done = true;
      else {
        this.buffered.push(next.value);
        this.available += next.value.length;
      }
    }
  }

  /** Up to `max` bytes (at least one unless the stream ended). */
  async readUpTo(max: number): Promise<Buffer> {
    await this.fill(1);
    const all = this.buffered.length === 1 ? this.buffered[0] : Buffer.concat(this.buffered);
    const out = all.subarray(0, Math.min(max, all.length));
    const rest = all.subarray(out.length);
    this.buffered = rest.length ? [rest] : [];
    this.available = rest.length;
    return out;
  }

  async skip(count: number, what: string): Promise<void> {
    for (let left = count; left > 0; ) {
      const chunk = await this.readUpTo(left);
      if (chunk.length === 0) throw new Error(`tar archive is truncated inside ${what}`);
      left -= chunk.length;
    }
  }

  async readExactly(count: number, what: string): Promise<Buffer> {
    await this.fill(count);
    if (this.available < count) throw new Error(`tar archive is truncated inside ${what}`);
    return this.readUpTo(count);
  }
}

const text = (block: Buffer, start: number, length: number) => {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end < 0 ? field.length : end).toString('utf8');
};

/** Numeric header field: octal text, or GNU base-256 when the top bit of the first byte is set. */
function numberField(block: Buffer, start: number, length: number): number {
  if (block[start] & 0x80) {
    let value = block[start] & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + block[start + i];
    return value;
  }
  const digits = text(block, start, length).trim();
  return digits ? parseInt(digits, 8) : 0;
}

/** `path=…` from a pax extended header body ("<length> <key>=<value>\n" records). */
function paxPath(body: Buffer): string | undefined {
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    if (space < 0) break;
    const length = parseInt(body.subarray(at, space).toString('ascii'), 10);
    if (!(length > 0)) break;
    const record = body.subarray(space + 1, at + length - 1).toString('utf8');
    if (record.startsWith('path=')) return record.slice(5);
    at += length;
  }
  return undefined;
}

export interface ExtractedEntry {
  path: string;
  bytes: number;
}

/**
 * Extracts a `.tar` or `.tar.gz` archive (ustar, pax and GNU long names) into `destination`, which must not
 * exist yet: entries go to a temporary sibling folder renamed into place at the end. Only regular files and
 * folders are written; links and devices are skipped. An entry path leaving the destination aborts the extraction.
 */
export async function extractTar(archivePath: string, destination: string): Promise<ExtractedEntry[]> {
  if (existsSync(destination)) throw new Error(`extraction target "${destination}" already exists`);
  const staging = `${destination}.${randomBytes(4).toString('hex')}.partial`;
  mkdirSync(staging, { recursive: true });
  const head = Buffer.alloc(2);
  const probe = await open(archivePath, 'r');
  await probe.read(head, 0, 2, 0);
  await probe.close();
  const raw = createReadStream(archivePath);
  const stream = head[0] === 0x1f && head[1] === 0x8b ? raw.pipe(createGunzip()) : raw;
  const reader = new ChunkReader(stream[Symbol.asyncIterator]());
  const entries: ExtractedEntry[] = [];
  try {
    let pendingName: string | undefined;
    for (;;) {
      const header = await reader.readExactly(BLOCK, 'a header');
      if (header.every((byte) => byte === 0)) break;
      const size = numberField(header, 124, 12);
      const type = String.fromCharCode(header[156] || 0x30);
      const prefix = text(header, 257, 6).startsWith('ustar') ? text(header, 345, 155) : '';
      const name = pendingName ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
      const padded = Math.ceil(size / BLOCK) * BLOCK;

      if (type === 'L' || type === 'x') {
        const body = await reader.readExactly(padded, `the metadata of "${name}"`);
        pendingName = type === 'L' ? text(body, 0, size) : (paxPath(body.subarray(0, size)) ?? pendingName);
        continue;
      }
      pendingName = undefined;
      const inside = name.replace(/^\.\/+/, '');
      const writable = type === '0' || type === '7' || type === '5';
      const target = writable && inside ? resolveInside(staging, inside) : undefined;
      if (type === '5' && target) mkdirSync(target, { recursive: true });
      if ((type === '0' || type === '7') && target) {
        mkdirSync(dirname(target), { recursive: true });
        const file = await open(target, 'w');
        try {
          for (let left = size; left > 0; ) {
            const chunk = await reader.readUpTo(left);
            if (chunk.length === 0) throw new Error(`tar archive is truncated inside "${name}"`);
            await file.write(chunk);
            left -= chunk.length;
          }
        } finally {
          await file.close();
        }
        await reader.skip(padded - size, `the padding of "${name}"`);
        entries.push({ path: inside, bytes: size });
      } else {
        await reader.skip(padded, `"${name}"`);
      }
    }
    await rename(staging, destination);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  } finally {
    raw.destroy();
  }
  return entries;
}
