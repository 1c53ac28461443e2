import { describe, expect, it } from 'vitest';
import { ManualClock } from '../core/clock.ts';
import { StreamClock } from './stream-clock.ts';

describe('StreamClock', () => {
  it('follows the wall clock until a replay sets stream time, then only moves forward', () => {
    const wall = new ManualClock(5_000);
    const clock = new StreamClock(wall);
    expect(clock.now()).toBe(5_000);
    clock.advanceTo(1_000);
    expect(clock.now()).toBe(1_000);
    clock.advanceTo(900);
    expect(clock.now()).toBe(1_000);
    clock.advanceTo(2_000);
    wall.advance(10_000);
    expect(clock.now()).toBe(2_000);
  });
});
