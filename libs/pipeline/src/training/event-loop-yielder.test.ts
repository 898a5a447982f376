import { describe, expect, it } from 'vitest';
import { eventLoopYielder } from './event-loop-yielder';

describe('eventLoopYielder', () => {
  it('lets queued callbacks run once the interval has passed, and not before', async () => {
    let clock = 0;
    const yieldNow = eventLoopYielder(200, () => clock);
    let callbacks = 0;
    setImmediate(() => callbacks++);

    clock = 150;
    await yieldNow();
    expect(callbacks).toBe(0); // only microtasks ran: the queued callback still waits

    clock = 250;
    await yieldNow();
    expect(callbacks).toBe(1);

    setImmediate(() => callbacks++);
    clock = 400; // 150 since the last yield
    await yieldNow();
    expect(callbacks).toBe(1);
    clock = 450;
    await yieldNow();
    expect(callbacks).toBe(2);
  });
});
