// Debian's Chromium driven by playwright-core, as the report's browser tests and the bench
// use it: no browser download (CI installs the `chromium` package with apt), a profile of its
// own in a fresh folder removed on close, and nothing that would reach the network on its own
// (background updates, sync, QUIC to Google), so that any request a report makes is its own.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.QUICLENS_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** one browser with one context; close() also removes its profile folder */
export async function launchChromium({ width = 1280, height = 800 } = {}) {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH}: no Chromium there (apt-get install chromium, or set QUICLENS_CHROMIUM to its path)`);
  }
  // playwright-core takes the profile folder as launchPersistentContext's first argument,
  // not as --user-data-dir among the args
  const profile = mkdtempSync(join(tmpdir(), 'quiclens-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    viewport: { width, height },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
