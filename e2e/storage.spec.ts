import { chromium } from '@playwright/test';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.ts';
import { COLOURS, solidImage } from './images.ts';
import {
  FIXTURE_URL,
  damageStoredFile,
  expect,
  faultyHost,
  storedFiles,
  test,
  watchModelRequests,
  ClassifierPage,
} from './fixtures.ts';

const VISION = 'onnx/vision_model_quantized.onnx';
const MODEL_FILES = [
  'config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'preprocessor_config.json',
  'onnx/text_model_quantized.onnx',
  VISION,
];

async function expectClassifies(app: ClassifierPage, name = 'probe'): Promise<void> {
  await app.addImages([await solidImage(name, COLOURS.magenta, 'webp')]);
  await app.typeLabels('green, magenta, white');
  await app.expectTopLabel(`${name}.webp`, 'magenta');
}

async function expectStoreWhole(app: ClassifierPage): Promise<void> {
  const files = await storedFiles(app.page);
  expect(files.map((f) => f.path).sort()).toEqual([...MODEL_FILES].sort());
  for (const file of files) {
    expect(file.blobSize, file.path).toBe(file.size);
    expect(file.actualSha256, file.path).toBe(file.sha256);
  }
}

test('the first visit downloads each model file once; a reload makes no model request at all', async ({
  app,
  page,
}) => {
  const requests = watchModelRequests(page);
  await app.openReady();
  expect([...requests.downloads].sort()).toEqual([...MODEL_FILES].sort());
  await expectStoreWhole(app);

  requests.reset();
  await page.reload();
  await expect(app.status).toContainText('Model ready');
  expect(requests.all).toEqual([]);
  await expectClassifies(app);
});

test('after one online visit the app reloads and opens in a new tab offline, and classifies', async ({
  app,
  page,
  context,
}) => {
  await app.openReady();
  await page.evaluate(() => navigator.serviceWorker.ready);
  // Nothing of the model is kept by the service worker: model files live in IndexedDB only.
  const cached = await page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
    }
    return urls;
  });
  expect(cached.some((url) => /ort-wasm-simd-threaded.*\.wasm/.test(url))).toBe(true);
  expect(cached.some((url) => /classifier\.worker.*\.js/.test(url))).toBe(true);
  expect(cached.filter((url) => url.includes('/models/'))).toEqual([]);

  await context.setOffline(true);
  await page.reload();
  await expect(app.status).toContainText('Model ready: fixtures/clip-colors');
  await expectClassifies(app, 'offline-reload');
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  const tab = await context.newPage();
  const second = new ClassifierPage(tab);
  await second.openReady();
  await expectClassifies(second, 'offline-tab');
});

test('a download cut off mid-transfer names the file, keeps nothing partial, and Retry succeeds', async ({
  app,
  page,
}, testInfo) => {
  const server = faultyHost(testInfo);
  await server.fault(VISION, 'cut');
  await app.open(server.url);
  // The fault server is another origin: the consent dialog comes first.
  await app.acceptDownload();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText(VISION);
  await expect(alert).toContainText('Nothing partial was kept');
  expect((await storedFiles(page)).map((f) => f.path)).not.toContain(VISION);

  await alert.getByRole('button', { name: 'Retry' }).click();
  await expect(app.status).toContainText('Model ready');
  await expectClassifies(app);
  await expectStoreWhole(app);
});

test('the size is shown before the download, with per-file progress, and Cancel stops it', async ({
  app,
  page,
}, testInfo) => {
  const server = faultyHost(testInfo);
  await server.fault(VISION, 'stall');
  await app.open(server.url);
  // The fault server is another origin: the consent dialog comes first.
  await app.acceptDownload();
  await expect(app.status).toContainText(/downloading \d+(\.\d)? kB \(\d+%\)/);
  await expect(page.getByRole('progressbar', { name: VISION })).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Model download' })).toBeVisible();
  // The stalled file is on its way: some of its bytes are in, out of a known total.
  const visionRow = page.getByRole('listitem').filter({ hasText: VISION });
  await expect(visionRow).toContainText(/\d+(\.\d)? kB of \d+(\.\d)? kB \([1-9]\d?%\)/);

  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(app.status).toContainText('Download cancelled');
  // The download really stopped: the app closed the connection before the last byte.
  await expect.poll(() => server.abandoned()).toBe(1);
  expect((await storedFiles(page)).map((f) => f.path)).not.toContain(VISION);

  await page.getByRole('button', { name: 'Download' }).click();
  await expect(app.status).toContainText('Model ready');
  await expectClassifies(app);
});

test('a stored file damaged on purpose is detected, downloaded again, and said', async ({ app, page }) => {
  await app.openReady();
  await damageStoredFile(page, VISION, 'flip');
  await damageStoredFile(page, 'tokenizer.json', 'truncate');
  const requests = watchModelRequests(page);
  await page.reload();
  await expect(app.status).toContainText('Model ready');
  await expect(page.getByText(/damaged in storage and downloaded again/)).toContainText(VISION);
  await expect(page.getByText(/damaged in storage and downloaded again/)).toContainText('tokenizer.json');
  expect([...requests.downloads].sort()).toEqual(['onnx/vision_model_quantized.onnx', 'tokenizer.json']);
  await expectClassifies(app);
  await expectStoreWhole(app);
});

test('a stored graph whose checksum holds but that ONNX Runtime rejects is downloaded again, and said', async ({
  app,
  page,
}) => {
  await app.openReady();
  // Garbled bytes with a matching checksum: only ONNX Runtime's own parser can tell.
  await damageStoredFile(page, VISION, 'consistent');
  const requests = watchModelRequests(page);
  await page.reload();
  await expect(app.status).toContainText('Model ready');
  await expect(page.getByText(/damaged in storage and downloaded again/)).toContainText(VISION);
  // ONNX Runtime does not say which graph it could not parse: every stored graph of the model comes again, once.
  expect(requests.downloads.filter((file) => file.endsWith('.onnx')).sort()).toEqual(
    ['onnx/text_model_quantized.onnx', VISION].sort(),
  );
  await expectClassifies(app);
  await expectStoreWhole(app);
});

test('a full storage quota (Chromium’s real quota override) keeps the model running and says it will download again', async ({
  app,
  page,
}) => {
  const cdp = await page.context().newCDPSession(page);
  await page.goto('/favicon.svg');
  // Room for the small files, not for the models: the store's writes really fail with QuotaExceededError.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(page.url()).origin, quotaSize: 20_000 });
  await app.openReady();
  await expect(page.getByText('Not enough storage space to keep fixtures/clip-colors')).toContainText(
    'downloaded again next time',
  );
  await expectClassifies(app);
  const stored = await storedFiles(page);
  expect(stored.map((f) => f.path)).not.toContain(VISION);
  for (const file of stored) expect(file.blobSize).toBe(file.size);
});

test('where site data is blocked (no IndexedDB at all) the model runs uncached, with a notice', async ({ baseURL }) => {
  // A real browser profile that blocks site data: IndexedDB refuses to open, in the page and the worker.
  const profile = mkdtempSync(join(tmpdir(), 'blocked-site-data-'));
  mkdirSync(join(profile, 'Default'));
  writeFileSync(
    join(profile, 'Default', 'Preferences'),
    JSON.stringify({ profile: { default_content_setting_values: { cookies: 2 } } }),
  );
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    baseURL,
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const app = new ClassifierPage(page);
    await app.openReady();
    const refused = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const request = indexedDB.open('probe');
          request.onsuccess = () => resolve('opened');
          request.onerror = () => resolve(request.error?.name ?? 'error');
        }),
    );
    expect(refused).toBe('UnknownError');
    await expect(
      page.getByText(/Model storage is unavailable in this window .* runs without being stored/),
    ).toBeVisible();
    await expectClassifies(app);
    // A second visit downloads again: nothing could be kept.
    const requests = watchModelRequests(page);
    await page.reload();
    await expect(app.status).toContainText('Model ready');
    expect(requests.downloads).toContain(VISION);
  } finally {
    await context.close();
  }
});

test('the storage panel shows the stored model and deleting it frees the entry', async ({ app, page }) => {
  await app.openReady();
  // Storage lives in the settings drawer (the library issue moved it there).
  await app.openSettings();
  const panel = page.getByRole('region', { name: 'Storage' });
  const entry = panel.getByRole('listitem').filter({ hasText: 'fixtures/clip-colors' });
  await expect(entry).toContainText(/\d+ kB in 6 files/);
  await expect(entry).toContainText('last used');
  await expect(panel).toContainText(/used of .* available to this site/);

  await panel.getByRole('button', { name: 'Delete fixtures/clip-colors' }).click();
  await expect(entry).toHaveCount(0);
  await expect(panel).toContainText('No models stored');
  expect(await storedFiles(page)).toEqual([]);

  const requests = watchModelRequests(page);
  await page.reload();
  await expect(app.status).toContainText('Model ready');
  expect(requests.downloads.length).toBeGreaterThan(0);
});

test('asking for persistent storage shows the browser’s answer', async ({ app, page }) => {
  await app.openReady();
  // Storage lives in the settings drawer (the library issue moved it there).
  await app.openSettings();
  const panel = page.getByRole('region', { name: 'Storage' });
  await panel.getByRole('button', { name: 'Keep stored models' }).click();
  // A fresh profile with no engagement says no (granting notifications does not change that headless).
  await expect(panel).toContainText('Not granted');
});

test('two tabs loading the same model at once download it once: the second waits for the first', async ({
  app,
  page,
  context,
}, testInfo) => {
  test.slow();
  const server = faultyHost(testInfo);
  // The first tab's vision download is held on the model host, so the second tab comes while it is loading.
  await server.fault(VISION, 'hold');
  const requests = watchModelRequests(page);
  await app.open(server.url);
  // Another origin: the first tab agrees to the download; the second finds it stored and asks nothing.
  await app.acceptDownload();
  await expect.poll(() => server.held()).toBe(1);
  await expect(app.status).toContainText('Loading model');

  const other = await context.newPage();
  const second = new ClassifierPage(other);
  await second.open(server.url);
  // The Web Lock makes it wait for the first tab, not start a download of its own.
  await expect(second.status).toContainText('waiting for another tab that is loading it.');
  expect(await server.held()).toBe(1);

  await server.release();
  await Promise.all([
    expect(app.status).toContainText('Model ready', { timeout: 60_000 }),
    expect(second.status).toContainText('Model ready', { timeout: 60_000 }),
  ]);
  expect([...requests.downloads].sort()).toEqual([...MODEL_FILES].sort());
  await expectStoreWhole(app);
  await expectClassifies(app, 'first-tab');
  await expectClassifies(second, 'second-tab');
});

test('the app is installable: a manifest with icons and a service worker', async ({ page, request }) => {
  await page.goto(FIXTURE_URL);
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  const manifest = await (await request.get(href ?? '')).json();
  expect(manifest).toMatchObject({ name: 'Zero-shot image classifier', display: 'standalone', start_url: '/' });
  expect(manifest.icons.map((icon: { sizes: string }) => icon.sizes)).toEqual(
    expect.arrayContaining(['192x192', '512x512']),
  );
  for (const icon of manifest.icons) expect((await request.get(icon.src)).status()).toBe(200);
  await expect
    .poll(() => page.evaluate(async () => (await navigator.serviceWorker.ready).active?.state))
    .toBe('activated');
});
