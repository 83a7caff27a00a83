/** Serves files from a build folder: real 404s, content types, no caching surprises. */
import { readFileSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webmanifest': 'application/manifest+json',
  '.json': 'application/json',
};

/** The file under `root` for a URL path (`/` is index.html), or null outside it or missing. */
export function fileFor(root: string, path: string): string | null {
  const file = normalize(join(root, path === '/' || path === '' ? 'index.html' : path));
  if (!file.startsWith(root + sep)) return null;
  return statSync(file, { throwIfNoEntry: false })?.isFile() ? file : null;
}

export function sendFile(res: ServerResponse, file: string | null, transform?: (body: Buffer) => Buffer): void {
  if (file === null) {
    res.statusCode = 404;
    res.end('Not found');
    return;
  }
  const body = readFileSync(file);
  res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
  res.setHeader('Cache-Control', 'no-cache');
  res.end(transform ? transform(body) : body);
}
