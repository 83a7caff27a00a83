/**
 * A link that names another host (issue 21): that host hears nothing from the page, not
 * `config.json`, not a size probe, until the person presses Download in the consent dialog, which
 * names the host and says so; the host is kept for later visits only once agreed to; `config.json`
 * is read to 1 MB at most. The host here is a real server on a port of its own that records every
 * request it gets (preflights included).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { handleModelRequest } from '../scripts/model-server.ts';
import { COLOURS, solidImage } from './images.ts';
import { expect, test } from './fixtures.ts';

const FIXTURES_DIR = fileURLToPath(new URL('../fixtures', import.meta.url));
/** The key the page keeps its settings under in localStorage (src/ui/session/url-settings.ts). */
const SAVED_SETTINGS = 'zero-shot-classifier settings';

interface RecordingHost {
  /** `http://127.0.0.1:{port}/models` */
  host: string;
  port: number;
  /** Every request the server got: method and path. */
  requests: string[];
  close(): Promise<void>;
}

/** A model host on a port of its own that serves the fixtures and writes down every request. */
async function recordingHost(): Promise<RecordingHost> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', '*');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (req.method === 'OPTIONS') {
      res.statusCode = 204;
      res.end();
      return;
    }
    // A config.json of 2 MB (a valid one, padded): the page must stop reading it at 1 MB.
    if (req.url?.startsWith('/models/fixtures/huge-config/')) {
      const body = JSON.stringify({ model_type: 'clip', padding: 'x'.repeat(2_000_000) });
      res.setHeader('Access-Control-Expose-Headers', 'Content-Length, Content-Range');
      res.setHeader('Content-Type', 'application/json');
      res.end(body);
      return;
    }
    // `/tampered/models/…`: the fixtures, with an ETag (the Hub's SHA-256) that the ONNX files' bytes do not match.
    if (req.url?.startsWith('/tampered/')) {
      req.url = req.url.slice('/tampered'.length);
      const path = req.url;
      const setHeader = res.setHeader.bind(res);
      res.setHeader = (name, value) =>
        setHeader(name, name.toLowerCase() === 'etag' && path.endsWith('.onnx') ? `"${'0'.repeat(64)}"` : value);
    }
    handleModelRequest(FIXTURES_DIR, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `http://127.0.0.1:${port}/models`,
    port,
    requests,
    // A page still holding a keep-alive socket (or a download cut short) would hold close() open forever.
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

let other: RecordingHost;
test.beforeEach(async () => {
  other = await recordingHost();
});
test.afterEach(async () => {
  await other.close();
});

test('a link to another host contacts it only after Download is pressed, and keeps it only then', async ({
  app,
  page,
}) => {
  const link = `/?host=${encodeURIComponent(other.host)}&model=fixtures/clip-colors`;
  await app.open(link);
  const dialog = app.consentDialog();
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(`127.0.0.1:${other.port}`);
  await expect(dialog).toContainText(`Nothing has been requested from 127.0.0.1:${other.port} yet`);
  // No size is shown as 0 B: it is not known, and the caps are what the person agrees to.
  await expect(dialog).toContainText('Not known yet: at most 2.0 GB in all, 1.5 GB a file');
  await expect(app.status).toContainText('Waiting for your go-ahead to download fixtures/clip-colors');
  // Labels applied while the dialog is open save the settings: the link's host is not among them.
  await page.keyboard.press('Escape');
  await expect(app.status).toContainText('Download cancelled: fixtures/clip-colors');
  await app.typeLabels('red, green, blue');
  await expect.poll(() => page.evaluate((key) => localStorage.getItem(key), SAVED_SETTINGS)).toContain('labels=');
  expect(await page.evaluate((key) => localStorage.getItem(key), SAVED_SETTINGS)).not.toContain(String(other.port));
  // A later visit to the bare app does not go there either.
  await app.open('/');
  await expect(app.status).not.toContainText('Waiting for your go-ahead');
  expect(new URL(page.url()).searchParams.get('host')).toBeNull();
  await page.waitForTimeout(1000);
  expect(other.requests).toEqual([]);

  await app.open(link);
  await expect(dialog).toContainText('Nothing has been requested');
  await page.waitForTimeout(1000);
  expect(other.requests).toEqual([]);
  await app.acceptDownload();
  await expect(app.status).toContainText('Model ready: fixtures/clip-colors', { timeout: 45_000 });
  expect(other.requests).toContain('GET /models/fixtures/clip-colors/resolve/main/config.json');
  expect(other.requests.some((request) => request.endsWith('vision_model_quantized.onnx'))).toBe(true);
  await expect
    .poll(() => page.evaluate((key) => localStorage.getItem(key), SAVED_SETTINGS))
    .toContain(encodeURIComponent(other.host));
  await app.addImages([await solidImage('probe', COLOURS.green)]);
  await app.expectTopLabel('probe.png', 'green');
});

test('a config.json over 1 MB is not read past 1 MB, with a message', async ({ app, page }) => {
  await app.open(`/?host=${encodeURIComponent(other.host)}&model=fixtures/huge-config`);
  await app.acceptDownload();
  await expect(page.getByRole('alert')).toContainText(
    'config.json: the host sent more than 1.0 MB, the most this app accepts here, so the download was stopped.',
  );
});

test('a downloaded file whose SHA-256 is not its host’s checksum fails the load: not stored, not run', async ({
  app,
  page,
}) => {
  const host = other.host.replace('/models', '/tampered/models');
  await app.open(`/?host=${encodeURIComponent(host)}&model=fixtures/clip-colors`);
  await app.acceptDownload();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText(
    /onnx\/(text|vision)_model_quantized\.onnx of fixtures\/clip-colors does not match/,
  );
  await expect(alert).toContainText('so it was neither stored nor run');
  await expect(app.status).not.toContainText('Model ready');
});
