import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from './sha256';

const nodeSha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('sha256Hex', () => {
  it('gives the FIPS 180-4 test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });

  it('equals node:crypto on UTF-8 text of every length around the block boundaries', () => {
    // 55, 56 and 64 bytes are where the padding spills into a second block.
    for (let length = 0; length < 200; length++) {
      const text = Array.from({ length }, (_, i) => String.fromCharCode(32 + ((i * 7 + length) % 90))).join('');
      expect(sha256Hex(text), `length ${length}`).toBe(nodeSha256(text));
    }
    const unicode = 'half-A→half-B · Jigsaw++ · 汉字 · 😀';
    expect(sha256Hex(unicode)).toBe(nodeSha256(unicode));
    const long = JSON.stringify({ data: { path: '/data/cifar10/train', limit: 50_000 }, words: 'x'.repeat(10_000) });
    expect(sha256Hex(long)).toBe(nodeSha256(long));
  });
});
