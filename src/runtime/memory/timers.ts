/**
 * Timers for the in-memory runner, on a clock that is real or virtual. Real: a timer fires when its
 * time comes. Virtual: besides that, whenever nothing is running or in flight, time jumps to the next
 * timer — a one-year Wait costs nothing, and a Task that hangs still times out in real time.
 */
import type { Clock } from '../../shared/index.ts';

interface Entry {
  key: string;
  at: number;
  fire: () => void;
}

export class TimerQueue {
  private readonly entries = new Map<string, Entry>();
  private offset = 0;
  private armed: { at: number; handle: NodeJS.Timeout } | null = null;
  private idleCheck: NodeJS.Immediate | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly virtual: boolean,
    private readonly isIdle: () => boolean,
  ) {}

  now(): number {
    return this.clock.now() + this.offset;
  }

  set(key: string, at: number, fire: () => void): void {
    this.entries.set(key, { key, at, fire });
    this.rearm();
  }

  cancel(key: string): void {
    if (this.entries.delete(key)) this.rearm();
  }

  get size(): number {
    return this.entries.size;
  }

  /** The runner calls this whenever its work drains; in virtual time, that is when time may jump. */
  settle(): void {
    if (!this.virtual || this.idleCheck || this.entries.size === 0) return;
    this.idleCheck = setImmediate(() => {
      this.idleCheck = null;
      if (!this.isIdle()) return;
      const next = this.earliest();
      if (!next) return;
      const now = this.now();
      if (next.at > now) this.offset += next.at - now;
      this.fireDue();
    });
  }

  stop(): void {
    if (this.armed) clearTimeout(this.armed.handle);
    if (this.idleCheck) clearImmediate(this.idleCheck);
    this.armed = null;
    this.idleCheck = null;
    this.entries.clear();
  }

  private earliest(): Entry | undefined {
    let best: Entry | undefined;
    for (const entry of this.entries.values()) if (!best || entry.at < best.at) best = entry;
    return best;
  }

  private fireDue(): void {
    const now = this.now();
    const due = [...this.entries.values()].filter((e) => e.at <= now).sort((a, b) => a.at - b.at);
    for (const entry of due) {
      this.entries.delete(entry.key);
      entry.fire();
    }
    this.rearm();
  }

  private rearm(): void {
    const next = this.earliest();
    if (this.armed && (!next || this.armed.at !== next.at)) {
      clearTimeout(this.armed.handle);
      this.armed = null;
    }
    if (next && !this.armed) {
      const delay = Math.max(0, next.at - this.now());
      this.armed = { at: next.at, handle: setTimeout(() => ((this.armed = null), this.fireDue()), Math.min(delay, 2 ** 31 - 1)) };
    }
  }
}
