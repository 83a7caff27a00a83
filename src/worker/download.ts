/**
 * The fetch transformers.js downloads through: cancellable with the load's AbortSignal, and strict
 * about lengths, so a file cut off mid-transfer fails loudly, naming the file, instead of reaching
 * ONNX Runtime (or the store) short. It downloads only what the plan shown to the person holds:
 * `config.json` until the plan is made, then the plan's files, none longer than planned (size
 * probes, one-byte range requests, go through at any time).
 */
import { formatBytes } from '../shared/format.ts';
import type { LoadFailure } from '../shared/failures.ts';
import type { PlannedFile } from '../shared/types.ts';
import { isLocalModelUrl } from '../shared/model-source.ts';
import { decodeUriComponentSafely } from '../shared/uri.ts';

export type DownloadFailure = Extract<LoadFailure, { code: 'download-failed' }>;

export class DownloadError extends Error {
  override name = 'DownloadError';
  constructor(readonly failure: DownloadFailure) {
    const { file, kind, received, expected } = failure;
    const amount = expected === null ? formatBytes(received) : `${formatBytes(received)} of ${formatBytes(expected)}`;
    super(
      kind === 'long'
        ? `${file}: the host sent more than the ${formatBytes(expected ?? 0)} planned.`
        : `${file}: ${kind === 'lost' ? 'the connection was lost' : 'the download stopped'} after ${amount}.`,
    );
  }
}

/** A file the plan shown before the download does not hold: it is not downloaded. */
export class NotPlannedError extends Error {
  override name = 'NotPlannedError';
  constructor(readonly file: string) {
    super(`${file} is not among the files shown before the download; it was not downloaded.`);
  }
}

/**
 * The files a load may download in full: `config.json` (which the plan is made from) until the
 * plan is set, then exactly the plan's files, each at most its planned size (when the host said it).
 */
export class DownloadPlan {
  private files: Map<string, number> | null = null;

  set(files: readonly PlannedFile[]): void {
    this.files = new Map(files.map((file) => [file.file, file.size]));
  }

  /** The most bytes `file` may have (null: not known); throws NotPlannedError for a file outside the plan. */
  allow(file: string): number | null {
    if (this.files === null) {
      if (file === 'config.json') return null;
      throw new NotPlannedError(file);
    }
    const size = this.files.get(file);
    if (size === undefined) throw new NotPlannedError(file);
    return size > 0 ? size : null;
  }
}

/** `…/resolve/main/onnx/model.onnx` → `onnx/model.onnx`. */
export function repoPath(url: string): string {
  const match = /\/resolve\/[^/]+\/(.+)$/.exec(new URL(url).pathname);
  return match ? decodeUriComponentSafely(match[1]) : url;
}

/** What the downloads of one load have seen, for the store to check bodies against. */
export class DownloadLog {
  private readonly declared = new Map<string, number>();

  declare(url: string, length: number): void {
    this.declared.set(url, length);
  }

  /** The length the server declared for a full download of `url`, if it declared one. */
  declaredLength(url: string): number | undefined {
    return this.declared.get(url);
  }
}

/**
 * Re-streams a body, failing with a DownloadError when it ends or breaks before `expected` bytes,
 * or goes on past `limit` bytes (the planned size).
 */
function checkedBody(
  body: ReadableStream<Uint8Array>,
  file: string,
  expected: number | null,
  limit: number | null,
): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let received = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        if (error instanceof Error && error.name === 'AbortError') throw error;
        throw new DownloadError({ code: 'download-failed', file, kind: 'lost', received, expected });
      }
      if (chunk.done) {
        if (expected !== null && received < expected) {
          controller.error(new DownloadError({ code: 'download-failed', file, kind: 'short', received, expected }));
        } else {
          controller.close();
        }
        return;
      }
      received += chunk.value.byteLength;
      if (limit !== null && received > limit) {
        await reader.cancel().catch(() => undefined);
        controller.error(new DownloadError({ code: 'download-failed', file, kind: 'long', received, expected: limit }));
        return;
      }
      controller.enqueue(chunk.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

export function createCheckedFetch(signal: AbortSignal, log: DownloadLog, plan: DownloadPlan): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const file = repoPath(url);
    // An imported model is only in the store: a file its folder lacked does not exist anywhere.
    if (isLocalModelUrl(url, self.location.origin)) {
      return new Response(`${file} was not in the imported folder.`, { status: 404, statusText: 'Not Found' });
    }
    const ranged = new Headers(init?.headers).has('Range');
    // Size probes read a byte; a full download must be in the plan.
    const limit = ranged ? null : plan.allow(file);
    let response: Response;
    try {
      response = await fetch(input, {
        ...init,
        signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal,
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : error;
      throw error;
    }
    if (!response.ok || !response.body || ranged || response.status !== 200) return response;
    // With a content encoding the declared length is of the encoded bytes, not of the body read.
    const length = response.headers.get('content-encoding') ? null : response.headers.get('content-length');
    const expected = length === null ? null : Number(length);
    if (expected !== null) log.declare(url, expected);
    if (limit !== null && expected !== null && expected > limit) {
      await response.body.cancel().catch(() => undefined);
      throw new DownloadError({ code: 'download-failed', file, kind: 'long', received: 0, expected: limit });
    }
    return new Response(checkedBody(response.body, file, expected, limit), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
