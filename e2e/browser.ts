/** Real Chromium for browser tests: Debian's package, driven by playwright-core. Never downloads a browser. */
import fs from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether browser tests can run. Without Chromium they are skipped on a developer machine, with a
 * message; in CI (CI=true) a missing Chromium fails the run instead.
 */
export const hasChromium = fs.existsSync(chromiumPath);
if (!hasChromium) {
  if (process.env.CI === 'true') {
    throw new Error(`Chromium is missing at ${chromiumPath}; CI must install it (apt-get install chromium).`);
  }
  console.warn(
    `Skipping browser tests: no Chromium at ${chromiumPath} (apt-get install chromium, or set CHROMIUM_PATH).`,
  );
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}
