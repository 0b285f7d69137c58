/**
 * Chromium for browser tests: the Debian package's /usr/bin/chromium driven by playwright-core
 * (which ships no browser). Tests run under `describeBrowser`, which skips, saying why, without it.
 */
import { describe } from '@jest/globals';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** headless, and quiet: no sandbox (containers), no GPU, no calls home */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

const projectRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM_PATH);
}

/** why browser tests are skipped, or undefined when they can run */
export function chromiumMissingReason(): string | undefined {
  return chromiumAvailable() ? undefined : `${CHROMIUM_PATH} not found (install the Debian package chromium)`;
}

/**
 * `describe` when Chromium is there; otherwise skipped with the reason printed, so that a machine
 * without it still runs the rest — but not under CI, where a missing browser must fail the run.
 */
export function describeBrowser(name: string, fn: () => void): void {
  const missing = chromiumMissingReason();
  if (missing && process.env.CI) throw new Error(`browser tests need Chromium under CI: ${missing}`);
  if (missing) {
    process.stderr.write(`browser test skipped (${name}): ${missing}\n`);
    describe.skip(name, fn);
  } else describe(name, fn);
}

export function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  return chromium.launch({
    timeout: 20_000,
    ...options,
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
}

/** test-output/screenshots under the project root (git-ignored), created if need be */
export function screenshotDir(): string {
  const dir = join(projectRoot, 'test-output', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}
