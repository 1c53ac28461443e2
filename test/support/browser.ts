/** Debian's chromium for browser tests: whether it is here (and whether it must be), and how it is launched. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');

/**
 * True when the browser is installed. A machine without it skips browser tests, unless
 * BELLWETHER_REQUIRE_BROWSER=1 says it must be there (CI), which turns its absence into a failure.
 */
export function browserAvailable(): boolean {
  const available = existsSync(CHROMIUM);
  if (!available && process.env.BELLWETHER_REQUIRE_BROWSER === '1') {
    throw new Error(`${CHROMIUM} is required (apt-get install chromium)`);
  }
  return available;
}

/** Headless and offline-quiet: no sandbox (containers), no GPU, no update or sync traffic. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
