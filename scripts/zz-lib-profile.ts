import { chromium } from '@playwright/test';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/chromium.ts';
import { classifiedShown, watchMainThread } from './bench-page.ts';
import { ISOLATION_HEADERS, MODELS_PREFIX, handleModelRequest } from './model-server.ts';
import { fileFor, sendFile } from './static-files.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const COUNT = Number(process.env.N ?? 300);
const server = createServer((req, res) => {
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
  const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
  if (path.startsWith(MODELS_PREFIX)) handleModelRequest(join(ROOT, 'fixtures'), req, res);
  else sendFile(res, fileFor(join(ROOT, 'dist'), path));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
let seed = 1234;
const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) * 255;
const files: Buffer[] = [];
for (let i = 0; i < COUNT; i++) {
  const small = Buffer.from(Array.from({ length: 8 * 6 * 3 }, random));
  files.push(await sharp(small, { raw: { width: 8, height: 6, channels: 3 } }).resize(320, 240, { kernel: 'cubic' }).jpeg({ quality: 80 }).toBuffer());
}
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
await context.addInitScript('globalThis.__name = (fn) => fn;');
const page = await context.newPage();
await watchMainThread(page);
await page.goto(`${origin}/?host=/models&model=${process.env.MODEL ?? 'fixtures/clip-vit-b32-random'}&device=wasm&threads=2`);
await page.getByRole('status').first().filter({ hasText: 'Model ready' }).waitFor({ timeout: 300_000 });
const labels = ['owl', 'fox', 'seagull', 'cat', 'dog', 'car', 'tree', 'house', 'boat', 'flower'];
await page.getByLabel('Candidate labels').fill(labels.join(', '));
await page.waitForTimeout(1500);
const input = page.getByLabel('Add images');
const classified = classifiedShown(page, COUNT, labels.length);
await input.setInputFiles(files.map((buffer, i) => ({ name: `lib-${i}.jpg`, mimeType: 'image/jpeg', buffer })));
await classified;
await page.waitForTimeout(2000);
for (let round = 0; round < 3; round++) {
  const extra = ['horse', 'bird', 'fish'][round];
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
  await cdp.send('Profiler.start');
  const reranked = classifiedShown(page, COUNT, labels.length + 1);
  labels.push(extra);
  await page.getByLabel('Candidate labels').fill(labels.join(', '));
  const at = await reranked;
  const { profile } = await cdp.send('Profiler.stop');
  writeFileSync(`.scratch/relabel-${round}.cpuprofile`, JSON.stringify(profile));
  const applied = await page.evaluate((n) => performance.getEntriesByName('labels-applied').find((m) => (m as PerformanceMark).detail === n)?.startTime ?? NaN, labels.length);
  const reply = await page.evaluate((a) => performance.getEntriesByName('reply:scores').find((m) => m.startTime >= a)?.startTime ?? NaN, applied);
  const worker = page.workers().find((w) => w.url().includes('classifier.worker'));
  const measures = await worker?.evaluate(() => performance.getEntriesByType('measure').map((e) => `${e.name}=${e.duration.toFixed(1)}`).join(' '));
  console.log(`relabel ${round}: applied→reply ${(reply - applied).toFixed(0)} ms, reply→shown ${(at - reply).toFixed(0)} ms, total ${(at - applied).toFixed(0)}; ${measures}`);
  await page.waitForTimeout(1500);
}
await browser.close();
server.close();
