/**
 * Portable checkpoints: a run's folder (stage records, their output files, epoch checkpoints) is copied to the
 * portal as `checkpoint` artifacts, so a run resumed by a worker on another machine continues from the last
 * checkpoint instead of starting over.
 *
 * Files are stored content-addressed (`ckpt-<sha256>`, in chunks below the portal's artifact size limit), so a
 * push sends only what changed; a manifest (`checkpoint-manifest.json`) maps the folder's relative paths to
 * their chunks. The caller flushes the run's metrics before each push, so the portal's checkpoint never runs
 * ahead of the metrics it has: a resumed attempt starts from that checkpoint (not from a newer local one that
 * never reached the portal) and replays every step whose points might be missing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { z } from 'zod';

export const MANIFEST_NAME = 'checkpoint-manifest.json';
/** Below the portal's 64 MiB artifact limit. */
export const CHUNK_BYTES = 32 * 1024 * 1024;

/** How checkpoint files travel: uploads as `checkpoint` artifacts, reads back only by the worker holding the run. */
export interface CheckpointTransport {
  put(runId: string, name: string, data: Uint8Array): Promise<void>;
  /** The file, or undefined when the portal has none of that name. */
  get(runId: string, name: string): Promise<Uint8Array | undefined>;
}

const safeRelativePath = z
  .string()
  .min(1)
  .refine((path) => !path.startsWith('/') && path.split('/').every((part) => part !== '' && part !== '..' && !part.startsWith('.')), {
    // The manifest comes over the network: it must not write outside the run folder.
    message: 'must stay inside the run folder',
  });
const sha = z.string().regex(/^[0-9a-f]{64}$/);

const manifestSchema = z.object({
  version: z.literal(1),
  seq: z.number().int().min(0),
  files: z.array(
    z.object({
      /** Relative to the run folder, '/'-separated. */
      path: safeRelativePath,
      bytes: z.number().int().min(0),
      sha256: sha,
      /** sha256 of each chunk, stored as artifact `ckpt-<sha256>`. */
      chunks: z.array(sha).min(1),
    }),
  ),
});
export type CheckpointManifest = z.infer<typeof manifestSchema>;
type ManifestFile = CheckpointManifest['files'][number];

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const blobName = (sha: string) => `ckpt-${sha}`;

/** Every file of the folder except hidden ones (sync state, temporary files of atomic writes). */
function listFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name.endsWith('.partial')) continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.push(relative(root, full).split(sep).join('/'));
    }
  };
  walk(root);
  return files.sort();
}

/** Bytes [offset, offset + length) of a file, read without loading the whole file (feature files can be GBs). */
function readRange(path: string, offset: number, length: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const n = readSync(fd, buffer, read, length - read, offset + read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

function parseManifest(data: Uint8Array): CheckpointManifest {
  const parsed = manifestSchema.safeParse(JSON.parse(Buffer.from(data).toString('utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`checkpoint manifest refused: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}

/** One run's checkpoint sync; `push` calls are serialized. */
export class CheckpointSync {
  /** Blobs the portal is known to have: those of the last manifest (it deletes the others). */
  private readonly onPortal = new Set<string>();
  /** sha256 of local files by path, reused while size, mtime and inode are unchanged (feature files can be large). */
  private readonly hashes = new Map<string, { size: number; mtimeMs: number; ino: number; sha256: string; chunks: string[] }>();
  private seq = 0;
  private lastPushed = '';
  private pushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly transport: CheckpointTransport,
    private readonly runId: string,
    private readonly runDir: string,
    private readonly log: (message: string) => void = () => undefined,
    private readonly chunkBytes = CHUNK_BYTES,
  ) {}

  /**
   * Makes the run folder match the portal's last checkpoint: missing or different files are downloaded,
   * files it does not list are removed. Returns 'none' (the portal has no checkpoint; the folder is left as
   * it is), 'up-to-date' (nothing differed) or 'restored'.
   */
  async restore(): Promise<'none' | 'up-to-date' | 'restored'> {
    const data = await this.transport.get(this.runId, MANIFEST_NAME);
    if (!data) return 'none';
    const manifest = parseManifest(data);
    for (const file of manifest.files) file.chunks.forEach((chunk) => this.onPortal.add(chunk));
    this.seq = manifest.seq;
    this.lastPushed = JSON.stringify(manifest.files);

    const wanted = new Set(manifest.files.map((file) => file.path));
    const stale = listFiles(this.runDir).filter((path) => !wanted.has(path));
    for (const path of stale) rmSync(join(this.runDir, path), { force: true });
    let fetched = 0;
    for (const file of manifest.files) {
      const target = join(this.runDir, file.path);
      if (existsSync(target) && this.hashOf(file.path).sha256 === file.sha256) continue;
      await this.download(file, target);
      fetched++;
    }
    if (!fetched && !stale.length) return 'up-to-date';
    this.log(`checkpoint: restored ${fetched} of ${manifest.files.length} file(s) from the portal (checkpoint ${manifest.seq}), removed ${stale.length}`);
    return 'restored';
  }

  /** Sends the folder's changed files and a new manifest; does nothing when nothing changed. */
  push(): Promise<void> {
    this.pushing = this.pushing.catch(() => undefined).then(() => this.pushNow());
    return this.pushing;
  }

  /** Fetches a file chunk by chunk into a temporary file, checks it, then renames it into place. */
  private async download(file: ManifestFile, target: string): Promise<void> {
    mkdirSync(dirname(target), { recursive: true });
    const temporary = join(dirname(target), `.${randomBytes(6).toString('hex')}.tmp`);
    const fd = openSync(temporary, 'w');
    try {
      const whole = createHash('sha256');
      let bytes = 0;
      for (const chunk of file.chunks) {
        const data = await this.transport.get(this.runId, blobName(chunk));
        if (!data) throw new Error(`checkpoint file ${file.path}: chunk ${chunk} is missing on the portal`);
        if (sha256(data) !== chunk) throw new Error(`checkpoint file ${file.path}: chunk ${chunk} is corrupt`);
        whole.update(data);
        for (let offset = 0; offset < data.byteLength; ) offset += writeSync(fd, data, offset, data.byteLength - offset);
        bytes += data.byteLength;
      }
      if (bytes !== file.bytes || whole.digest('hex') !== file.sha256) throw new Error(`checkpoint file ${file.path}: content does not match the manifest`);
      fsyncSync(fd);
      closeSync(fd);
      renameSync(temporary, target);
    } catch (error) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
      rmSync(temporary, { force: true });
      throw error;
    }
  }

  private hashOf(path: string) {
    const full = join(this.runDir, path);
    const stat = statSync(full);
    const known = this.hashes.get(path);
    if (known && known.size === stat.size && known.mtimeMs === stat.mtimeMs && known.ino === stat.ino) return known;
    const whole = createHash('sha256');
    const chunks: string[] = [];
    for (let offset = 0; offset < stat.size || chunks.length === 0; offset += this.chunkBytes) {
      const part = readRange(full, offset, Math.min(this.chunkBytes, stat.size - offset));
      whole.update(part);
      chunks.push(sha256(part));
    }
    const entry = { size: stat.size, mtimeMs: stat.mtimeMs, ino: stat.ino, sha256: whole.digest('hex'), chunks };
    this.hashes.set(path, entry);
    return entry;
  }

  private async pushNow(): Promise<void> {
    const files: ManifestFile[] = [];
    for (const path of listFiles(this.runDir)) {
      const hash = this.hashOf(path);
      files.push({ path, bytes: hash.size, sha256: hash.sha256, chunks: hash.chunks });
    }
    const listing = JSON.stringify(files);
    if (listing === this.lastPushed) return;
    let sent = 0;
    for (const file of files) {
      const missing = file.chunks.map((chunk, index) => ({ chunk, index })).filter(({ chunk }) => !this.onPortal.has(chunk));
      if (!missing.length) continue;
      for (const { chunk, index } of missing) {
        const part = readRange(join(this.runDir, file.path), index * this.chunkBytes, Math.min(this.chunkBytes, file.bytes - index * this.chunkBytes));
        // The file may have changed since it was hashed; sending bytes that do not match their name would corrupt the store.
        if (sha256(part) !== chunk) throw new Error(`checkpoint file ${file.path} changed while being sent`);
        await this.transport.put(this.runId, blobName(chunk), part);
        this.onPortal.add(chunk);
        sent++;
      }
    }
    const manifest: CheckpointManifest = { version: 1, seq: this.seq + 1, files };
    await this.transport.put(this.runId, MANIFEST_NAME, Buffer.from(JSON.stringify(manifest)));
    this.seq = manifest.seq;
    this.lastPushed = listing;
    // the portal deletes the blobs a new manifest no longer names
    this.onPortal.clear();
    for (const file of files) file.chunks.forEach((chunk) => this.onPortal.add(chunk));
    this.log(`checkpoint ${manifest.seq}: ${files.length} file(s), ${sent} new chunk(s) sent`);
  }
}
