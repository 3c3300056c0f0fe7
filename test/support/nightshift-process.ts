/**
 * `bin/nightshift <args>` as a child process, for tests of what the real command does: what it prints,
 * when and how it exits, how it answers signals. Its output is kept whole for assertions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'nightshift');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface NightshiftProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` on stdout or stderr; rejects after `ms` or if the process exits first. */
  waitFor(pattern: RegExp, ms: number): Promise<RegExpExecArray>;
  /** Resolves with the exit, or null if the process is still running after `ms`. */
  exit(ms: number): Promise<Exit | null>;
  /** Whether it has exited. */
  exited(): boolean;
  /** SIGKILL if still running, and wait for it. */
  kill(): Promise<void>;
}

export function startNightshift(args: string[], env: NodeJS.ProcessEnv): NightshiftProcess {
  const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((l) => l());
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => ((out += chunk), changed()));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => ((err += chunk), changed()));
  let exitInfo: Exit | null = null;
  const exited = new Promise<Exit>((done) => child.once('exit', (code, signal) => done((exitInfo = { code, signal }))));
  void exited.then(changed);
  const handle: NightshiftProcess = {
    child,
    stdout: () => out,
    stderr: () => err,
    exited: () => exitInfo !== null,
    waitFor(pattern, ms) {
      return new Promise((found, fail) => {
        const timer = setTimeout(() => finish(new Error(`not printed within ${ms} ms: ${pattern}\nstdout: ${out}\nstderr: ${err.slice(-4000)}`)), ms);
        const check = () => {
          const match = pattern.exec(out) ?? pattern.exec(err);
          if (match) finish(null, match);
          else if (exitInfo) finish(new Error(`exited (${JSON.stringify(exitInfo)}) before printing ${pattern}\nstdout: ${out}\nstderr: ${err.slice(-4000)}`));
        };
        const finish = (error: Error | null, match?: RegExpExecArray) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (error) fail(error);
          else found(match!);
        };
        listeners.add(check);
        check();
      });
    },
    async exit(ms) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<null>((r) => (timer = setTimeout(() => r(null), ms)));
      const result = await Promise.race([exited, late]);
      clearTimeout(timer);
      return result;
    },
    async kill() {
      if (exitInfo) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  return handle;
}
