/**
 * A second model host for the end-to-end tests: serves the fixtures like the app's own `/models/`
 * route, under `/{token}/models/…` (one token per test, so tests do not share faults or stored
 * models), and misbehaves on request: `POST /{token}/faults {"file": "onnx/…", "mode": "cut" | "stall" | "missing" | "hold",
 * "times": 1}` makes the next downloads of that file stop halfway: the connection is dropped, or it
 * stays open with nothing more coming; or makes the file a 404 for good; or holds every download of it
 * unanswered until `POST /{token}/release`, then serves them whole; or ('external-data', for
 * config.json) makes config.json ask for external weight data files that the app never planned.
 * `GET /{token}/held` counts downloads held now; `GET /{token}/abandoned` counts stalled downloads
 * the client gave up on (closed).
 *
 * Usage: tsx e2e/servers/fault-server.ts [port]
 */
import { statSync, createReadStream, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { handleModelRequest } from '../../scripts/model-server.ts';

const FIXTURES_DIR = fileURLToPath(new URL('../../fixtures', import.meta.url));
const port = Number(process.argv[2] ?? 4174);

type Mode = 'cut' | 'stall' | 'missing' | 'hold' | 'external-data';
interface Fault {
  mode: Mode;
  times: number;
}
const faults = new Map<string, Fault>();
/** Per token: downloads the client gave up on before the last byte (a cancelled download). */
const abandoned = new Map<string, number>();
/** Per token: downloads held unanswered, each served once the test releases them. */
const held = new Map<string, (() => void)[]>();

function cors(res: ServerResponse): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Headers', '*');
  res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, POST, OPTIONS');
  res.setHeader('Access-Control-Expose-Headers', 'Content-Length, Content-Range, ETag, Accept-Ranges');
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
}

async function readJson(req: IncomingMessage): Promise<{ file: string; mode: Mode; times?: number }> {
  let body = '';
  for await (const chunk of req) body += String(chunk);
  return JSON.parse(body) as { file: string; mode: Mode; times?: number };
}

/** Sends the full headers of `path`, then only half of it: at once, then drops the connection ('cut'),
 * or slowly, then waits with the connection open until the client closes it ('stall'). */
function misbehave(mode: 'cut' | 'stall', path: string, res: ServerResponse, token: string): void {
  const size = statSync(path).size;
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) });
  res.on('close', () => {
    if (mode === 'stall' && !res.writableFinished) abandoned.set(token, (abandoned.get(token) ?? 0) + 1);
  });
  if (mode === 'cut') {
    createReadStream(path, { start: 0, end: Math.floor(size / 2) - 1 })
      .on('end', () => setTimeout(() => res.socket?.destroy(), 50))
      .pipe(res, { end: false });
    return;
  }
  // 'stall': the first half trickles in, then nothing more comes until the client gives up.
  const stream = createReadStream(path, { start: 0, end: Math.floor(size / 2) - 1, highWaterMark: 2048 });
  stream.on('data', (chunk) => {
    stream.pause();
    res.write(chunk, () => setTimeout(() => stream.resume(), 100));
  });
  res.on('close', () => stream.destroy());
}

const ROUTE = /^\/([\w-]+)(\/models\/fixtures\/([^/]+)\/resolve\/[^/]+\/(.+))$/;

createServer((req, res) => {
  cors(res);
  const url = req.url ?? '/';
  if (req.method === 'OPTIONS') {
    res.statusCode = 204;
    res.end();
    return;
  }
  if (url === '/health') {
    res.end('ok');
    return;
  }
  const heldRoute = /^\/([\w-]+)\/held$/.exec(url);
  if (heldRoute) {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(held.get(heldRoute[1])?.length ?? 0));
    return;
  }
  const logRoute = /^\/([\w-]+)\/abandoned$/.exec(url);
  if (logRoute) {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(abandoned.get(logRoute[1]) ?? 0));
    return;
  }
  const releaseRoute = /^\/([\w-]+)\/release$/.exec(url);
  if (releaseRoute && req.method === 'POST') {
    for (const [key, fault] of faults)
      if (key.startsWith(`${releaseRoute[1]}:`) && fault.mode === 'hold') faults.delete(key);
    const waiting = held.get(releaseRoute[1]) ?? [];
    held.delete(releaseRoute[1]);
    for (const serve of waiting) serve();
    res.end(String(waiting.length));
    return;
  }
  const faultRoute = /^\/([\w-]+)\/faults$/.exec(url);
  if (faultRoute && req.method === 'POST') {
    readJson(req)
      .then(({ file, mode, times = 1 }) => {
        faults.set(`${faultRoute[1]}:${file}`, { mode, times });
        res.end('ok');
      })
      .catch((error: unknown) => {
        res.statusCode = 400;
        res.end(String(error));
      });
    return;
  }
  const match = ROUTE.exec(url.split('?')[0]);
  if (!match) {
    res.statusCode = 404;
    res.end('Entry not found');
    return;
  }
  const [, token, modelsPath, repo, file] = match;
  const fault = faults.get(`${token}:${file}`);
  // Size probes (one-byte ranges) are answered normally: only real downloads misbehave.
  // 'missing': the repository does not have that file at all (probes included).
  if (fault?.mode === 'missing') {
    res.statusCode = 404;
    res.end('Entry not found');
    return;
  }
  if (fault?.mode === 'external-data') {
    const config = JSON.parse(readFileSync(join(FIXTURES_DIR, repo, file), 'utf8')) as Record<string, unknown>;
    const body = JSON.stringify({ ...config, 'transformers.js_config': { use_external_data_format: true } });
    const length = Buffer.byteLength(body);
    res.setHeader('Content-Type', 'application/json');
    if (req.headers.range) {
      // A size probe: the first byte, and the whole length.
      res.statusCode = 206;
      res.setHeader('Content-Range', `bytes 0-0/${length}`);
      res.setHeader('Content-Length', '1');
      res.end(req.method === 'HEAD' ? undefined : body.slice(0, 1));
    } else {
      res.setHeader('Content-Length', String(length));
      res.end(req.method === 'HEAD' ? undefined : body);
    }
    return;
  }
  req.url = modelsPath;
  if (fault?.mode === 'hold' && req.method === 'GET' && !req.headers.range) {
    held.set(token, [...(held.get(token) ?? []), () => handleModelRequest(FIXTURES_DIR, req, res)]);
    return;
  }
  if (fault && fault.times > 0 && req.method === 'GET' && !req.headers.range) {
    fault.times -= 1;
    misbehave(fault.mode as 'cut' | 'stall', join(FIXTURES_DIR, repo, file), res, token);
    return;
  }
  handleModelRequest(FIXTURES_DIR, req, res);
}).listen(port, () => console.log(`fault server on http://localhost:${port}`));
