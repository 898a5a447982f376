// MaxPoolGrad for NHWC float32 tensors living in the tfjs wasm module's memory (imported, shared).
//
// dx[n, h, w, c] = Σ over the pooling windows whose maximum (the first strict maximum in row-major window
// order, the cpu backend's rule) sits at (h, w), of dy at that window. Four channels at a time with SIMD:
// a window's maximum is found first, then each window position takes dy where it equals the maximum and no
// earlier position did. Accumulating (rather than storing) makes overlapping windows correct too.
//
// No globals, no strings, no allocation: it writes nothing outside the dx it is given. Compiled into conv.wasm
// (imported by assembly/conv.ts), whose kernel team runs it.

const FLOAT = 4;

/** dx of image n alone (its part of dx is overwritten); conv.ts maxPoolGradImages runs the images of a batch on the kernel team. */
export function maxPoolGradImage(
  n: i32,
  x: usize,
  dy: usize,
  dx: usize,
  inHeight: i32,
  inWidth: i32,
  channels: i32,
  outHeight: i32,
  outWidth: i32,
  strideHeight: i32,
  strideWidth: i32,
  filterHeight: i32,
  filterWidth: i32,
  padTop: i32,
  padLeft: i32,
): void {
  const rowBytes = <usize>inWidth * <usize>channels * FLOAT;
  const pixelBytes = <usize>channels * FLOAT;
  const vectorChannels = channels & ~3;
  const minusInfinity = f32x4.splat(-Infinity);
  memory.fill(dx + <usize>n * <usize>inHeight * rowBytes, 0, <usize>inHeight * rowBytes);
  const imageOffset = <usize>n * <usize>inHeight * rowBytes;
  for (let oh = 0; oh < outHeight; oh++) {
    const hCorner = oh * strideHeight - padTop;
    const hStart = max(hCorner, 0);
    const hEnd = min(hCorner + filterHeight, inHeight);
    for (let ow = 0; ow < outWidth; ow++) {
      const wCorner = ow * strideWidth - padLeft;
      const wStart = max(wCorner, 0);
      const wEnd = min(wCorner + filterWidth, inWidth);
      const dyPixel = dy + ((<usize>n * <usize>outHeight + <usize>oh) * <usize>outWidth + <usize>ow) * pixelBytes;
      for (let c = 0; c < vectorChannels; c += 4) {
        const channelOffset = imageOffset + <usize>c * FLOAT;
        let maximum = minusInfinity;
        for (let h = hStart; h < hEnd; h++) {
          for (let w = wStart; w < wEnd; w++) {
            const value = v128.load(x + channelOffset + <usize>h * rowBytes + <usize>w * pixelBytes);
            maximum = v128.bitselect(value, maximum, f32x4.gt(value, maximum));
          }
        }
        const gradient = v128.load(dyPixel + <usize>c * FLOAT);
        // A window with no value above −∞ has no maximum position and passes no gradient.
        let taken = v128.not(f32x4.gt(maximum, minusInfinity));
        for (let h = hStart; h < hEnd; h++) {
          for (let w = wStart; w < wEnd; w++) {
            const offset = channelOffset + <usize>h * rowBytes + <usize>w * pixelBytes;
            const isMaximum = v128.andnot(f32x4.eq(v128.load(x + offset), maximum), taken);
            taken = v128.or(taken, isMaximum);
            v128.store(dx + offset, f32x4.add(v128.load(dx + offset), v128.and(gradient, isMaximum)));
          }
        }
      }
      for (let c = vectorChannels; c < channels; c++) {
        const channelOffset = imageOffset + <usize>c * FLOAT;
        let maximum: f32 = -Infinity;
        let maximumOffset: isize = -1;
        for (let h = hStart; h < hEnd; h++) {
          for (let w = wStart; w < wEnd; w++) {
            const offset = channelOffset + <usize>h * rowBytes + <usize>w * pixelBytes;
            const value = load<f32>(x + offset);
            if (value > maximum) {
              maximum = value;
              maximumOffset = <isize>offset;
            }
          }
        }
        if (maximumOffset >= 0) {
          const target = dx + <usize>maximumOffset;
          store<f32>(target, load<f32>(target) + load<f32>(dyPixel + <usize>c * FLOAT));
        }
      }
    }
  }
}
