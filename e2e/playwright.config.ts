// Playwright drives Debian's Chromium (/usr/bin/chromium): no browser download. Each spec starts its own
// real hopwatch server (support/hopwatch-server.ts) from the built CLI.
import { readFileSync } from 'node:fs';
import { defineConfig } from '@playwright/test';

const chromium = JSON.parse(readFileSync(new URL('./chromium.json', import.meta.url), 'utf8')) as {
  executablePath: string;
  args: string[];
};

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: 'test-results',
  workers: 1,
  retries: 0,
  reporter: 'list',
  // A loaded 2-core machine: waits are generous, and every wait is for something visible, never a sleep.
  timeout: 120_000,
  expect: { timeout: 20_000 },
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: { width: 1440, height: 900 },
    launchOptions: { executablePath: chromium.executablePath, args: chromium.args },
    actionTimeout: 20_000,
    trace: 'off',
    screenshot: 'only-on-failure',
  },
});
