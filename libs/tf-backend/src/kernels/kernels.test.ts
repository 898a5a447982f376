import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorsAgainstCpu } from '../testing/compare-with-cpu.js';
import { KTLAB_WASM_BACKEND, registerKtlabWasmOnce } from '../testing/ktlab-wasm-for-tests.js';

const TOLERANCE = 1e-5;

beforeAll(registerKtlabWasmOnce);

type Padding = 'same' | 'valid';
interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: [number, number];
  pad: Padding;
}

const convCases: ConvCase[] = [
  { x: [1, 5, 5, 1], filter: [3, 3, 1, 1], strides: [1, 1], pad: 'same' },
  { x: [2, 7, 9, 3], filter: [3, 3, 3, 5], strides: [1, 1], pad: 'same' },
  { x: [3, 8, 7, 3], filter: [5, 5, 3, 4], strides: [1, 1], pad: 'valid' },
  { x: [2, 9, 8, 5], filter: [3, 2, 5, 7], strides: [2, 2], pad: 'valid' },
  { x: [1, 8, 8, 1], filter: [5, 5, 1, 4], strides: [2, 2], pad: 'same' },
  { x: [2, 11, 10, 3], filter: [4, 4, 3, 2], strides: [3, 2], pad: 'valid' },
  { x: [2, 6, 6, 7], filter: [1, 1, 7, 3], strides: [1, 1], pad: 'same' },
  { x: [4, 13, 13, 6], filter: [5, 5, 6, 9], strides: [1, 1], pad: 'same' },
];

const label = (c: ConvCase) => `x ${c.x.join('×')}, filter ${c.filter.join('×')}, strides ${c.strides.join(',')}, ${c.pad}`;

describe('Conv2DBackpropFilter and Conv2DBackpropInput on ktlab-wasm equal the cpu backend', () => {
  it.each(convCases)('x $x, filter $filter, strides $strides, $pad', async (c) => {
    const y = tf.tidy(() => tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(c.filter) as tf.Tensor4D, c.strides, c.pad).shape);
    const [dFilter, dInput] = await errorsAgainstCpu(
      KTLAB_WASM_BACKEND,
      [
        { shape: c.x, seed: 1 },
        { shape: c.filter, seed: 2 },
        { shape: y, seed: 3 },
      ],
      ([x, filter, dy]) => [
        tf.grad((f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.strides, c.pad))(filter, dy),
        tf.grad((input) => tf.conv2d(input as tf.Tensor4D, filter as tf.Tensor4D, c.strides, c.pad))(x, dy),
      ],
    );
    expect(dFilter, `filter gradient, ${label(c)}`).toBeLessThan(TOLERANCE);
    expect(dInput, `input gradient, ${label(c)}`).toBeLessThan(TOLERANCE);
  });
});

describe('BatchMatMul on ktlab-wasm equals the cpu backend for every transpose combination', () => {
  const cases = [
    { a: [7, 5], b: [5, 3], transposeA: false, transposeB: false },
    { a: [5, 7], b: [5, 3], transposeA: true, transposeB: false },
    { a: [7, 5], b: [3, 5], transposeA: false, transposeB: true },
    { a: [5, 7], b: [3, 5], transposeA: true, transposeB: true },
    { a: [2, 9, 4], b: [2, 9, 6], transposeA: true, transposeB: false },
  ];
  it.each(cases)('a $a (transposed: $transposeA) · b $b (transposed: $transposeB)', async ({ a, b, transposeA, transposeB }) => {
    const [error] = await errorsAgainstCpu(
      KTLAB_WASM_BACKEND,
      [
        { shape: a, seed: 4 },
        { shape: b, seed: 5 },
      ],
      ([ta, tb]) => tf.matMul(ta, tb, transposeA, transposeB),
    );
    expect(error).toBeLessThan(TOLERANCE);
  });
});
