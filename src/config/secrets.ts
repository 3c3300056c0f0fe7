/**
 * Where `${secrets.NAME}` and `${env.NAME}` get their values, read at each call so that a rotated secret is
 * used without a restart:
 * - `${secrets.NAME}`: the environment variable `NIGHTSHIFT_SECRET_<NAME>`, else the key NAME of the secrets
 *   file (`secrets: .secrets.yaml` in nightshift.yaml: a YAML or JSON map of names to strings; keep it out of
 *   version control). The environment wins, so a deployment can override the file.
 * - `${env.NAME}`: the environment variable NAME.
 * No value is ever put in an error message: a file that cannot be read or parsed is reported by its path and
 * line only (YAML's own messages quote the offending line).
 */
import { readFileSync, statSync } from 'node:fs';
import { parse } from 'yaml';
import { EngineError } from '../shared/index.ts';

/** The same shape as resources' SecretSource. */
export interface SecretValues {
  secret(name: string): string | undefined;
  env(name: string): string | undefined;
}

export const secretEnvPrefix = 'NIGHTSHIFT_SECRET_';

export function createSecretSource(options: { file?: string | null; env?: NodeJS.ProcessEnv } = {}): SecretValues {
  const env = options.env ?? process.env;
  const file: () => Record<string, string> = options.file ? secretsFileReader(options.file) : () => ({});
  return {
    secret: (name) => {
      const fromEnv = env[`${secretEnvPrefix}${name}`];
      if (fromEnv !== undefined) return fromEnv;
      const values = file();
      return Object.hasOwn(values, name) ? values[name] : undefined;
    },
    env: (name) => env[name],
  };
}

/** The file's values, read again when its modification time or size changes. */
function secretsFileReader(path: string): () => Record<string, string> {
  let cached: { stamp: string; values: Record<string, string> } | null = null;
  return () => {
    let stamp: string;
    try {
      const stat = statSync(path);
      stamp = `${stat.mtimeMs}:${stat.size}`;
    } catch {
      throw new EngineError('CONFIG_INVALID', `The secrets file ${path} cannot be read`);
    }
    if (cached?.stamp !== stamp) cached = { stamp, values: readSecretsFile(path) };
    return cached.values;
  };
}

export function readSecretsFile(path: string): Record<string, string> {
  let document: unknown;
  try {
    document = parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const line = (e as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
    throw new EngineError('CONFIG_INVALID', `The secrets file ${path} is not valid YAML${line ? ` (line ${line})` : ''}`);
  }
  if (document === null || document === undefined) return {};
  if (typeof document !== 'object' || Array.isArray(document)) throw new EngineError('CONFIG_INVALID', `The secrets file ${path} must be a map of names to values`);
  const values: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(document)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') values[name] = String(value);
    else throw new EngineError('CONFIG_INVALID', `The secrets file ${path}: the value of ${name} must be a string`);
  }
  return values;
}
