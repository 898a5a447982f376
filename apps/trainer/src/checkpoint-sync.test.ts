import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointSync, MANIFEST_NAME, type CheckpointTransport } from './checkpoint-sync';

/** The portal's checkpoint store, in memory, counting what was sent. */
function memoryTransport() {
  const files = new Map<string, Uint8Array>();
  const puts: string[] = [];
  const transport: CheckpointTransport = {
    put: async (runId, name, data) => {
      puts.push(name);
      files.set(`${runId}/${name}`, new Uint8Array(data));
    },
    get: async (runId, name) => files.get(`${runId}/${name}`),
  };
  return { transport, files, puts };
}

function write(root: string, path: string, content: string | Buffer) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

const folder = () => mkdtempSync(join(tmpdir(), 'ktlab-ckpt-'));

describe('checkpoint sync', () => {
  it('sends changed files only, and a folder on another machine is restored to the last checkpoint', async () => {
    const { transport, puts } = memoryTransport();
    const a = folder();
    write(a, 'stages/features.json', '{"kind":"features"}');
    write(a, 'features/clustering.npy', Buffer.alloc(1000, 7));
    write(a, 'stages/.abc.tmp', 'half-written');
    const syncA = new CheckpointSync(transport, 'run1', a);
    await syncA.push();
    expect(puts.filter((name) => name.startsWith('ckpt-')).length).toBe(2);
    expect(puts.at(-1)).toBe(MANIFEST_NAME);

    puts.length = 0;
    await syncA.push();
    expect(puts).toEqual([]); // nothing changed, nothing sent

    write(a, 'target/checkpoint/epoch.json', '{"epochsDone":1}');
    await syncA.push();
    expect(puts).toEqual([expect.stringMatching(/^ckpt-[0-9a-f]{64}$/), MANIFEST_NAME]);

    const b = join(folder(), 'missing-run-folder');
    const syncB = new CheckpointSync(transport, 'run1', b);
    expect(await syncB.restore()).toBe('restored');
    expect(readFileSync(join(b, 'features/clustering.npy'))).toEqual(Buffer.alloc(1000, 7));
    expect(readFileSync(join(b, 'target/checkpoint/epoch.json'), 'utf8')).toBe('{"epochsDone":1}');
    expect(existsSync(join(b, 'stages/.abc.tmp'))).toBe(false);

    // B continues: its pushes build on A's checkpoint (nothing re-sent that the portal has)
    puts.length = 0;
    write(b, 'stages/kmeans.json', '{"kind":"kmeans"}');
    await syncB.push();
    expect(puts.length).toBe(2);

    // A comes back: its folder is behind B's checkpoint; it is brought up to date, stale files removed
    write(a, 'target/checkpoint/epoch-9/stale.bin', 'stale');
    expect(await new CheckpointSync(transport, 'run1', a).restore()).toBe('restored');
    expect(readFileSync(join(a, 'stages/kmeans.json'), 'utf8')).toBe('{"kind":"kmeans"}');
    expect(existsSync(join(a, 'target/checkpoint/epoch-9/stale.bin'))).toBe(false);
    // …and B's own folder is already as far as the portal
    expect(await new CheckpointSync(transport, 'run1', b).restore()).toBe('up-to-date');
    // a local checkpoint that never reached the portal (killed before its push) is rolled back to the portal's,
    // since the portal's metrics end there and the replay must start there
    write(b, 'target/checkpoint/epoch.json', '{"epochsDone":2}');
    write(b, 'target/checkpoint/epoch-2/weights.bin', 'unpushed');
    expect(await new CheckpointSync(transport, 'run1', b).restore()).toBe('restored');
    expect(readFileSync(join(b, 'target/checkpoint/epoch.json'), 'utf8')).toBe('{"epochsDone":1}');
    expect(existsSync(join(b, 'target/checkpoint/epoch-2/weights.bin'))).toBe(false);
    rmSync(a, { recursive: true, force: true });
  });

  it('splits large files into chunks and reassembles them; a changed chunk is the only one sent again', async () => {
    const { transport, puts } = memoryTransport();
    const a = folder();
    const big = Buffer.from(Array.from({ length: 2500 }, (_, i) => (i * 7) % 256));
    write(a, 'features/clustering.npy', big);
    write(a, 'empty.txt', '');
    const syncA = new CheckpointSync(transport, 'run4', a, undefined, 1000);
    await syncA.push();
    expect(puts.filter((name) => name.startsWith('ckpt-')).length).toBe(4); // 3 chunks + the empty file
    big[2100] ^= 0xff;
    write(a, 'features/clustering.npy', big);
    puts.length = 0;
    await syncA.push();
    expect(puts.length).toBe(2); // the last chunk and the manifest
    const b = folder();
    expect(await new CheckpointSync(transport, 'run4', b, undefined, 1000).restore()).toBe('restored');
    expect(readFileSync(join(b, 'features/clustering.npy'))).toEqual(big);
    expect(readFileSync(join(b, 'empty.txt'), 'utf8')).toBe('');
  });

  it('reports "none" when the portal has no checkpoint for the run', async () => {
    expect(await new CheckpointSync(memoryTransport().transport, 'run2', folder()).restore()).toBe('none');
  });

  it('refuses a manifest whose paths leave the run folder, and a chunk that does not match its sha256', async () => {
    const { transport, files } = memoryTransport();
    const source = folder();
    write(source, 'stages/eval.json', '{}');
    await new CheckpointSync(transport, 'run3', source).push();
    const manifest = JSON.parse(Buffer.from(files.get(`run3/${MANIFEST_NAME}`)!).toString()) as { files: { path: string; chunks: string[] }[] };

    files.set(`run3/ckpt-${manifest.files[0]!.chunks[0]}`, new TextEncoder().encode('tampered'));
    await expect(new CheckpointSync(transport, 'run3', folder()).restore()).rejects.toThrow(/corrupt/);

    manifest.files[0]!.path = '../../escape.json';
    files.set(`run3/${MANIFEST_NAME}`, new TextEncoder().encode(JSON.stringify(manifest)));
    await expect(new CheckpointSync(transport, 'run3', folder()).restore()).rejects.toThrow(/checkpoint manifest refused: files\.0\.path: must stay inside the run folder/);
  });
});
