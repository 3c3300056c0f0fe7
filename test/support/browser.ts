/**
 * A real browser for the dashboard tests: Debian's Chromium driven by playwright-core (no browser is
 * ever downloaded). On CI a missing Chromium fails the run; on a developer's machine the tests are
 * skipped, saying how to install it.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';

// Headless, no sandbox (CI runs as root), nothing that reaches beyond 127.0.0.1 on its own.
const args = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/** Why the browser tests cannot run here (they are skipped), or undefined when they can. Throws on CI. */
export function browserMissing(): string | undefined {
  if (existsSync(chromiumPath)) return undefined;
  const reason = `Chromium is not installed at ${chromiumPath} (apt-get install chromium); the dashboard tests drive a real browser`;
  if (process.env.CI) throw new Error(`${reason}. On CI it must be there: .ci/run installs it.`);
  return reason;
}

/** A fresh browser: playwright gives each launch a new profile directory (--user-data-dir) and removes it on close. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args });
}
