/**
 * The first visit of `npm run dev` from a cold dependency cache, as a new user makes it: start Vite with an
 * empty cache folder, open the fixture URL, add an image at once, and time until its scores show.
 * Usage: `npx tsx scripts/dev-first-visit.ts [port]`; exits non-zero when no scores show within the limit.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium.ts';
import { solidImage, COLOURS } from '../e2e/images.ts';

const port = Number(process.argv[2] ?? 5199);
const limitMs = Number(process.env.FIRST_VISIT_LIMIT_MS ?? 60_000);
const cacheDir = await mkdtemp(join(tmpdir(), 'vite-cold-'));
const vite = spawn('npx', ['vite', '--port', String(port), '--strictPort'], {
  env: { ...process.env, VITE_CACHE_DIR: cacheDir },
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true,
});
const log: string[] = [];
vite.stdout.on('data', (d: Buffer) => log.push(d.toString()));
vite.stderr.on('data', (d: Buffer) => log.push(d.toString()));
let failed = true;
try {
  await waitForServer(`http://localhost:${port}/`);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  let loads = 0;
  page.on('load', () => (loads += 1));
  const start = Date.now();
  await page.goto(`http://localhost:${port}/?host=/models&model=fixtures/clip-colors`);
  await page.getByLabel('Add images').setInputFiles([await solidImage('red', COLOURS.red)]);
  await page.getByLabel('Candidate labels').fill('red, green, blue');
  const scores = page.getByRole('list', { name: 'Scores for red.png' }).getByRole('listitem');
  try {
    await scores.first().waitFor({ timeout: limitMs });
    failed = false;
    console.log(`scores after ${Date.now() - start} ms; page loads: ${loads}`);
  } catch {
    console.log(`no scores within ${limitMs} ms; page loads: ${loads}`);
    console.log(`status: ${await page.getByRole('status').first().textContent()}`);
    console.log(errors.slice(0, 5).join('\n'));
  }
  if (process.env.SECOND_VISIT) {
    const again = Date.now();
    await page.reload();
    await page.getByLabel('Add images').setInputFiles([await solidImage('red', COLOURS.red)]);
    await scores
      .first()
      .waitFor({ timeout: limitMs })
      .then(
        () => console.log(`second visit: scores after ${Date.now() - again} ms`),
        () => console.log(`second visit: none; ${errors.slice(0, 3).join(' | ')}`),
      );
  }
  await browser.close();
} finally {
  if (vite.pid) process.kill(-vite.pid);
  await rm(cacheDir, { recursive: true, force: true });
  const optimized = log.join('').match(/.*(optimiz|reload).*/gi);
  if (optimized) console.log(optimized.join('\n'));
}
process.exit(failed ? 1 : 0);

async function waitForServer(url: string): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`Vite did not start on ${url}`);
}
