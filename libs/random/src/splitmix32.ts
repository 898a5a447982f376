/**
 * One splitmix32 step: the state advances by the golden-ratio increment and the value is that state
 * avalanched. All generators here fill their state from it, so nearby seeds give unrelated streams.
 */
export function splitmix32(state: number): { state: number; value: number } {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return { state: next, value: (z ^ (z >>> 16)) >>> 0 };
}
