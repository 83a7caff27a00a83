/**
 * Serves the generated fixtures Hub-style: `/models/{org}/{name}/resolve/{revision}/{file}` →
 * `fixtures/{name}/{file}` for org `fixtures`. Missing files get a real 404 (never the SPA's
 * index.html), byte ranges are honoured, and every response carries a strong ETag.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync, type Stats } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import type { Plugin } from 'vite';
import { DEV_CONTENT_SECURITY_POLICY, securityHeaders } from '../src/shared/csp.ts';
import { decodeUriComponentSafely } from '../src/shared/uri.ts';

export const MODELS_PREFIX = '/models/';
const ROUTE = /^\/models\/([^/]+)\/([^/]+)\/resolve\/([^/]+)\/(.+)$/;

/** Cross-origin isolation (needed for multi-threaded WASM) for every response the app serves. */
export const ISOLATION_HEADERS: Record<string, string> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** Every response of the built app (preview): isolation, the Content-Security-Policy, nosniff, no referrer. */
export const APP_HEADERS: Record<string, string> = { ...ISOLATION_HEADERS, ...securityHeaders() };
/** The same in the dev server, whose policy also allows what Vite's hot reload needs (see csp.ts). */
export const DEV_APP_HEADERS: Record<string, string> = {
  ...ISOLATION_HEADERS,
  ...securityHeaders(DEV_CONTENT_SECURITY_POLICY),
};

const etags = new Map<string, string>();

function etagOf(path: string, stats: Stats): string {
  const key = `${path}:${stats.size}:${stats.mtimeMs}`;
  let etag = etags.get(key);
  if (!etag) {
    // Like the Hub's ETag for LFS files: the SHA-256 of the content (hashed once per version).
    etag = `"${createHash('sha256').update(readFileSync(path)).digest('hex')}"`;
    etags.set(key, etag);
  }
  return etag;
}

function resolveFixture(fixturesDir: string, url: string): string | null {
  const match = ROUTE.exec(decodeUriComponentSafely(url.split('?')[0]));
  if (!match) return null;
  const [, org, name, , file] = match;
  if (org !== 'fixtures') return null;
  const path = normalize(join(fixturesDir, name, file));
  return path.startsWith(fixturesDir + sep) ? path : null;
}

function notFound(res: ServerResponse): void {
  res.statusCode = 404;
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  res.setHeader('X-Error-Code', 'EntryNotFound');
  res.end('Entry not found');
}

export function handleModelRequest(fixturesDir: string, req: IncomingMessage, res: ServerResponse): void {
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(name, value);
  // Like the Hub: readable from other origins, with the headers a downloader needs.
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'Content-Length, Content-Range, ETag, Accept-Ranges');
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.statusCode = 405;
    res.end();
    return;
  }
  const path = resolveFixture(fixturesDir, req.url ?? '');
  const stats = path ? statSync(path, { throwIfNoEntry: false }) : undefined;
  if (!path || !stats?.isFile()) {
    notFound(res);
    return;
  }
  const etag = etagOf(path, stats);
  res.setHeader('ETag', etag);
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('Content-Type', extname(path) === '.json' ? 'application/json' : 'application/octet-stream');
  if (req.headers['if-none-match'] === etag) {
    res.statusCode = 304;
    res.end();
    return;
  }
  let start = 0;
  let end = stats.size - 1;
  const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  if (range && (range[1] || range[2])) {
    if (range[1]) {
      start = Number(range[1]);
      end = range[2] ? Math.min(Number(range[2]), stats.size - 1) : stats.size - 1;
    } else {
      start = Math.max(0, stats.size - Number(range[2]));
    }
    if (start > end || start >= stats.size) {
      res.statusCode = 416;
      res.setHeader('Content-Range', `bytes */${stats.size}`);
      res.end();
      return;
    }
    res.statusCode = 206;
    res.setHeader('Content-Range', `bytes ${start}-${end}/${stats.size}`);
  } else {
    res.statusCode = 200;
  }
  res.setHeader('Content-Length', String(end - start + 1));
  if (req.method === 'HEAD' || stats.size === 0) {
    res.end();
    return;
  }
  createReadStream(path, { start, end }).pipe(res);
}

/** Adds the `/models/` route to the dev server and the preview server. */
export function modelFixtures(fixturesDir: string): Plugin {
  const middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    if (req.url?.startsWith(MODELS_PREFIX)) handleModelRequest(fixturesDir, req, res);
    else next();
  };
  return {
    name: 'model-fixtures',
    configureServer(server) {
      server.middlewares.use(middleware);
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware);
    },
  };
}
