import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/chromium.ts';

const PORT = Number(process.env.E2E_PORT ?? 4173);
/** A second model host that can cut or slow downloads on request (e2e/servers/fault-server.ts). */
export const FAULT_PORT = Number(process.env.E2E_FAULT_PORT ?? 4174);
/** The build served like plain static hosting, without COOP/COEP headers (e2e/servers/static-server.ts). */
export const STATIC_PORT = Number(process.env.E2E_STATIC_PORT ?? 4175);

export default defineConfig({
  testDir: 'e2e',
  // The build must carry the test hooks (VITE_TEST_HOOKS=1): `?simulate=` and the crash hook.
  globalSetup: './e2e/global-setup.ts',
  fullyParallel: true,
  workers: 2,
  // No retries: a flaky test is a bug to fix, not to hide.
  retries: 0,
  timeout: 60_000,
  // Generous: a real model load on 2 cores shared by two browsers can take a while.
  expect: { timeout: 30_000 },
  reporter: [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: 'on-first-retry',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: CHROMIUM_ARGS,
    },
  },
  // The production build, as users get it (`npm run test:e2e` builds first).
  webServer: [
    {
      command: `npx vite preview --port ${PORT} --strictPort`,
      url: `http://localhost:${PORT}`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
    {
      command: `npx tsx e2e/servers/fault-server.ts ${FAULT_PORT}`,
      url: `http://localhost:${FAULT_PORT}/health`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
    {
      command: `npx tsx e2e/servers/static-server.ts ${STATIC_PORT}`,
      url: `http://localhost:${STATIC_PORT}/`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
    },
  ],
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
});
