/**
 * Trust and data safety (issue 14): consent before a foreign, uncatalogued, large or data-saving
 * download, only planned files downloaded, a strict Content-Security-Policy in every state, SVG
 * that never becomes a document, and a long ensemble label list that still fits in memory.
 */
import type { Page } from '@playwright/test';
import { COLOURS, solidImage } from './images.ts';
import {
  FAULT_PORT,
  FIXTURE_URL,
  OTHER_HOST,
  STATIC_ORIGIN,
  expect,
  faultyHost,
  test,
  watchModelRequests,
} from './fixtures.ts';

test.describe('consent before a download', () => {
  test('a model on another origin waits for Download: the dialog names the host, and nothing was asked of it yet', async ({
    app,
    page,
  }, testInfo) => {
    const server = faultyHost(testInfo, OTHER_HOST);
    const requests = watchModelRequests(page);
    await app.open(server.url);
    const dialog = app.consentDialog();
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText(`127.0.0.1:${FAULT_PORT}`);
    await expect(dialog).toContainText('fixtures/clip-colors');
    // Not even config.json or a size probe went out: the size is not known, and the caps are shown instead.
    await expect(dialog).toContainText(`Nothing has been requested from 127.0.0.1:${FAULT_PORT} yet`);
    await expect(dialog).toContainText('Not known yet: at most 2.0 GB in all, 1.5 GB a file');
    await expect(dialog).toContainText('neither the Hugging Face Hub nor this app’s own server');
    await expect(app.status).toContainText(
      'Waiting for your go-ahead to download fixtures/clip-colors (size not known yet)',
    );
    expect(requests.all).toEqual([]);

    await app.acceptDownload();
    await expect(dialog).toHaveCount(0);
    await expect(app.status).toContainText('Model ready: fixtures/clip-colors', { timeout: 45_000 });
    expect(requests.downloads.filter((file) => file.endsWith('.onnx')).sort()).toEqual([
      'onnx/text_model_quantized.onnx',
      'onnx/vision_model_quantized.onnx',
    ]);
    // The status names the host whenever it is not the default Hub.
    await expect(app.status).toContainText(`Host: ${server.host}.`);
    await app.addImages([await solidImage('probe', COLOURS.green)]);
    await app.typeLabels('red, green, blue');
    await app.expectTopLabel('probe.png', 'green');
  });

  test('Cancel in the dialog downloads nothing', async ({ app, page }, testInfo) => {
    const server = faultyHost(testInfo, OTHER_HOST);
    const requests = watchModelRequests(page);
    await app.open(server.url);
    await app.consentDialog().getByRole('button', { name: 'Cancel' }).click();
    await expect(app.status).toContainText('Download cancelled: fixtures/clip-colors');
    // A round trip through the worker, asked after the Cancel: anything the Cancel left running there was
    // started by then. Nothing was stored, since nothing was requested.
    await app.openSettings();
    await expect(
      page.getByRole('list', { name: 'Stored models' }).or(page.getByText('No models stored on this device yet.')),
    ).toBeVisible();
    expect(requests.all).toEqual([]);
  });

  test('the browser’s data saver asks first, even on the app’s own host', async ({ app, page }) => {
    await page.addInitScript(() => Object.defineProperty(navigator, 'connection', { value: { saveData: true } }));
    const requests = watchModelRequests(page);
    await app.open();
    await expect(app.consentDialog()).toContainText('Your browser asks to save data.');
    expect(requests.downloads).toEqual(['config.json']);
    await app.acceptDownload();
    await expect(app.status).toContainText('Model ready', { timeout: 45_000 });
  });

  test('a model that may not fit in the device’s memory is warned about, with a smaller precision offered', async ({
    app,
    page,
  }) => {
    // About 107 kB of memory: the fixture (about 140 kB × 2.5 at fp32 or q8) does not fit.
    await page.addInitScript(() => Object.defineProperty(navigator, 'deviceMemory', { value: 0.0001 }));
    await app.open(`${FIXTURE_URL}&dtype=fp32`);
    const dialog = app.consentDialog();
    await expect(dialog).toContainText(
      /It needs about \d+(\.\d)? (kB|MB) of memory while it runs; this device reports 0.0001 GB/,
    );
    await dialog.getByRole('button', { name: 'Use q8 instead' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('dtype')).toBe('q8');
    // Still too large for 1 MB: asked again, now for q8, which the person accepts.
    await expect(dialog).toContainText('It needs about');
    await app.acceptDownload();
    await expect(app.status).toContainText('Model ready: fixtures/clip-colors (WASM, ', { timeout: 45_000 });
    await expect(app.status).toContainText('q8');
  });

  test('a file the plan did not show (external data asked for by config.json) is refused with a message', async ({
    app,
    page,
  }, testInfo) => {
    const server = faultyHost(testInfo, OTHER_HOST);
    await server.fault('config.json', 'external-data');
    const requests = watchModelRequests(page);
    await app.open(server.url);
    await app.acceptDownload();
    const alert = page.getByRole('alert');
    await expect(alert).toContainText(/asked for onnx\/(text|vision)_model_quantized\.onnx_data/);
    await expect(alert).toContainText('not among the files shown before the download, so it was refused');
    // Size probes aside, the unplanned files were never downloaded.
    expect(requests.downloads.filter((file) => file.endsWith('_data'))).toEqual([]);
  });
});

/** Collects CSP violations: `securitypolicyviolation` in the page, and the browser's reports (workers included). */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  const reported: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) reported.push(message.text());
  });
  await page.addInitScript(() => {
    const seen: string[] = [];
    Object.assign(window, { __cspViolations: seen });
    document.addEventListener('securitypolicyviolation', (event) =>
      seen.push(`${event.violatedDirective} ${event.blockedURI}`),
    );
  });
  return async () => [
    ...reported,
    ...(await page.evaluate(() => (window as unknown as { __cspViolations?: string[] }).__cspViolations ?? [])),
  ];
}

test.describe('Content-Security-Policy', () => {
  test('the page carries a strict policy as a meta tag and a header, with nosniff and a referrer policy', async ({
    page,
  }) => {
    const response = await page.goto(FIXTURE_URL);
    const headers = response?.headers() ?? {};
    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    for (const policy of [meta ?? '', headers['content-security-policy'] ?? '']) {
      expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(policy).not.toContain('unsafe-inline');
      expect(policy).not.toContain("'unsafe-eval'");
      expect(policy).toContain("object-src 'none'");
      expect(policy).toContain("base-uri 'none'");
      expect(policy).toContain("img-src 'self' blob: data:");
      expect(policy).toMatch(/connect-src [^;]*http: https:/);
    }
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
  });

  test('no page state reports a violation: ready, consent, results (grid and table), search, heat map, settings, error, offline', async ({
    app,
    page,
    context,
  }, testInfo) => {
    test.slow();
    const violations = await watchViolations(page);
    await app.openReady();
    await app.typeLabels('red, green, blue');
    await app.addImages([await solidImage('red', COLOURS.red), await solidImage('blue', COLOURS.blue, 'jpeg')]);
    await app.expectTopLabel('red.png', 'red');
    await expect(page.locator('img[src^="blob:"]').first()).toBeVisible();
    await page.getByRole('button', { name: 'Table' }).click();
    await page.getByRole('button', { name: 'Grid' }).click();
    // Search by text and by picture, and a heat map (its canvas and crops).
    const search = page.getByRole('searchbox', { name: 'Search images' });
    await search.fill('blue');
    const hits = page.getByRole('list', { name: 'Search results' }).getByRole('listitem');
    await expect(hits.first()).toContainText('blue.jpg');
    await search.fill('');
    await page.getByRole('button', { name: 'More like red.png' }).click();
    await expect(page.getByRole('heading', { name: 'Pictures like red.png' })).toBeVisible();
    await page.getByRole('button', { name: 'Back to the library' }).click();
    await page.getByRole('button', { name: 'Where does red match in red.png' }).click();
    const heat = page.getByRole('dialog', { name: 'Where “red” matches in red.png' });
    await expect(heat.getByRole('img', { name: /“red” matches most strongly/ })).toBeVisible({ timeout: 60_000 });
    await heat.getByRole('button', { name: 'Done' }).click();
    await app.openSettings();
    // ONNX Runtime's threads really ran (its WASM compiled under 'wasm-unsafe-eval').
    await expect(app.status).toHaveText(/\(WASM, [2-8] threads, /);

    const server = faultyHost(testInfo, OTHER_HOST);
    await app.open(server.url);
    await expect(app.consentDialog()).toBeVisible();
    await app.open('/?host=/models&model=fixtures/text-only');
    await expect(page.getByRole('alert')).toBeVisible();

    // Offline, from the service worker (which sends the policy itself).
    await app.openReady();
    await page.evaluate(() => navigator.serviceWorker.ready);
    await context.setOffline(true);
    await page.reload();
    await expect(app.status).toContainText('Model ready: fixtures/clip-colors');
    await app.typeLabels('red, green, blue');
    await app.expectTopLabel('red.png', 'red');
    expect(await violations()).toEqual([]);
  });

  test('on static hosting the service worker sends the policy, and nothing violates it', async ({ app, page }) => {
    test.slow();
    const violations = await watchViolations(page);
    await page.goto(`${STATIC_ORIGIN}${FIXTURE_URL}`);
    await expect
      .poll(() => page.evaluate(() => crossOriginIsolated).catch(() => false), { timeout: 90_000 })
      .toBe(true);
    await expect(app.status).toContainText('Model ready', { timeout: 60_000 });
    const beforeReload = await violations();
    // The page itself, as the service worker now serves it (the static server sends no policy).
    const reloaded = await page.reload();
    expect(reloaded?.fromServiceWorker()).toBe(true);
    const served = (await reloaded?.allHeaders()) ?? {};
    const headers = { csp: served['content-security-policy'], nosniff: served['x-content-type-options'] };
    await expect(app.status).toContainText('Model ready', { timeout: 60_000 });
    expect(headers.csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(headers.nosniff).toBe('nosniff');
    await app.typeLabels('red, blue');
    await app.addImages([await solidImage('blue', COLOURS.blue)]);
    await app.expectTopLabel('blue.png', 'blue');
    expect([...beforeReload, ...(await violations())]).toEqual([]);
  });
});

test('a dropped SVG with a script is classified, and no blob: SVG is left in any img or link', async ({
  app,
  page,
}) => {
  // Every object URL the page makes, with the type of what it points to.
  await page.addInitScript(() => {
    const made: string[] = [];
    Object.assign(window, { __objectUrlTypes: made });
    const create = URL.createObjectURL.bind(URL);
    URL.createObjectURL = (object: Blob | MediaSource) => {
      made.push(object instanceof Blob ? object.type : 'media-source');
      return create(object);
    };
  });
  await app.openReady();
  await app.typeLabels('red, green, blue');
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="40">' +
    '<script>window.top.__svgScriptRan = true; parent.__svgScriptRan = true;</script>' +
    '<rect width="60" height="40" fill="#0000d0"/></svg>';
  await app.dropImages([{ name: 'script.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(svg) }]);
  await app.expectTopLabel('script.svg', 'blue');
  await expect(page.getByRole('article', { name: 'script.svg' }).locator('img')).toBeVisible();

  const found = await page.evaluate(async () => {
    const urls = [
      ...[...document.querySelectorAll('img')].map((img) => img.src),
      ...[...document.querySelectorAll('a[href], link[href]')].map((a) => (a as HTMLAnchorElement).href),
    ].filter((url) => url.startsWith('blob:'));
    const bodies = await Promise.all(
      urls.map(async (url) => {
        const blob = await (await fetch(url)).blob();
        return { type: blob.type, svg: /<svg/i.test(await blob.slice(0, 4096).text()) };
      }),
    );
    return {
      bodies,
      made: (window as unknown as { __objectUrlTypes: string[] }).__objectUrlTypes,
      ran: (window as unknown as { __svgScriptRan?: boolean }).__svgScriptRan ?? false,
    };
  });
  expect(found.bodies.length).toBeGreaterThan(0);
  for (const body of found.bodies) expect(body).toEqual({ type: 'image/webp', svg: false });
  expect(found.made).not.toContain('image/svg+xml');
  expect(found.ran).toBe(false);
});

test('1,000 labels with “Prompt ensemble: average 7 templates” still classify a red image, red first', async ({
  app,
  page,
}) => {
  test.slow();
  await app.openReady();
  await page.getByLabel('Prompt ensemble: average 7 templates').check();
  const labels = ['red', 'green', 'blue', ...Array.from({ length: 997 }, (_, i) => `thing${i + 1}`)];
  await app.typeLabels(labels.join(', '));
  await app.addImages([await solidImage('red', COLOURS.red)]);
  await expect(app.scores('red.png').first()).toHaveText(/^red \d{1,3}\.\d%$/, { timeout: 120_000 });
  // 7,000 prompts encoded in passes of at most 64: all of them, none failed.
  expect((await app.work()).texts).toBe(7000);
});
