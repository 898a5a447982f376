import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '@ktlab/tf-backend';
import { trunkFor } from '../nets';
import { decodeNetwork, encodeNetwork } from './network-bytes';

describe('network bytes', () => {
  beforeAll(() => selectBackend({}, pino({ level: 'silent' })));

  it('round-trips a trunk to the same weights, also from a Buffer view', async () => {
    const trunk = trunkFor('alexnet', 24, 0.1, 11);
    const bytes = await encodeNetwork(trunk);
    const padded = Buffer.concat([Buffer.from('xyz'), Buffer.from(bytes)]).subarray(3);
    const loaded = await decodeNetwork(padded);
    expect(loaded.getWeights().map((w) => w.dataSync())).toEqual(trunk.getWeights().map((w) => w.dataSync()));
    expect(loaded.layers.map((l) => l.name)).toEqual(trunk.layers.map((l) => l.name));
    trunk.dispose();
    loaded.dispose();
  });

  it('names damaged files', async () => {
    const trunk = trunkFor('alexnet', 24, 0.1, 11);
    const bytes = await encodeNetwork(trunk);
    trunk.dispose();
    await expect(decodeNetwork(new Uint8Array(20), 'net.bin')).rejects.toThrow(/net\.bin: not a network file/);
    await expect(decodeNetwork(bytes.subarray(0, bytes.length - 4), 'net.bin')).rejects.toThrow(/bytes of weights, the model needs/);
  });
});
