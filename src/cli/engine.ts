/** What the commands that read or change the database share: an engine without workers, for one call. */
import { createEngine, loadConfig, projectDirFor } from './verbs.ts';
import type { Engine } from '../boot/index.ts';

/** Opens the project's engine (the --dir given, else the nearest project upwards; projectDirFor) (its DATABASE_URL, or its embedded Postgres), runs `work`, and closes it. */
export async function withEngine<T>(dir: string | undefined, work: (engine: Engine) => Promise<T>): Promise<T> {
  const engine = await createEngine({ config: loadConfig({ projectDir: projectDirFor(dir) }), workers: false });
  try {
    return await work(engine);
  } finally {
    await engine.stop();
  }
}
