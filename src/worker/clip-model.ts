/**
 * Loads a CLIP-family model as separate text and vision towers and turns their embeddings into
 * per-label scores, as the zero-shot-image-classification pipeline would.
 */
import {
  AutoConfig,
  AutoImageProcessor,
  AutoTokenizer,
  CLIPTextModelWithProjection,
  CLIPVisionModelWithProjection,
  ModelRegistry,
  RawImage,
  type PretrainedConfig,
  type ProgressInfo,
  type Tensor,
} from '@huggingface/transformers';
import { onnxFile } from '../shared/dtypes.ts';
import { modelFileUrl } from '../shared/model-source.ts';
import type { Dtype, FileProgress, LoadOptions, ModelInfo, PlannedFile } from '../shared/protocol.ts';
import { dot, normalise, sigmoid, softmax } from '../shared/scoring.ts';
import { wasmThreads } from './runtime.ts';

interface ModelFamily {
  textModel: typeof CLIPTextModelWithProjection;
  visionModel: typeof CLIPVisionModelWithProjection;
  scoring: ModelInfo['scoring'];
  /** exp(logit_scale) after training; the exported towers do not carry it. */
  logitScale: number;
  logitBias: number;
  padding: true | 'max_length';
}

const FAMILIES: Record<string, ModelFamily> = {
  // OpenAI's CLIP checkpoints all end training with logit_scale clamped at ln(100).
  clip: {
    textModel: CLIPTextModelWithProjection,
    visionModel: CLIPVisionModelWithProjection,
    scoring: 'softmax',
    logitScale: 100,
    logitBias: 0,
    padding: true,
  },
};

export class UnsupportedModelError extends Error {
  override name = 'UnsupportedModelError';
}

export class MissingFileError extends Error {
  override name = 'ModelFileNotFoundError';
}

/** A failure of the WebGPU backend itself (not of the model or the network): the cue to fall back to WASM. */
export class BackendError extends Error {
  override name = 'BackendError';
}

export interface LoadCallbacks {
  onPlan(files: PlannedFile[]): void;
  onProgress(progress: FileProgress): void;
  onWarmUp(): void;
  /** Whether a file of the model is in the store, whole (never asks the network). */
  isStored(url: string): Promise<boolean>;
}

export interface LoadedModel {
  info: ModelInfo;
  /** Unit-length text embeddings, one per text, in order. */
  encodeTexts(texts: string[]): Promise<Float32Array[]>;
  /** A unit-length image embedding. */
  encodeImage(image: RawImage): Promise<Float32Array>;
  /** Per-label scores (probabilities for softmax models) of one image against the texts. */
  score(image: Float32Array, texts: readonly Float32Array[]): Float64Array;
  dispose(): Promise<void>;
}

const towerFiles = (dtype: Dtype) => [onnxFile('text_model', dtype), onnxFile('vision_model', dtype)];

let metadataRound = 0;

/** transformers.js memoises file metadata for the worker's life; a fresh key keeps answers current. */
function freshMetadata(modelId: string, files: string[]) {
  const options = { cache_dir: `round-${++metadataRound}` }; // cache_dir is unused in browsers
  return Promise.all(files.map((file) => ModelRegistry.get_file_metadata(modelId, file, options)));
}

/**
 * The first precision of the table (best first) that the model has: stored files are checked
 * first, without asking the network (so a stored model loads offline); otherwise the host is asked.
 */
async function choosePrecision(options: LoadOptions, isStored: LoadCallbacks['isStored']): Promise<Dtype> {
  const { source, dtypes } = options;
  let failure: unknown = null;
  for (const dtype of dtypes) {
    const files = towerFiles(dtype);
    const stored = await Promise.all(files.map((file) => isStored(modelFileUrl(source, file))));
    if (stored.every(Boolean)) return dtype;
    try {
      if ((await freshMetadata(source.modelId, files)).every((m) => m.exists)) return dtype;
    } catch (error) {
      // Unreachable host (offline): a later precision may still be stored.
      failure ??= error;
    }
  }
  if (failure) throw failure;
  throw new MissingFileError(
    `Could not locate file: ${source.modelId} has no ${dtypes.join(' or ')} ONNX files for its text and vision towers.`,
  );
}

/** Sizes (from the store, or a one-byte range request) before any large download starts. */
async function planDownload(modelId: string, files: string[]): Promise<PlannedFile[]> {
  const metadata = await freshMetadata(modelId, files);
  const missing = files.filter((_, i) => !metadata[i].exists);
  if (missing.length > 0) throw new MissingFileError(`Could not locate file: ${missing.join(', ')}.`);
  return files.map((file, i) => ({ file, size: metadata[i].size ?? 0, stored: metadata[i].fromCache === true }));
}

function rows(tensor: Tensor): Float32Array[] {
  const [count, width] = tensor.dims;
  const data = tensor.data as Float32Array;
  return Array.from({ length: count }, (_, i) => normalise(data.subarray(i * width, (i + 1) * width)));
}

function toFileProgress(info: ProgressInfo): FileProgress | null {
  switch (info.status) {
    case 'initiate':
      return { file: info.file, loaded: 0, total: 0, done: false };
    case 'progress':
      return { file: info.file, loaded: info.loaded, total: info.total, done: false };
    case 'done':
      return { file: info.file, loaded: 0, total: 0, done: true };
    default:
      return null;
  }
}

export async function loadClipModel(options: LoadOptions, callbacks: LoadCallbacks): Promise<LoadedModel> {
  const { modelId } = options.source;
  const progress_callback = (info: ProgressInfo) => {
    const progress = toFileProgress(info);
    if (progress) callbacks.onProgress(progress);
  };
  const config: PretrainedConfig = await AutoConfig.from_pretrained(modelId, { progress_callback });
  const family = FAMILIES[config.model_type ?? ''];
  if (!family) {
    throw new UnsupportedModelError(
      `${modelId} is a “${config.model_type ?? 'unknown'}” model, not a CLIP-family image–text model.`,
    );
  }
  const dtype = await choosePrecision(options, callbacks.isStored);
  callbacks.onPlan(
    await planDownload(modelId, [
      'config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'preprocessor_config.json',
      ...towerFiles(dtype),
    ]),
  );
  const onGpu = options.device === 'webgpu';
  if (onGpu && options.simulate === 'session-error') {
    throw new BackendError('simulated failure while creating the WebGPU sessions.');
  }
  const modelOptions = { config, device: options.device, dtype, progress_callback };
  const [tokenizer, processor, textModel, visionModel] = await Promise.all([
    AutoTokenizer.from_pretrained(modelId, { progress_callback }),
    AutoImageProcessor.from_pretrained(modelId, { progress_callback }),
    family.textModel.from_pretrained(modelId, modelOptions),
    family.visionModel.from_pretrained(modelId, modelOptions),
  ]);

  const model: LoadedModel = {
    info: {
      modelId,
      device: options.device,
      dtype,
      threads: wasmThreads(),
      scoring: family.scoring,
      notices: [],
    },
    async encodeTexts(texts) {
      const inputs = tokenizer(texts, { padding: family.padding, truncation: true });
      const { text_embeds } = (await textModel(inputs)) as { text_embeds: Tensor };
      return rows(text_embeds);
    },
    async encodeImage(image) {
      if (onGpu && options.simulate === 'run-error') throw new BackendError('simulated failure of a WebGPU inference.');
      const { pixel_values } = await processor(image);
      const { image_embeds } = (await visionModel({ pixel_values })) as { image_embeds: Tensor };
      return rows(image_embeds)[0];
    },
    score(image, texts) {
      const logits = texts.map((text) => family.logitScale * dot(image, text) + family.logitBias);
      return family.scoring === 'softmax' ? softmax(logits) : sigmoid(logits);
    },
    async dispose() {
      await Promise.all([textModel.dispose(), visionModel.dispose()]);
    },
  };
  // One run of each tower before the model is called ready: on WebGPU it compiles the shaders.
  callbacks.onWarmUp();
  await model.encodeTexts(['a photo']);
  if (options.simulate !== 'run-error') {
    // Any size would do: the image processor resizes it.
    await model.encodeImage(new RawImage(new Uint8ClampedArray(224 * 224 * 3), 224, 224, 3));
  }
  return model;
}
