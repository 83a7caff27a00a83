/**
 * The one hook components use to classify: it owns the worker client, loads the model, and keeps
 * every image's scores up to date with the current labels. Components never see the worker.
 */
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import {
  isAbortError,
  serializeError,
  type Device,
  type EncodeWork,
  type Dtype,
  type FileProgress,
  type SimulatedFailure,
  type LabelScore,
  type ModelInfo,
  type ModelSource,
  type PlannedFile,
  type Scoring,
  type SerializedError,
} from '../shared/protocol.ts';
import type { StoreState } from './use-model-store.ts';
import { isSvg, rasteriseSvg } from './rasterise-svg.ts';
import { ClassifierClient } from './worker-client.ts';

/** One file of a loading model: how much of it has arrived, and whether it came from the store. */
export interface DownloadItem extends FileProgress {
  stored: boolean;
}

export type ModelState =
  | {
      phase: 'loading';
      files: DownloadItem[];
      /** The sizes are known (they are sent before any large download starts). */
      planned: boolean;
      /** Another tab is loading the same model; this one waits for it. */
      waiting: boolean;
      /** The files are in; a first run prepares the model. */
      warming: boolean;
    }
  | { phase: 'ready'; info: ModelInfo }
  | { phase: 'error'; error: SerializedError }
  | { phase: 'cancelled' };

export interface ImageResult {
  /** The model, template and labels the scores were computed for. */
  key: string;
  scores: LabelScore[];
  ms: number;
  device: Device;
  scoring: Scoring;
  width: number;
  height: number;
  notes: string[];
}

export interface ImageEntry {
  id: string;
  name: string;
  file: File;
  /** Object URL for the thumbnail; revoked when the image is removed. */
  url: string;
  result?: ImageResult;
  error?: SerializedError;
}

interface State {
  model: ModelState;
  images: ImageEntry[];
}

type Action =
  | { type: 'load-start' }
  | { type: 'load-plan'; files: PlannedFile[] }
  | { type: 'load-waiting' }
  | { type: 'load-warming' }
  | { type: 'load-cancelled' }
  | { type: 'load-progress'; file: FileProgress }
  | { type: 'load-done'; info: ModelInfo }
  | { type: 'load-error'; error: SerializedError }
  | { type: 'add'; images: ImageEntry[] }
  | { type: 'remove'; id: string }
  | { type: 'clear' }
  | { type: 'results'; results: { id: string; result: ImageResult }[] }
  | { type: 'image-error'; ids: string[]; error: SerializedError };

const LOADING: ModelState = { phase: 'loading', files: [], planned: false, waiting: false, warming: false };

function mergeProgress(files: DownloadItem[], update: FileProgress): DownloadItem[] {
  const index = files.findIndex((f) => f.file === update.file);
  if (index === -1) return [...files, { ...update, stored: false }];
  const previous = files[index];
  // "done" carries no sizes: keep the last known ones and mark the file complete.
  const merged = update.done
    ? { ...previous, loaded: previous.total || previous.loaded, done: true }
    : { ...previous, ...update, total: update.total || previous.total };
  return files.map((f, i) => (i === index ? merged : f));
}

function updateImages(images: ImageEntry[], ids: Set<string>, change: Partial<ImageEntry>): ImageEntry[] {
  return images.map((image) => (ids.has(image.id) ? { ...image, ...change } : image));
}

function reducer(state: State, action: Action): State {
  switch (action.type) {
    case 'load-start':
      return { ...state, model: LOADING };
    case 'load-plan': {
      if (state.model.phase !== 'loading') return state;
      const files = action.files.map(({ file, size, stored }) => ({
        file,
        stored,
        loaded: stored ? size : 0,
        total: size,
        done: stored,
      }));
      return { ...state, model: { ...state.model, files, planned: true, waiting: false } };
    }
    case 'load-waiting':
      if (state.model.phase !== 'loading') return state;
      return { ...state, model: { ...state.model, waiting: true } };
    case 'load-warming':
      if (state.model.phase !== 'loading') return state;
      return { ...state, model: { ...state.model, warming: true, waiting: false } };
    case 'load-cancelled':
      return { ...state, model: { phase: 'cancelled' } };
    case 'load-progress':
      if (state.model.phase !== 'loading') return state;
      return { ...state, model: { ...state.model, files: mergeProgress(state.model.files, action.file) } };
    case 'load-done':
      return { ...state, model: { phase: 'ready', info: action.info } };
    case 'load-error':
      return { ...state, model: { phase: 'error', error: action.error } };
    case 'add':
      return { ...state, images: [...state.images, ...action.images] };
    case 'remove':
      return { ...state, images: state.images.filter((image) => image.id !== action.id) };
    case 'clear':
      return { ...state, images: [] };
    case 'results': {
      const byId = new Map(action.results.map(({ id, result }) => [id, result]));
      return {
        ...state,
        images: state.images.map((image) => {
          const result = byId.get(image.id);
          return result ? { ...image, result, error: undefined } : image;
        }),
      };
    }
    case 'image-error':
      return { ...state, images: updateImages(state.images, new Set(action.ids), { error: action.error }) };
  }
}

/** How to run the model; null while it is still being decided (WebGPU is probed). */
export interface RunPlan {
  device: Device;
  dtypes: Dtype[];
  threads: number | null;
  simulate: SimulatedFailure | null;
}

export interface ClassifierOptions {
  store: StoreState;
  source: ModelSource;
  plan: RunPlan | null;
  /** WebGPU failed (loading, running, or its device was lost); the worker has been replaced. */
  onBackendFailure(reason: string): void;
  labels: string[];
  /** One template, or several for a prompt ensemble. */
  templates: string[];
  /** How a sigmoid (SigLIP) model's scores are read; null: as the model is meant. Softmax models ignore it. */
  scoring: Scoring | null;
}

/** Errors that mean the request was superseded, not that something went wrong. */
function isSuperseded(error: unknown): boolean {
  return isAbortError(error) || (error instanceof Error && error.name === 'WorkerRestarted');
}

export interface Classifier {
  model: ModelState;
  images: ImageEntry[];
  /** Identifies the current model, template and labels; results with another key are stale. */
  resultKey: string;
  /** How the current scores are read: one distribution, or independent per label. */
  scoring: Scoring;
  addImages(files: Iterable<File>): void;
  removeImage(id: string): void;
  clearImages(): void;
  /** Stops the model's download; nothing partial is kept. */
  cancelLoad(): void;
  retryLoad(): void;
  /** Images with scores for the current labels, of those that can have them. */
  progress: { done: number; total: number };
  /** Everything encoded, and found in the caches instead, since the page opened. */
  work: EncodeWork;
  /** Classification was stopped by the person; it resumes when they ask, or change labels or images. */
  stopped: boolean;
  stopClassifying(): void;
  resumeClassifying(): void;
}

interface InFlight {
  key: string;
  ids: Set<string>;
  controller: AbortController;
}

let imageCounter = 0;
let sharedClient: ClassifierClient | null = null;

/** One worker for the page: the model it holds is too large to load twice. */
function classifierClient(): ClassifierClient {
  sharedClient ??= new ClassifierClient();
  return sharedClient;
}

export function useClassifier({
  store,
  source,
  plan,
  onBackendFailure,
  labels,
  templates,
  scoring: scoringChoice,
}: ClassifierOptions): Classifier {
  const [state, dispatch] = useReducer(reducer, { model: LOADING, images: [] });
  const client = classifierClient();
  const [attempt, setAttempt] = useState(0);
  const inFlight = useRef(new Set<InFlight>());
  const loadController = useRef<AbortController | null>(null);
  const [work, setWork] = useState<EncodeWork>({ textsEncoded: 0, textsCached: 0, imagesEncoded: 0, imagesCached: 0 });
  const addWork = useCallback(
    (more: Partial<EncodeWork>) =>
      setWork((total) => ({
        textsEncoded: total.textsEncoded + (more.textsEncoded ?? 0),
        textsCached: total.textsCached + (more.textsCached ?? 0),
        imagesEncoded: total.imagesEncoded + (more.imagesEncoded ?? 0),
        imagesCached: total.imagesCached + (more.imagesCached ?? 0),
      })),
    [],
  );
  // The latest images, for callbacks that must not change identity (and for unmount cleanup).
  const imagesRef = useRef(state.images);
  useEffect(() => {
    imagesRef.current = state.images;
  }, [state.images]);

  const { modelId, host } = source;
  const storeReady = store.status === 'ready' ? store.store : null;
  const storeSettled = store.status !== 'opening';
  useEffect(() => {
    client.setStoreHandler(storeReady ? (call) => storeReady.answer(call) : null);
  }, [client, storeReady]);

  const device = plan?.device ?? null;
  const onGpu = device === 'webgpu';
  const failedOnGpu = useCallback(
    (error: unknown): boolean => {
      if (!onGpu || !(error instanceof Error) || !['BackendError', 'DeviceLost'].includes(error.name)) return false;
      // transformers.js' state in that worker is poisoned: the WASM run starts in a fresh one.
      client.restart();
      onBackendFailure(error.message);
      return true;
    },
    [client, onGpu, onBackendFailure],
  );
  useEffect(() => {
    client.setDeviceLostHandler(onGpu ? (error) => failedOnGpu(error) : null);
  }, [client, onGpu, failedOnGpu]);

  const dtypesKey = plan?.dtypes.join(',') ?? '';
  const threads = plan?.threads ?? null;
  const simulate = plan?.simulate ?? null;
  useEffect(() => {
    // The load waits until the page knows whether it can store the model, and which backend to use.
    if (!storeSettled || device === null) return undefined;
    const controller = new AbortController();
    loadController.current = controller;
    dispatch({ type: 'load-start' });
    client
      .load(
        {
          source: { modelId, host },
          device,
          dtypes: dtypesKey.split(',') as Dtype[],
          storage: storeReady !== null,
          threads,
          simulate,
        },
        {
          signal: controller.signal,
          onPlan: (files) => dispatch({ type: 'load-plan', files }),
          onWaiting: () => dispatch({ type: 'load-waiting' }),
          onWarmUp: () => dispatch({ type: 'load-warming' }),
          onProgress: (file) => dispatch({ type: 'load-progress', file }),
        },
      )
      .then((info) => dispatch({ type: 'load-done', info }))
      .catch((error: unknown) => {
        if (isSuperseded(error) || failedOnGpu(error)) return;
        dispatch({ type: 'load-error', error: serializeError(error) });
      });
    return () => controller.abort();
  }, [client, storeSettled, storeReady, modelId, host, device, dtypesKey, threads, simulate, attempt, failedOnGpu]);

  const ready = state.model.phase === 'ready';
  // The choice applies where both readings make sense (a sigmoid model); a softmax model's scores are one distribution.
  const modelScoring = state.model.phase === 'ready' ? state.model.info.scoring : 'softmax';
  const scoring: Scoring = modelScoring === 'sigmoid' ? (scoringChoice ?? 'sigmoid') : 'softmax';
  const resultKey = JSON.stringify([modelId, host, device, dtypesKey, templates, scoring, labels]);
  // A stop holds for the labels and images it was made on: changing either asks for new work.
  const [stop, setStop] = useState<{ key: string; images: number } | null>(null);
  const stopped = stop !== null && stop.key === resultKey && stop.images === state.images.length;

  useEffect(() => {
    const requests = inFlight.current;
    if (!ready || labels.length === 0 || stopped) {
      for (const request of requests) request.controller.abort();
      requests.clear();
      return;
    }
    // Requests for other labels or another model are superseded: their results would be stale.
    const busy = new Set<string>();
    for (const request of requests) {
      if (request.key !== resultKey) {
        request.controller.abort();
        requests.delete(request);
      } else {
        for (const id of request.ids) busy.add(id);
      }
    }
    const needed = state.images.filter(
      (image) => !image.error && image.result?.key !== resultKey && !busy.has(image.id),
    );
    if (needed.length === 0) return;
    const request: InFlight = {
      key: resultKey,
      ids: new Set(needed.map((image) => image.id)),
      controller: new AbortController(),
    };
    requests.add(request);
    const key = resultKey;
    const ranOn = device ?? 'wasm';
    client
      .classify(
        needed.map((image) => ({ imageId: image.id, name: image.name, blob: image.file })),
        labels,
        templates,
        scoring,
        {
          signal: request.controller.signal,
          onResults: (results) => {
            dispatch({
              type: 'results',
              results: results.map(({ imageId, scores, ms, width, height, notes }) => ({
                id: imageId,
                result: { key, scores, ms, device: ranOn, scoring, width, height, notes },
              })),
            });
            const cached = results.filter((r) => r.cached).length;
            addWork({ imagesCached: cached, imagesEncoded: results.length - cached });
          },
          onImageError: (id, error) => dispatch({ type: 'image-error', ids: [id], error }),
        },
      )
      .then(addWork)
      .catch((error: unknown) => {
        if (isSuperseded(error) || failedOnGpu(error)) return;
        dispatch({ type: 'image-error', ids: [...request.ids], error: serializeError(error) });
      })
      .finally(() => requests.delete(request));
  }, [client, ready, resultKey, labels, templates, scoring, state.images, failedOnGpu, device, stopped, addWork]);

  useEffect(() => {
    const requests = inFlight.current;
    return () => {
      for (const request of requests) request.controller.abort();
      for (const image of imagesRef.current) URL.revokeObjectURL(image.url);
    };
  }, []);

  const addImages = useCallback((files: Iterable<File>) => {
    const list = [...files];
    // SVG is drawn on the page (workers cannot decode it), then classified like any bitmap.
    void Promise.all(list.map((file) => (isSvg(file) ? rasteriseSvg(file).catch(() => file) : file))).then(
      (readable) => {
        const images = list.map((file, i) => ({
          id: `image-${++imageCounter}`,
          name: file.name || 'pasted image',
          file: readable[i],
          url: URL.createObjectURL(file),
        }));
        if (images.length > 0) dispatch({ type: 'add', images });
      },
    );
  }, []);

  const removeImage = useCallback((id: string) => {
    const image = imagesRef.current.find((entry) => entry.id === id);
    if (image) URL.revokeObjectURL(image.url);
    dispatch({ type: 'remove', id });
  }, []);

  const clearImages = useCallback(() => {
    for (const image of imagesRef.current) URL.revokeObjectURL(image.url);
    dispatch({ type: 'clear' });
  }, []);

  const retryLoad = useCallback(() => setAttempt((n) => n + 1), []);
  const imageCount = state.images.length;
  const stopClassifying = useCallback(() => setStop({ key: resultKey, images: imageCount }), [resultKey, imageCount]);
  const resumeClassifying = useCallback(() => setStop(null), []);
  const classifiable = state.images.filter((image) => !image.error);
  const progress = {
    done: classifiable.filter((image) => image.result?.key === resultKey).length,
    total: classifiable.length,
  };
  const cancelLoad = useCallback(() => {
    loadController.current?.abort();
    dispatch({ type: 'load-cancelled' });
  }, []);

  return {
    model: state.model,
    images: state.images,
    resultKey,
    scoring,
    addImages,
    removeImage,
    clearImages,
    cancelLoad,
    retryLoad,
    progress,
    work,
    stopped,
    stopClassifying,
    resumeClassifying,
  };
}
