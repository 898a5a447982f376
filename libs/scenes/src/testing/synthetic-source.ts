import type { SceneSource } from '../generate-scene.js';

/**
 * A labelled in-memory dataset: `count` images of size×size RGB, image i of class i mod classes. `textured`
 * fills every pixel with pseudo-random bytes (≥ 32, so any threshold mask at the default level keeps them all);
 * `bright-square` puts a bright square (the middle half) on black, like a grayscale item dataset.
 */
export function syntheticSource(count: number, options: { size?: number; classes?: number; style?: 'textured' | 'bright-square'; idPrefix?: string } = {}): SceneSource {
  const { size = 32, classes = 3, style = 'textured', idPrefix = 'img' } = options;
  const images = new Uint8Array(count * size * size * 3);
  let state = 12345;
  for (let i = 0; i < count; i++) {
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const at = ((i * size + y) * size + x) * 3;
        for (let c = 0; c < 3; c++) {
          state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
          const inSquare = x >= size / 4 && x < (3 * size) / 4 && y >= size / 4 && y < (3 * size) / 4;
          images[at + c] = style === 'textured' ? 32 + (state >>> 25) * 1.7 : inSquare ? 200 : 0;
        }
      }
    }
  }
  return {
    count,
    size,
    channels: 3,
    images,
    labels: Int32Array.from({ length: count }, (_, i) => i % classes),
    classes: Array.from({ length: classes }, (_, c) => `class${c}`),
    ids: Array.from({ length: count }, (_, i) => `${idPrefix}/${i}.png`),
  };
}
