/**
 * The one hook components use to classify: it owns the worker client, loads the model, and keeps
 * every image's scores up to date with the current labels. Components never see the worker.
 */
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import {
  isAbortError,
  serializeError,
  type Device,
  type Dtype,
  type FileProgress,
  type LabelScore,
  type ModelInfo,
  type ModelSource,
  type SerializedError,
} from '../shared/protocol.ts';
import { ClassifierClient } from './worker-client.ts';

export type ModelState =
  | { phase: 'loading'; files: FileProgress[] }
  | { phase: 'ready'; info: ModelInfo }
  | { phase: 'error'; error: SerializedError };

export interface ImageResult {
  /** The model, template and labels the scores were computed for. */
  key: string;
  scores: LabelScore[];
  ms: number;
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
  | { type: 'load-progress'; file: FileProgress }
  | { type: 'load-done'; info: ModelInfo }
  | { type: 'load-error'; error: SerializedError }
  | { type: 'add'; images: ImageEntry[] }
  | { type: 'remove'; id: string }
  | { type: 'clear' }
  | { type: 'result'; id: string; result: ImageResult }
  | { type: 'image-error'; ids: string[]; error: SerializedError };

function mergeProgress(files: FileProgress[], update: FileProgress): FileProgress[] {
  const index = files.findIndex((f) => f.file === update.file);
  if (index === -1) return [...files, update];
  const previous = files[index];
  // "done" carries no sizes: keep the last known ones and mark the file complete.
  const merged = update.done
    ? { ...previous, loaded: previous.total || previous.loaded, done: true }
    : { ...update, total: update.total || previous.total };
  return files.map((f, i) => (i === index ? merged : f));
}

function updateImages(images: ImageEntry[], ids: Set<string>, change: Partial<ImageEntry>): ImageEntry[] {
  return images.map((image) => (ids.has(image.id) ? { ...image, ...change } : image));
}

function reducer(state: State, action: Action): State {
  switch (action.type) {
    case 'load-start':
      return { ...state, model: { phase: 'loading', files: [] } };
    case 'load-progress':
      if (state.model.phase !== 'loading') return state;
      return { ...state, model: { phase: 'loading', files: mergeProgress(state.model.files, action.file) } };
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
    case 'result':
      return {
        ...state,
        images: updateImages(state.images, new Set([action.id]), { result: action.result, error: undefined }),
      };
    case 'image-error':
      return { ...state, images: updateImages(state.images, new Set(action.ids), { error: action.error }) };
  }
}

export interface ClassifierOptions {
  source: ModelSource;
  device: Device;
  dtype: Dtype;
  labels: string[];
  template: string;
}

export interface Classifier {
  model: ModelState;
  images: ImageEntry[];
  /** Identifies the current model, template and labels; results with another key are stale. */
  resultKey: string;
  addImages(files: Iterable<File>): void;
  removeImage(id: string): void;
  clearImages(): void;
  retryLoad(): void;
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

export function useClassifier({ source, device, dtype, labels, template }: ClassifierOptions): Classifier {
  const [state, dispatch] = useReducer(reducer, { model: { phase: 'loading', files: [] }, images: [] });
  const client = classifierClient();
  const [attempt, setAttempt] = useState(0);
  const inFlight = useRef(new Set<InFlight>());
  // The latest images, for callbacks that must not change identity (and for unmount cleanup).
  const imagesRef = useRef(state.images);
  useEffect(() => {
    imagesRef.current = state.images;
  }, [state.images]);

  const { modelId, host } = source;
  useEffect(() => {
    const controller = new AbortController();
    dispatch({ type: 'load-start' });
    client
      .load(
        { source: { modelId, host }, device, dtype },
        { signal: controller.signal, onProgress: (file) => dispatch({ type: 'load-progress', file }) },
      )
      .then((info) => dispatch({ type: 'load-done', info }))
      .catch((error: unknown) => {
        if (!isAbortError(error)) dispatch({ type: 'load-error', error: serializeError(error) });
      });
    return () => controller.abort();
  }, [client, modelId, host, device, dtype, attempt]);

  const ready = state.model.phase === 'ready';
  const resultKey = JSON.stringify([modelId, host, device, dtype, template, labels]);

  useEffect(() => {
    const requests = inFlight.current;
    if (!ready || labels.length === 0) {
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
    client
      .classify(
        needed.map((image) => ({ imageId: image.id, name: image.name, blob: image.file })),
        labels,
        template,
        {
          signal: request.controller.signal,
          onResult: (id, scores, ms) => dispatch({ type: 'result', id, result: { key, scores, ms } }),
          onImageError: (id, error) => dispatch({ type: 'image-error', ids: [id], error }),
        },
      )
      .catch((error: unknown) => {
        if (!isAbortError(error))
          dispatch({ type: 'image-error', ids: [...request.ids], error: serializeError(error) });
      })
      .finally(() => requests.delete(request));
  }, [client, ready, resultKey, labels, template, state.images]);

  useEffect(() => {
    const requests = inFlight.current;
    return () => {
      for (const request of requests) request.controller.abort();
      for (const image of imagesRef.current) URL.revokeObjectURL(image.url);
    };
  }, []);

  const addImages = useCallback((files: Iterable<File>) => {
    const images = [...files].map((file) => ({
      id: `image-${++imageCounter}`,
      name: file.name || 'pasted image',
      file,
      url: URL.createObjectURL(file),
    }));
    if (images.length > 0) dispatch({ type: 'add', images });
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

  return { model: state.model, images: state.images, resultKey, addImages, removeImage, clearImages, retryLoad };
}
