/**
 * The fetch transformers.js downloads through: cancellable with the load's AbortSignal, and strict
 * about lengths, so a file cut off mid-transfer fails loudly, naming the file, instead of reaching
 * ONNX Runtime (or the store) short. It downloads only what the plan shown to the person holds:
 * `config.json` (at most 1 MB) until the plan is made, then the plan's files, none longer than
 * planned or capped (size probes, one-byte range requests, go through once the host may be contacted).
 */
import { formatBytes } from '../../shared/format.ts';
import type { LoadFailure } from '../../shared/failures.ts';
import type { PlannedFile } from '../../shared/types.ts';
import { CONFIG_CAP_BYTES, UNKNOWN_SIZE_FILE_CAP } from '../../shared/consent.ts';
import { isLocalModelUrl } from '../../shared/model-source.ts';
import { decodeUriComponentSafely } from '../../shared/uri.ts';

export type DownloadFailure = Extract<LoadFailure, { code: 'download-failed' }>;

export class DownloadError extends Error {
  override name = 'DownloadError';
  constructor(readonly failure: DownloadFailure) {
    const { file, kind, received, expected } = failure;
    const amount = expected === null ? formatBytes(received) : `${formatBytes(received)} of ${formatBytes(expected)}`;
    super(
      kind === 'long'
        ? `${file}: the host sent more than the ${formatBytes(expected ?? 0)} planned.`
        : kind === 'capped'
          ? `${file}: the host sent more than ${formatBytes(expected ?? 0)}, the most this app accepts here.`
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

/** How much of one file may come down: its planned size, or a cap where no size is known. */
export interface Allowance {
  limit: number;
  /** The limit is a cap (the size was not known, or config.json's), not the size the host said. */
  capped: boolean;
}

/**
 * The files a load may download in full: `config.json` (which the plan is made from, at most
 * CONFIG_CAP_BYTES) until the plan is set, then exactly the plan's files, each at most its
 * planned size, or UNKNOWN_SIZE_FILE_CAP where the host did not say; and, where the person agreed
 * to a download of unknown size, at most that many bytes in all.
 */
export class DownloadPlan {
  private files: Map<string, number | null> | null = null;
  private spent = 0;

  /** `budget`: the most bytes every full download of this load may add up to (null: no total cap). */
  constructor(private readonly budget: number | null = null) {}

  set(files: readonly PlannedFile[]): void {
    this.files = new Map(files.map((file) => [file.file, file.size]));
  }

  /** How much of `file` may come down; throws NotPlannedError for a file outside the plan. */
  allow(file: string): Allowance {
    if (this.files === null) {
      if (file === 'config.json') return { limit: CONFIG_CAP_BYTES, capped: true };
      throw new NotPlannedError(file);
    }
    const size = this.files.get(file);
    if (size === undefined) throw new NotPlannedError(file);
    if (file === 'config.json' && (size === null || size > CONFIG_CAP_BYTES)) {
      return { limit: CONFIG_CAP_BYTES, capped: true };
    }
    return size === null ? { limit: UNKNOWN_SIZE_FILE_CAP, capped: true } : { limit: size, capped: false };
  }

  /** Counts bytes received; false once the load's total went past the budget. */
  spend(bytes: number): boolean {
    this.spent += bytes;
    return this.budget === null || this.spent <= this.budget;
  }

  get totalCap(): number | null {
    return this.budget;
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
 * or goes on past its allowance (the planned size, or a cap) or the load's total budget.
 */
function checkedBody(
  body: ReadableStream<Uint8Array>,
  file: string,
  expected: number | null,
  allowance: Allowance,
  plan: DownloadPlan,
): ReadableStream<Uint8Array> {
  const { limit, capped } = allowance;
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
      const withinTotal = plan.spend(chunk.value.byteLength);
      if (received > limit || !withinTotal) {
        await reader.cancel().catch(() => undefined);
        const cap = withinTotal ? limit : (plan.totalCap ?? limit);
        const kind = capped || !withinTotal ? 'capped' : 'long';
        controller.error(new DownloadError({ code: 'download-failed', file, kind, received, expected: cap }));
        return;
      }
      controller.enqueue(chunk.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

export function createCheckedFetch(
  signal: AbortSignal,
  log: DownloadLog,
  plan: DownloadPlan,
  guard?: (url: string) => void,
): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const file = repoPath(url);
    // An imported model is only in the store: a file its folder lacked does not exist anywhere.
    if (isLocalModelUrl(url, self.location.origin)) {
      return new Response(`${file} was not in the imported folder.`, { status: 404, statusText: 'Not Found' });
    }
    // A host the person has not agreed to yet is not contacted at all (see shared/consent.ts).
    guard?.(url);
    const ranged = new Headers(init?.headers).has('Range');
    // Size probes read a byte; a full download must be in the plan.
    const allowance = ranged ? null : plan.allow(file);
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
    if (!response.ok || !response.body || allowance === null || response.status !== 200) return response;
    // With a content encoding the declared length is of the encoded bytes, not of the body read.
    const length = response.headers.get('content-encoding') ? null : response.headers.get('content-length');
    const expected = length === null ? null : Number(length);
    if (expected !== null) log.declare(url, expected);
    if (expected !== null && expected > allowance.limit) {
      await response.body.cancel().catch(() => undefined);
      const kind = allowance.capped ? 'capped' : 'long';
      throw new DownloadError({ code: 'download-failed', file, kind, received: 0, expected: allowance.limit });
    }
    return new Response(checkedBody(response.body, file, expected, allowance, plan), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
