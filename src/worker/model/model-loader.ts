/**
 * The real model loader: transformers.js configured for this app (the worker's IndexedDB model
 * store behind its custom cache, a length-checked fetch), a Web Lock per model so two tabs do not
 * download it twice, then the CLIP-family model itself.
 */
import {
  consentCovers,
  consentNames,
  consentReasons,
  hostKind,
  knownBytes,
  uncontactedRequest,
  type ConsentRequest,
} from '../../shared/consent.ts';
import type { LoadOptions } from '../../shared/protocol.ts';
import type { Dtype, PlannedFile } from '../../shared/types.ts';
import type { ModelLoader, LoadProgress } from '../service/classifier-service.ts';
import { loadClipModel } from './clip-model.ts';
import { DownloadLog, DownloadPlan, createCheckedFetch } from '../storage/download.ts';
import type { LoadedModel } from './loaded-model.ts';
import { errorDetail } from '../../shared/failures.ts';
import { ConsentNeededError, StoredGraphRejectedError } from './model-errors.ts';
import type { ModelStore } from '../storage/model-store.ts';
import { repairingModel } from './repairing-model.ts';
import { configureRuntime, webgpuDevice } from './onnx/runtime.ts';
import { setSessionGuard } from './onnx/inference-session-factory.ts';
import { StoreCache } from '../storage/store-cache.ts';

/**
 * Runs `load` holding a lock named after the model, so that two tabs loading the same model do
 * not download it twice: the second waits, then finds every file in the store.
 */
async function withModelLock<T>(name: string, onWait: () => void, load: () => Promise<T>): Promise<T> {
  const locks = self.navigator.locks as LockManager | undefined;
  if (!locks) return load();
  let granted = false;
  let immediate: { value: T } | null;
  try {
    immediate = await locks.request(name, { ifAvailable: true }, async (lock) => {
      granted = true;
      return lock ? { value: await load() } : null;
    });
  } catch (error) {
    // Where site data is blocked, so are locks ("The request was denied"): there is no store to share either.
    if (!granted) return load();
    throw error;
  }
  if (immediate) return immediate.value;
  onWait();
  return locks.request(name, load);
}

/** ONNX Runtime's words for a graph file it could not read (protobuf parsing, model loading). */
function isUnparsableModel(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /protobuf parsing failed|failed to load model|invalid_protobuf|can't create a session/i.test(message);
}

/**
 * Lets a plan download when nothing needs asking or the person agreed to it (the same host, model
 * and at most as many bytes); otherwise stops the load before anything past config.json downloads.
 */
export function approvePlan(options: LoadOptions, files: PlannedFile[], dtype: Dtype, origin: string): void {
  const { source } = options;
  const reasons = consentReasons({ host: source.host, modelId: source.modelId, files }, origin, options.hints);
  if (reasons.length === 0) return;
  const request: ConsentRequest = {
    host: source.host,
    modelId: source.modelId,
    dtype,
    bytes: knownBytes(files.filter((file) => !file.stored)),
    totalBytes: knownBytes(files),
    files,
    reasons,
    contacted: true,
  };
  if (!consentCovers(options.consent, request)) throw new ConsentNeededError(request);
}

/**
 * Stops every request to a host other than this origin and the default Hub until the person
 * agreed to it (not config.json, not a size probe): a model stored whole still loads, from the
 * store, without asking. `tried` tells that a request was stopped, whatever the library made of
 * the error it met.
 */
export class HostGuard {
  private stopped: ConsentNeededError | null = null;

  constructor(
    private readonly options: LoadOptions,
    private readonly origin: string,
  ) {}

  get open(): boolean {
    const { source, consent } = this.options;
    return hostKind(source.host, this.origin) !== 'foreign' || consentNames(consent, source);
  }

  /** Throws (and remembers) a ConsentNeededError while the host may not be contacted. */
  readonly check = (): void => {
    if (this.open) return;
    this.stopped ??= new ConsentNeededError(
      uncontactedRequest(this.options.source, this.options.dtypes[0] ?? 'q8', this.options.hints),
    );
    throw this.stopped;
  };

  /** The consent request, when a request to the host was stopped in this load. */
  get tried(): ConsentNeededError | null {
    return this.stopped;
  }
}

/** Settles with the reason once the GPU device ONNX Runtime runs on is lost. */
async function deviceLost(): Promise<string> {
  const device = await webgpuDevice();
  if (!device) return new Promise<string>(() => undefined);
  const info = await device.lost;
  return `the GPU device was lost (${info.message || info.reason})`;
}

export function createModelLoader(store: ModelStore | null): ModelLoader {
  return async (options: LoadOptions, progress: LoadProgress, signal: AbortSignal): Promise<LoadedModel> => {
    const { source } = options;
    const downloads = new DownloadLog();
    // Without a usable IndexedDB (private windows, blocked site data) the model runs uncached.
    const usable = store
      ? await store.ready().then(
          () => store,
          () => null,
        )
      : null;
    const cache = usable ? new StoreCache(usable, source, downloads) : null;
    const guard = new HostGuard(options, self.location.origin);
    // What the person agreed to without knowing every size is the most the whole load downloads.
    const plan = new DownloadPlan(
      options.consent && consentNames(options.consent, source) ? options.consent.maxBytes : null,
    );
    const lockName = `zero-shot-classifier model ${source.host}|${source.modelId}|${options.dtypes.join(',')}`;
    const attempt = async () => {
      try {
        return await loadClipModel(options, {
          ...progress,
          isStored: async (url) => (await cache?.has(url)) ?? false,
          approve: (files, dtype) => {
            approvePlan(options, files, dtype, self.location.origin);
            plan.set(files);
          },
        });
      } catch (error) {
        // A stored graph whose checksum held but that ONNX Runtime cannot parse was stored wrong: it is
        // deleted, and a fresh worker loads again (this one's runtime does not recover from the failed parse).
        if (signal.aborted || !cache || !isUnparsableModel(error)) throw error;
        // Damaged under its recorded hash, or (hash intact) stored wrong: either way gone from the store.
        const damaged = await cache.verifyStored();
        if (damaged.length === 0 && (await cache.discardServedGraphs()).length === 0) throw error;
        throw new StoredGraphRejectedError(cache.repairedFiles, errorDetail(error));
      }
    };
    const load = async () => {
      // Again before a background repair's load: another model may have been configured since.
      configureRuntime(
        source,
        { cache, fetch: createCheckedFetch(signal, downloads, plan, guard.check) },
        options.threads,
        options.device,
      );
      // A downloaded file whose checksum failed is never made into a session, so never run.
      setSessionGuard(() => cache?.assertIntact());
      const model = await withModelLock(lockName, progress.onWaiting, attempt);
      try {
        await cache?.assertIntact();
      } catch (error) {
        await model.dispose();
        throw error;
      }
      model.info.notices = cache ? cache.notices : [{ kind: 'unavailable' }];
      if (options.device === 'webgpu') model.lost = deviceLost();
      return model;
    };
    let model: LoadedModel;
    try {
      model = await load();
    } catch (error) {
      // A stopped request may come back from the library as "not found" or "could not check": it was the guard.
      if (guard.tried) throw guard.tried;
      // The library may word a session the guard refused its own way: the mismatch is what happened.
      await cache?.assertIntact();
      // A damaged stored file may fail before the model is ready (a flipped byte in an ONNX
      // file's structure): verify what was read now; when something was damaged, load again.
      if (error instanceof StoredGraphRejectedError) throw error;
      if (!cache?.hasUnverified || (await cache.verifyStored()).length === 0) throw error;
      model = await load();
    }
    if (!cache?.hasUnverified) {
      // The sessions hold the model now: the store's verified reads are let go.
      cache?.release();
      return model;
    }
    // Ready now; the stored files' hashes are checked in the background.
    return repairingModel(model, async () => ((await cache.verifyStored()).length > 0 ? load() : null));
  };
}
