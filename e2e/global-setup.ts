/**
 * The end-to-end tests run the production build with its test hooks (`?simulate=`, the crash
 * hook), which a plain `npm run build` leaves out: refuse a build without them, saying what to run.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export default function globalSetup(): void {
  const marker = fileURLToPath(new URL('../dist/test-hooks.txt', import.meta.url));
  if (!existsSync(marker)) {
    throw new Error(
      'dist/ was built without the test hooks. Build it with `VITE_TEST_HOOKS=1 npm run build` ' +
        '(`npm run test:e2e` does), then run Playwright again.',
    );
  }
}
