/**
 * The LISTEN connection of a process, kept subscribed. postgres.js re-subscribes by itself after a
 * connection loss, but a re-subscription that fails (Postgres still down, or refusing connections while
 * it starts) is dropped, and the channel's failed subscription then answers every later `listen()` with
 * the same failure: wake-ups stay off until the process restarts. So the listener is watched here: every
 * few seconds the process sends itself a NOTIFY on `readinessChannel` and expects to hear it; when it
 * does not (or Postgres is unreachable), the listener is *down*: it is rebuilt on a fresh driver instance
 * (no state left from the failed one), with every channel, again and again with a growing delay, until
 * it hears. Workers keep finding jobs by polling meanwhile; `/readyz` and `nightshift_listener_connected`
 * say it, and one log line says when it went down and one when it is back.
 */
import { randomUUID } from 'node:crypto';
import { isDatabaseUnreachable, type Logger } from '../shared/index.ts';
import type { Sql } from './connection.ts';

/** The channel of the listener's own probes (and /readyz's); each process only reacts to its own tokens. */
export const readinessChannel = 'nightshift_ready';

export interface ListenerHealth {
  /** Subscribed, and the last probe was heard. */
  connected: boolean;
  /** When it last went down (or came back). */
  since: Date;
  /** Attempts to subscribe again since it went down. */
  attempts: number;
  lastError: string | null;
}

export interface ListenerOptions {
  /** A new driver instance for the LISTEN connection (one connection). */
  open: () => Sql;
  /** Where probes are sent from (the statement pool). */
  notify: Sql;
  logger?: Logger;
  /** Between probes; default 5 s. */
  probeMs?: number;
}

type Subscription = Promise<{ unlisten(): Promise<void> }>;

interface Registration {
  fn: (payload: string) => void;
  onlisten?: () => void;
}

/** `work`, or a rejection naming what did not answer within `ms`. */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Delay before the n-th attempt to subscribe again: 100 ms doubling, at most 5 s. */
const retryDelayMs = (attempt: number) => Math.min(100 * 2 ** Math.max(0, attempt - 1), 5_000);

export class SupervisedListener {
  private readonly channels = new Map<string, Set<Registration>>();
  private readonly waiting = new Map<string, () => void>();
  private driver: Sql | null = null;
  private subscriptions = new Map<string, Subscription>();
  private state: ListenerHealth = { connected: false, since: new Date(), attempts: 0, lastError: null };
  private first: Promise<void> | null = null;
  private recovering: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly options: ListenerOptions) {}

  /** Null before anything listened; else whether the listener is subscribed. */
  health(): ListenerHealth | null {
    return this.first === null ? null : { ...this.state };
  }

  /** As postgres.js's `sql.listen`: fails when the listener is down now (the registration is then dropped). */
  async listen(channel: string, fn: (payload: string) => void, onlisten?: () => void): Promise<{ unlisten(): Promise<void> }> {
    const registration: Registration = { fn, onlisten };
    const set = this.channels.get(channel) ?? new Set();
    const added = !this.channels.has(channel);
    set.add(registration);
    this.channels.set(channel, set);
    const unlisten = async () => this.remove(channel, registration);
    try {
      await this.start();
      if (!this.state.connected) throw new Error(`the LISTEN connection is down: ${this.state.lastError ?? 'subscribing again'}`);
      if (added) await this.subscribe(channel);
      else registration.onlisten?.();
      return { unlisten };
    } catch (error) {
      await unlisten();
      throw error;
    }
  }

  /** Null when a NOTIFY sent now is heard within `timeoutMs`; the problem in words otherwise. */
  async check(timeoutMs: number): Promise<string | null> {
    await this.start();
    if (!this.state.connected) return this.downProblem();
    const problem = await this.probe(timeoutMs);
    if (problem?.conclusive) this.down(problem.message);
    return problem?.message ?? null;
  }

  async end(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.driver?.end({ timeout: 0 }).catch(() => undefined);
  }

  private start(): Promise<void> {
    if (this.first) return this.first;
    // A pool already ended opens nothing more (a connection made now would keep the process alive).
    if (this.stopped) return (this.first = Promise.resolve().then(() => this.down('the pool has been ended')));
    this.timer = setInterval(() => void this.tick(), this.options.probeMs ?? 5_000);
    this.timer.unref();
    this.first = this.connect().then(
      () => this.up(),
      (error: unknown) => this.down(messageOf(error)),
    );
    return this.first;
  }

  /** A fresh driver instance subscribed to the probe channel and every registered channel. */
  private async connect(): Promise<void> {
    const old = this.driver;
    this.subscriptions = new Map();
    this.driver = this.options.open();
    void old?.end({ timeout: 0 }).catch(() => undefined);
    await Promise.all([readinessChannel, ...this.channels.keys()].map((channel) => this.subscribe(channel)));
  }

  private subscribe(channel: string): Subscription {
    const existing = this.subscriptions.get(channel);
    if (existing) return existing;
    const each = (pick: (r: Registration) => void) => () => this.channels.get(channel)?.forEach(pick);
    const subscription = channel === readinessChannel
      ? this.driver!.listen(channel, (token) => this.waiting.get(token)?.())
      : this.driver!.listen(channel, (payload) => each((r) => r.fn(payload))(), each((r) => r.onlisten?.()));
    this.subscriptions.set(channel, subscription);
    subscription.catch(() => this.subscriptions.get(channel) === subscription && this.subscriptions.delete(channel));
    return subscription;
  }

  private async remove(channel: string, registration: Registration): Promise<void> {
    const set = this.channels.get(channel);
    set?.delete(registration);
    if (!set || set.size > 0) return;
    this.channels.delete(channel);
    const subscription = this.subscriptions.get(channel);
    this.subscriptions.delete(channel);
    await subscription?.then((s) => s.unlisten()).catch(() => undefined);
  }

  /** Sends a probe; null when heard, else what went wrong and whether it proves the listener down. */
  private async probe(timeoutMs: number): Promise<{ message: string; conclusive: boolean } | null> {
    const token = randomUUID();
    const heard = new Promise<void>((resolve) => this.waiting.set(token, resolve));
    try {
      try {
        await withDeadline(this.options.notify.unsafe('select pg_notify($1, $2)', [readinessChannel, token]), timeoutMs, 'the database');
      } catch (error) {
        // A busy pool proves nothing about the listener; an unreachable database does.
        return { message: messageOf(error), conclusive: isDatabaseUnreachable(error) };
      }
      await withDeadline(heard, timeoutMs, 'the LISTEN connection');
      return null;
    } catch (error) {
      return { message: messageOf(error), conclusive: true };
    } finally {
      this.waiting.delete(token);
    }
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.recovering || !this.state.connected) return;
    const problem = await this.probe(2_000);
    if (problem?.conclusive) this.down(problem.message);
  }

  private up(): void {
    if (this.state.attempts > 0) {
      this.options.logger?.info({ downMs: Date.now() - this.state.since.getTime(), attempts: this.state.attempts }, 'the LISTEN connection is subscribed again');
    }
    this.state = { connected: true, since: new Date(), attempts: 0, lastError: null };
  }

  /** Marks the listener down (once) and subscribes again until it works. */
  private down(reason: string): void {
    this.state.lastError = reason;
    if (this.stopped || this.recovering) return;
    if (this.state.connected || this.state.attempts === 0) {
      this.options.logger?.warn({ reason }, 'the LISTEN connection is down: subscribing again; workers poll for jobs meanwhile');
      this.state = { connected: false, since: new Date(), attempts: 0, lastError: reason };
    }
    this.recovering = this.recover().finally(() => {
      this.recovering = null;
    });
  }

  private async recover(): Promise<void> {
    while (!this.stopped) {
      this.state.attempts += 1;
      await new Promise((r) => setTimeout(r, retryDelayMs(this.state.attempts)).unref());
      if (this.stopped) return;
      try {
        await this.connect();
        const problem = await this.probe(2_000);
        if (problem) throw new Error(problem.message);
        this.up();
        return;
      } catch (error) {
        this.state.lastError = messageOf(error);
      }
    }
  }

  private downProblem(): string {
    const { since, attempts, lastError } = this.state;
    return `the LISTEN connection is down since ${since.toISOString()} (${attempts} attempt${attempts === 1 ? '' : 's'} to subscribe again`
      + `${lastError ? `; last error: ${lastError}` : ''})`;
  }
}
