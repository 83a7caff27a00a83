/**
 * Serves the production build (`dist/`) the way plain static hosting does (GitHub Pages, a bucket):
 * no COOP/COEP headers, so cross-origin isolation has to come from the app's service worker. Also
 * serves the fixtures under `/models/`. For the update test, `POST /__next-version` makes the
 * service worker script differ from then on, as a new deployment would.
 *
 * Usage: tsx scripts/static-server.ts [port]
 */
import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { handleModelRequest, MODELS_PREFIX } from './model-server.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const FIXTURES = join(ROOT, 'fixtures');
const port = Number(process.argv[2] ?? 4175);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
  '.json': 'application/json',
};

let version = 0;

createServer((req, res) => {
  const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
  if (path === '/__next-version' && req.method === 'POST') {
    version += 1;
    res.end(String(version));
    return;
  }
  if (path.startsWith(MODELS_PREFIX)) {
    handleModelRequest(FIXTURES, req, res);
    // Plain static hosting sends no isolation headers on anything.
    return;
  }
  const file = normalize(join(DIST, path === '/' ? 'index.html' : path));
  const stats = file.startsWith(DIST + sep) ? statSync(file, { throwIfNoEntry: false }) : undefined;
  if (!stats?.isFile()) {
    res.statusCode = 404;
    res.end('Not found');
    return;
  }
  let body: Buffer = readFileSync(file);
  if (path === '/service-worker.js' && version > 0)
    body = Buffer.concat([body, Buffer.from(`\n// version ${version}\n`)]);
  res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
  res.setHeader('Cache-Control', 'no-cache');
  res.end(body);
}).listen(port, () => console.log(`static server on http://localhost:${port}`));
