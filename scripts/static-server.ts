/**
 * Serves the production build (`dist/`) the way plain static hosting does (GitHub Pages, a bucket):
 * no COOP/COEP headers, so cross-origin isolation has to come from the app's service worker. Also
 * serves the fixtures under `/models/`, and the reference page (`dist-bench/`, the transformers.js
 * pipeline for the parity tests) under `/bench/`. For the update test, `POST /__next-version` makes the
 * service worker script differ from then on, as a new deployment would.
 *
 * Usage: tsx scripts/static-server.ts [port]
 */
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { handleModelRequest, MODELS_PREFIX } from './model-server.ts';
import { fileFor, sendFile } from './static-files.ts';
import { decodeUriComponentSafely } from '../src/shared/uri.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(ROOT, 'dist');
const DIST_BENCH = join(ROOT, 'dist-bench');
const FIXTURES = join(ROOT, 'fixtures');
const port = Number(process.argv[2] ?? 4175);

let version = 0;

createServer((req, res) => {
  // A malformed escape must not bring the server down: it is kept as written (and then not found).
  const path = decodeUriComponentSafely((req.url ?? '/').split('?')[0]);
  if (path === '/__next-version' && req.method === 'POST') {
    version += 1;
    res.end(String(version));
  } else if (path.startsWith(MODELS_PREFIX)) {
    handleModelRequest(FIXTURES, req, res);
  } else if (path.startsWith('/bench/')) {
    sendFile(res, fileFor(DIST_BENCH, path.slice('/bench'.length)));
  } else {
    const bump = (body: Buffer) => Buffer.concat([body, Buffer.from(`\n// version ${version}\n`)]);
    sendFile(res, fileFor(DIST, path), path === '/service-worker.js' && version > 0 ? bump : undefined);
  }
}).listen(port, () => console.log(`static server on http://localhost:${port}`));
