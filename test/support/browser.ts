/**
 * Debian's Chromium (`apt-get install chromium`) driven by playwright-core: no browser download.
 * Without /usr/bin/chromium a suite is skipped with a message, unless `REQUIRE_BROWSER=1` (CI),
 * where launching fails instead.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';

/** Whether the browser tests can run; logs why not when they are skipped. */
export function browserAvailable(suite: string): boolean {
  if (existsSync(CHROMIUM) || process.env.REQUIRE_BROWSER === '1') return true;
  console.warn(
    `[${suite}] SKIPPED: no ${CHROMIUM} (apt-get install -y --no-install-recommends chromium; REQUIRE_BROWSER=1 makes this a failure)`,
  );
  return false;
}

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} not found and REQUIRE_BROWSER=1: install Debian's chromium`);
  // Root in a container has no user namespace for Chromium's sandbox.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

/** test-artifacts/<name> (gitignored), the directory created. */
export function artifactPath(name: string): string {
  const dir = join(process.cwd(), 'test-artifacts');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
