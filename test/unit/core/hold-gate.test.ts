/** The hold gate both background workers pass before each unit of work. */
import { describe, expect, it } from 'vitest';
import { createHoldGate } from '../../../src-main/core/hold-gate.ts';

const settled = async (promise: Promise<void>): Promise<boolean> => {
  let done = false;
  void promise.then(() => {
    done = true;
  });
  for (let i = 0; i < 5; i += 1) await Promise.resolve();
  return done;
};

describe('createHoldGate', () => {
  it('passes at once when open, waits while held, and holds again if held anew before the waiter woke', async () => {
    const gate = createHoldGate();
    expect(await settled(gate.passed())).toBe(true);
    gate.hold();
    gate.hold(); // twice is once
    const waiting = gate.passed();
    expect(await settled(waiting)).toBe(false);
    gate.release();
    gate.hold(); // released and held again before the waiter ran: it must keep waiting
    expect(await settled(waiting)).toBe(false);
    gate.release();
    expect(await settled(waiting)).toBe(true);
  });
});
