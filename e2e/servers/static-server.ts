/**
 * Serves the production build (`dist/`) the way plain static hosting does (GitHub Pages, a bucket):
 * no COOP/COEP headers, so cross-origin isolation has to come from the app's service worker. Also
 * serves the fixtures under `/models/`, and the reference page (`dist-bench/`, the transformers.js
 * pipeline for the parity tests) under `/bench/`. `POST /__next-version` makes the service worker
 * script differ from then on, as a new deployment would; a test that deploys starts its own server
 * (`startStaticServer`), so no other test sees its versions.
 *
 * Usage: tsx e2e/servers/static-server.ts [port]
 */
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { handleModelRequest, MODELS_PREFIX } from '../../scripts/model-server.ts';
import { fileFor, sendFile } from './static-files.ts';
import { decodeUriComponentSafely } from '../../src/shared/uri.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DIST = join(ROOT, 'dist');
const DIST_BENCH = join(ROOT, 'dist-bench');
const FIXTURES = join(ROOT, 'fixtures');
export interface StaticServer {
  origin: string;
  /** A new deployment: the service worker script differs from now on. */
  nextVersion(): void;
  close(): Promise<void>;
}

/** Starts a server with its own version (port 0: any free port), so tests that deploy do not share one. */
export function startStaticServer(port = 0): Promise<StaticServer> {
  let version = 0;
  const server = createServer((req, res) => {
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
  });
  return new Promise((resolve) => {
    server.listen(port, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : port;
      resolve({
        origin: `http://localhost:${bound}`,
        nextVersion: () => void (version += 1),
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // A browser keeps connections alive; the test is over.
            server.closeAllConnections();
          }),
      });
    });
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  void startStaticServer(Number(process.argv[2] ?? 4175)).then((server) =>
    console.log(`static server on ${server.origin}`),
  );
}
