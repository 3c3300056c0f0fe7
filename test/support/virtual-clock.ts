/**
 * A clock that runs at real speed from an offset that tests move forward: `advanceTo(t)` makes `now()`
 * read `t` at once, and time goes on from there. The durable runtime takes it as its `clock`, so a Wait
 * of a year costs a jump, while a Task that hangs still times out in real time.
 */
import type { Clock } from '../../src/shared/index.ts';

export class VirtualClock implements Clock {
  private offset = 0;

  now(): number {
    return Date.now() + this.offset;
  }

  /** Moves time forward to `at` (never backward). */
  advanceTo(at: number): void {
    const now = this.now();
    if (at > now) this.offset += at - now;
  }
}
