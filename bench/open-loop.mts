/**
 * Open-loop arrivals at a fixed rate (`bench/latency-under-load.mts`, `bench/soak.mts`): every 5 ms as
 * many items start as are due by then, whether the engine has finished the earlier ones or not, as
 * requests from outside would arrive. At most `maxInFlight` start calls are outstanding; an arrival a
 * full pipe could not make is counted as missed rather than queued, so a slow engine shows as misses
 * instead of a growing queue in this process.
 */
import { sleep, waitUntilNone } from './durable-support.mts';

export class OpenLoop {
  arrived = 0;
  missed = 0;
  inFlight = 0;
  /** Start calls that threw (the soak counts them; a short run would rather stop, see `failures`). */
  failed = 0;
  readonly failures: unknown[] = [];
  private loading = true;
  private readonly began = performance.now();
  private readonly running: Promise<void>;

  constructor(private readonly perSecond: number, private readonly maxInFlight: number, private readonly start: (i: number) => Promise<unknown>) {
    this.running = this.loop();
  }

  /** Seconds since the arrivals began. */
  get seconds(): number {
    return (performance.now() - this.began) / 1000;
  }

  /** Stops the arrivals; answers once the last start call has returned. */
  async stop(): Promise<void> {
    this.loading = false;
    await this.running;
    await waitUntilNone(async () => this.inFlight, 60_000, 5);
  }

  private async loop(): Promise<void> {
    while (this.loading) {
      const due = Math.floor(this.seconds * this.perSecond);
      while (this.arrived + this.missed < due) {
        if (this.inFlight >= this.maxInFlight) {
          this.missed += 1;
          continue;
        }
        this.inFlight += 1;
        this.arrived += 1;
        this.start(this.arrived).catch((e: unknown) => {
          this.failed += 1;
          if (this.failures.length < 5) this.failures.push(e);
        }).finally(() => (this.inFlight -= 1));
      }
      await sleep(5);
    }
  }
}
